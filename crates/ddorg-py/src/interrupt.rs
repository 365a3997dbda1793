//! Ctrl-C during a call: on the main thread (the one Python runs signal handlers on) the core call
//! runs on a worker thread while the caller waits in short slices, running the handlers in
//! between, so `KeyboardInterrupt` arrives within about [`SIGNAL_CHECK_INTERVAL`] even while a
//! request is in flight.
//!
//! A call given up that way is abandoned, not killed: its worker finishes the request within the
//! client's timeout (retry waits end at once), frees everything it held and exits; the caller
//! gets a fresh worker next time, so the client stays usable and nothing accumulates. Work that
//! spreads over threads of its own (a fleet audit) stops through [`abandoned_flag`]. Other
//! threads never receive signals in Python, so they make the call directly.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// How often a waiting call runs Python's signal handlers: well within the 200 ms a person
/// notices, and cheap (a wake-up per slice).
pub(crate) const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(50);

type Job = Box<dyn FnOnce() + Send>;

/// A thread that runs one calling thread's core calls, one at a time.
struct Worker {
    jobs: mpsc::Sender<Job>,
    /// Set when the caller gives up on the call in hand.
    abandoned: Arc<AtomicBool>,
    /// After `fork()` only the forking thread exists: a worker of another process is gone.
    pid: u32,
}

thread_local! {
    /// The calling thread's worker, reused call after call.
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// On a worker thread: its abandoned flag, which retry waits look at.
    static ABANDONED: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Whether this thread is a worker whose call was abandoned (its retry waits should end).
pub(crate) fn abandoned() -> bool {
    ABANDONED.with(|a| {
        a.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    })
}

/// On a worker thread: the flag its caller sets when it gives up on the call, to hand to work
/// that runs on other threads (a fleet audit's `FleetOptions::stop`), so that work stops too.
/// `None` elsewhere.
pub(crate) fn abandoned_flag() -> Option<Arc<AtomicBool>> {
    ABANDONED.with(|a| a.borrow().clone())
}

/// Whether the calling thread is Python's main thread, the only one signal handlers run on.
pub(crate) fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    static MAIN: PyOnceLock<u64> = PyOnceLock::new();
    let main = *MAIN.get_or_try_init(py, || -> PyResult<u64> {
        py.import("threading")?
            .call_method0("main_thread")?
            .getattr("ident")?
            .extract()
    })?;
    // SAFETY: a plain query of the calling thread's identifier, valid with or without the GIL.
    let current = unsafe { pyo3::ffi::PyThread_get_thread_ident() };
    #[allow(
        clippy::useless_conversion,
        reason = "c_ulong is 32 bits on some platforms"
    )]
    let current = u64::from(current);
    Ok(current == main)
}

fn spawn() -> PyResult<Worker> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let abandoned = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&abandoned);
    std::thread::Builder::new()
        .name("ddorg-call".into())
        .spawn(move || {
            ABANDONED.with(|a| *a.borrow_mut() = Some(flag));
            // Ends once the caller drops its sender: at once when idle, after the job in hand
            // when the call was abandoned.
            for job in queue {
                job();
            }
        })?;
    Ok(Worker {
        jobs,
        abandoned,
        pid: std::process::id(),
    })
}

/// Gives up on the call in hand: its worker ends after it.
fn abandon() {
    WORKER.with(|w| {
        if let Some(worker) = w.borrow_mut().take() {
            worker.abandoned.store(true, Ordering::Relaxed);
        }
    });
}

/// Runs `f` on this thread's worker and waits for its result without the GIL, running Python's
/// signal handlers every [`SIGNAL_CHECK_INTERVAL`]; a handler's exception (Ctrl-C's
/// `KeyboardInterrupt`) is returned at once and the call abandoned.
pub(crate) fn run<T: Send + 'static>(
    py: Python<'_>,
    f: impl FnOnce() -> T + Send + 'static,
) -> PyResult<T> {
    let (done, result) = mpsc::sync_channel::<T>(1);
    let mut job: Job = Box::new(move || {
        let _ = done.send(f());
    });
    WORKER.with(|w| -> PyResult<()> {
        let mut w = w.borrow_mut();
        if w.as_ref()
            .is_some_and(|worker| worker.pid != std::process::id())
        {
            // Inherited through fork(): its thread does not exist in this process.
            *w = None;
        }
        loop {
            if w.is_none() {
                *w = Some(spawn()?);
            }
            let Some(worker) = w.as_ref() else {
                unreachable!("a worker was just set")
            };
            match worker.jobs.send(job) {
                Ok(()) => return Ok(()),
                // The thread is gone (a panic in an earlier job): start another.
                Err(mpsc::SendError(back)) => {
                    job = back;
                    *w = None;
                }
            }
        }
    })?;
    let mut result = result;
    loop {
        // The receiver travels with the closure: `detach` needs a closure it can send.
        let (received, back) = py.detach(move || {
            let received = result.recv_timeout(SIGNAL_CHECK_INTERVAL);
            (received, result)
        });
        result = back;
        match received {
            Ok(value) => return Ok(value),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(err) = py.check_signals() {
                    abandon();
                    return Err(err);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                abandon();
                return Err(PanicException::new_err(
                    "the ddorg call panicked: please report this bug",
                ));
            }
        }
    }
}
