//! `--verbose`: the core's `log` events to stderr, without pulling in a logging crate.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct Stderr;

impl Log for Stderr {
    fn enabled(&self, m: &Metadata) -> bool {
        m.level() <= Level::Debug && m.target() == ddorg_core::LOG_TARGET
    }
    fn log(&self, r: &Record) {
        if self.enabled(r.metadata()) {
            let message = r.args().to_string();
            eprintln!(
                "ddorg: {}: {}",
                r.level().as_str().to_lowercase(),
                ddorg_core::escape_controls(&message)
            );
        }
    }
    fn flush(&self) {}
}

pub fn init() {
    static LOGGER: Stderr = Stderr;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Debug);
    }
}
