//! Routes the core's `log` records to Python's `logging`, under the logger `ddorg`, without
//! making `import ddorg` import `logging` (about 12 ms of a cold start).
//!
//! Before each call, [`sync_level`] looks for `logging` in `sys.modules`. Not there: the
//! application has not configured logging, nobody could see a record, so the core's records are
//! dropped in Rust (`log::max_level` off) and `logging` stays unimported. There: the pyo3-log
//! bridge is installed (once per process) and `log::max_level` follows the `ddorg` logger's
//! effective level, so while that logger is quiet (the default WARNING level) a network call
//! never waits for the GIL to log. Logger objects are cached, levels are not, so
//! `logging.getLogger("ddorg").setLevel(...)` takes effect at the next call.
//!
//! pyo3-log forwards only the `ddorg` target (the core logs under it; HTTP internals stay quiet).

use log::LevelFilter;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// The Python logger name: the target every core record uses.
const TARGET: &str = ddorg_core::LOG_TARGET;

/// Installs the bridge once per process (it imports nothing new: `logging` is loaded by then).
/// A logger already in place (another copy of the module, or an embedding application's own)
/// is kept.
fn install_bridge(py: Python<'_>) -> PyResult<()> {
    static INSTALLED: PyOnceLock<()> = PyOnceLock::new();
    INSTALLED.get_or_try_init(py, || -> PyResult<()> {
        let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
            .filter(LevelFilter::Off)
            .filter_target(TARGET.to_string(), LevelFilter::Trace);
        // Err: another logger is installed already; it keeps the records.
        let _ = logger.install();
        Ok(())
    })?;
    Ok(())
}

/// `sys.modules`, looked up once.
fn sys_modules(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    static MODULES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    MODULES
        .get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            Ok(py
                .import("sys")?
                .getattr("modules")?
                .cast_into::<PyDict>()?
                .unbind())
        })
        .map(|m| m.bind(py))
}

/// Makes `log::max_level` follow the Python `ddorg` logger (honoring `logging.disable` and
/// `logger.disabled`, which `isEnabledFor` checks), or turns the core's records off while the
/// application has not imported `logging`.
pub(crate) fn sync_level(py: Python<'_>) -> PyResult<()> {
    let Some(logging) = sys_modules(py)?.get_item("logging")? else {
        log::set_max_level(LevelFilter::Off);
        return Ok(());
    };
    install_bridge(py)?;
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = LOGGER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(logging.call_method1("getLogger", (TARGET,))?.unbind())
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
