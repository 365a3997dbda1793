//! `ddorg._ddorg`: the Python binding of ddorg-core, re-exported by the `ddorg` package.
//!
//! No client logic lives here: this crate converts arguments and results between Python and the
//! core, maps the core's [`ddorg_core::ErrorKind`] onto the exception classes of
//! `python/ddorg/_errors.py`, releases the GIL around every network call and keeps retry waits
//! interruptible by Ctrl-C. Built with maturin (`pip install ./python`); tested from Python
//! (`tests/python`).
#![deny(missing_docs)]

mod audit;
mod client;
mod convert;
mod errors;
mod fake;
mod interrupt;
mod logging;
mod model;
mod models;
mod rate_limit;

use pyo3::prelude::*;

/// The version of the `ddorg` Python package, which is the workspace version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The compiled module, `ddorg._ddorg`.
#[pymodule]
#[pyo3(name = "_ddorg")]
fn ddorg_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // No logging setup here: `import ddorg` must not import `logging` (see logging.rs).
    m.add("__version__", VERSION)?;
    m.add_class::<client::Client>()?;
    m.add_class::<rate_limit::RateLimit>()?;
    models::add_classes(m)?;
    audit::add(m)?;
    // `__all__` from what was just registered, so the list is never written by hand here.
    let mut all: Vec<String> = vec!["__version__".to_string()];
    for key in m.dict().keys() {
        let name: String = key.extract()?;
        if !name.starts_with('_') {
            all.push(name);
        }
    }
    m.add("__all__", all)?;
    // Private: ddorg.testing wraps them.
    fake::add(m)?;
    Ok(())
}
