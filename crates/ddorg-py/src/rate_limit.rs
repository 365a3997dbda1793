//! `ddorg.RateLimit`: Datadog's `x-ratelimit-*` headers as an immutable, hashable Python value.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use ddorg_core as core;

use crate::convert;

/// Datadog's `x-ratelimit-*` headers; every field is `None` when its header was absent.
#[pyclass(frozen, eq, hash, module = "ddorg", name = "RateLimit")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RateLimit(pub(crate) core::RateLimit);

impl From<core::RateLimit> for RateLimit {
    fn from(value: core::RateLimit) -> Self {
        RateLimit(value)
    }
}

#[pymethods]
impl RateLimit {
    #[new]
    #[pyo3(signature = (limit=None, period=None, remaining=None, reset=None, name=None))]
    fn py_new(
        limit: Option<u64>,
        period: Option<u64>,
        remaining: Option<u64>,
        reset: Option<u64>,
        name: Option<String>,
    ) -> Self {
        let mut r = core::RateLimit::default();
        r.limit = limit;
        r.period = period;
        r.remaining = remaining;
        r.reset = reset;
        r.name = name;
        RateLimit(r)
    }

    /// `x-ratelimit-limit`: requests allowed per period.
    #[getter]
    fn limit(&self) -> Option<u64> {
        self.0.limit
    }

    /// `x-ratelimit-period`: the period's length in seconds.
    #[getter]
    fn period(&self) -> Option<u64> {
        self.0.period
    }

    /// `x-ratelimit-remaining`: requests left in the current period.
    #[getter]
    fn remaining(&self) -> Option<u64> {
        self.0.remaining
    }

    /// `x-ratelimit-reset`: seconds until the current period resets.
    #[getter]
    fn reset(&self) -> Option<u64> {
        self.0.reset
    }

    /// `x-ratelimit-name`: the name of the limit that applies.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The five values as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let number = |n: Option<u64>| n.map_or_else(|| "None".to_string(), |n| n.to_string());
        // Python's own repr of the string, so the result is valid Python for any name.
        let name = match &self.0.name {
            Some(name) => PyString::new(py, name).repr()?.to_string(),
            None => "None".to_string(),
        };
        Ok(format!(
            "RateLimit(limit={}, period={}, remaining={}, reset={}, name={})",
            number(self.0.limit),
            number(self.0.period),
            number(self.0.remaining),
            number(self.0.reset),
            name
        ))
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> (
        Bound<'py, PyType>,
        (
            Option<u64>,
            Option<u64>,
            Option<u64>,
            Option<u64>,
            Option<String>,
        ),
    ) {
        let r = &slf.get().0;
        (
            slf.get_type(),
            (r.limit, r.period, r.remaining, r.reset, r.name.clone()),
        )
    }
}
