//! ddorg's log events (each attempt, its status and duration, each retry decision) delivered to a
//! C callback. They never hold a key.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::{OnceLock, RwLock};

use ddorg_core::{Error, ErrorKind};
use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::error::ddorg_error;
use crate::ffi::fallible;
use crate::status::ddorg_status;

/// Receives one log event: `level` is 1 (error), 2 (warn), 3 (info), 4 (debug) or 5 (trace);
/// `message` is one line, valid only during the call; `user_data` is what was registered. Called
/// on the thread that made the ddorg call, possibly from several threads at once. It must return
/// normally and must not call `ddorg_set_log_callback`.
pub type ddorg_log_callback =
    Option<unsafe extern "C" fn(level: c_int, message: *const c_char, user_data: *mut c_void)>;

struct Sink {
    callback: unsafe extern "C" fn(c_int, *const c_char, *mut c_void),
    // A pointer the library only hands back; stored as an address so the sink is Send + Sync.
    user_data: usize,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);

struct CLogger;

impl Log for CLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.target() == ddorg_core::LOG_TARGET
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let sink = SINK.read().unwrap_or_else(|e| e.into_inner());
        if let Some(sink) = sink.as_ref() {
            // One line, as documented: the core's escaping also turns NUL into `\u{0}`.
            let text = record.args().to_string();
            let text = ddorg_core::escape_controls(&text);
            let Ok(message) = CString::new(text.as_bytes()) else {
                return;
            };
            let level = match record.level() {
                Level::Error => 1,
                Level::Warn => 2,
                Level::Info => 3,
                Level::Debug => 4,
                Level::Trace => 5,
            };
            // SAFETY: the registrant's contract: a callback that accepts these arguments.
            unsafe { (sink.callback)(level, message.as_ptr(), sink.user_data as *mut c_void) };
        }
    }

    fn flush(&self) {}
}

/// Sends ddorg's log events up to `max_level` (0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace)
/// to `callback`, with `user_data` passed back on every call; a NULL `callback` or `max_level` 0
/// stops them. Off by default. Process-wide: the last registration wins. `DDORG_ERR_CONFIG` if
/// another logger of Rust's `log` crate already owns this process (a Rust program that links
/// libddorg and installed its own); `DDORG_ERR_INVALID_ARGUMENT` for a level outside 0..=5.
#[no_mangle]
pub unsafe extern "C" fn ddorg_set_log_callback(
    callback: ddorg_log_callback,
    max_level: c_int,
    user_data: *mut c_void,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let filter = match max_level {
                0 => LevelFilter::Off,
                1 => LevelFilter::Error,
                2 => LevelFilter::Warn,
                3 => LevelFilter::Info,
                4 => LevelFilter::Debug,
                5 => LevelFilter::Trace,
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!("max_level must be 0 to 5, got {max_level}"),
                    ))
                }
            };
            static INSTALLED: OnceLock<bool> = OnceLock::new();
            if !*INSTALLED.get_or_init(|| log::set_logger(&CLogger).is_ok()) {
                return Err(Error::new(
                    ErrorKind::Config,
                    "another logger already receives this process's log events",
                ));
            }
            let mut sink = SINK.write().unwrap_or_else(|e| e.into_inner());
            *sink = callback.map(|callback| Sink {
                callback,
                user_data: user_data as usize,
            });
            log::set_max_level(if sink.is_some() {
                filter
            } else {
                LevelFilter::Off
            });
            Ok(())
        })
    }
}
