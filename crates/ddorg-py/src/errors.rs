//! The core's [`Error`] as an instance of the exception classes in `python/ddorg/_errors.py`.
//!
//! Classes with two bases (`InvalidArgumentError` is also a `ValueError`, `RequestTimeoutError`
//! also a `TimeoutError`) cannot come from `create_exception!`, so the whole hierarchy is plain
//! Python and this module only picks the class: one exhaustive `match` over [`ErrorKind`], so a
//! kind added to the core fails to compile here until it has a class.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use ddorg_core::{Error, ErrorKind};

use crate::rate_limit::RateLimit;

/// The name of the exception class in `ddorg._errors` for each kind.
pub(crate) const fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Config => "ConfigError",
        ErrorKind::InvalidArgument => "InvalidArgumentError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Unauthorized => "UnauthorizedError",
        ErrorKind::Forbidden => "ForbiddenError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::Server => "ServerError",
        ErrorKind::UnexpectedStatus => "UnexpectedStatusError",
        ErrorKind::Timeout => "RequestTimeoutError",
        ErrorKind::Network => "NetworkError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::ResponseTooLarge => "ResponseTooLargeError",
        ErrorKind::Tls => "TlsError",
        ErrorKind::__NonExhaustive(never) => match never {},
    }
}

/// The `ddorg._errors` module, imported once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || -> PyResult<Py<PyModule>> {
            Ok(py.import("ddorg._errors")?.unbind())
        })
        .map(|m| m.bind(py))
}

/// Builds the exception for `err`: its class, one-line message and every detail as attributes
/// (`kind`, `status`, `errors`, `rate_limit`, `attempts`). The core's message never holds a key.
fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let class = errors_module(py)?.getattr(class_name(err.kind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", err.kind().as_str())?;
    kwargs.set_item("status", err.status())?;
    kwargs.set_item("errors", PyList::new(py, err.errors())?)?;
    let rate_limit = err.rate_limit().cloned().map(RateLimit::from);
    kwargs.set_item("rate_limit", rate_limit)?;
    kwargs.set_item("attempts", err.attempts())?;
    let exc = class.call((err.message(),), Some(&kwargs))?;
    Ok(PyErr::from_value(exc))
}

/// The Python exception for a core error. If the exception itself cannot be built (the
/// `ddorg` package is broken), the `ImportError`/`AttributeError` saying so is raised instead.
pub(crate) fn to_pyerr(err: Error) -> PyErr {
    Python::attach(|py| build(py, &err).unwrap_or_else(|e| e))
}

/// A `ConfigError` raised by the binding itself (for a value only Python can get wrong).
pub(crate) fn config_error(message: impl Into<String>) -> PyErr {
    to_pyerr(Error::new(ErrorKind::Config, message))
}
