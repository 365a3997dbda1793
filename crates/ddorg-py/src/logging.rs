//! Routes the core's `log` records to Python's `logging`, under the logger `ddorg`.
//!
//! pyo3-log forwards records; two choices keep it cheap while the GIL is released:
//! - only the `ddorg` target is forwarded (the core logs under it; HTTP internals stay quiet);
//! - before each call, [`sync_level`] copies the `ddorg` logger's effective level into
//!   `log::max_level`, so while that logger is quiet (the default WARNING level) the core's
//!   debug/info records are dropped in Rust and a network call never waits for the GIL to log.
//!   Logger objects are cached, levels are not, so `logging.getLogger("ddorg").setLevel(...)`
//!   takes effect at the next call.

use log::LevelFilter;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// The Python logger name: the target every core record uses.
const TARGET: &str = ddorg_core::LOG_TARGET;

/// Installs the bridge once per process; a second install (another copy of the module, or an
/// embedding application that set its own logger) keeps the logger already in place.
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
        .filter(LevelFilter::Off)
        .filter_target(TARGET.to_string(), LevelFilter::Trace);
    if logger.install().is_err() {
        return Ok(());
    }
    sync_level(py)
}

/// Makes `log::max_level` follow the Python `ddorg` logger (honoring `logging.disable` and
/// `logger.disabled`, which `isEnabledFor` checks).
pub(crate) fn sync_level(py: Python<'_>) -> PyResult<()> {
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = LOGGER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("logging")?
            .call_method1("getLogger", (TARGET,))?
            .unbind())
    })?;
    let logger = logger.bind(py);
    let mut filter = LevelFilter::Off;
    for (python_level, level) in [
        (40, LevelFilter::Error),
        (30, LevelFilter::Warn),
        (20, LevelFilter::Info),
        (10, LevelFilter::Debug),
        (5, LevelFilter::Trace),
    ] {
        if !logger
            .call_method1("isEnabledFor", (python_level,))?
            .is_truthy()?
        {
            break;
        }
        filter = level;
    }
    log::set_max_level(filter);
    Ok(())
}
