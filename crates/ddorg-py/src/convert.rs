//! Serde values to Python objects and back.
//!
//! `to_dict()` serializes the model to a `serde_json::Value` and walks it, building dicts and
//! lists directly. Measured on the documented org body, that is about 1.6x faster than
//! serializing to JSON text and calling `json.loads` on it (16 µs against 28 µs per call in a
//! debug build; 1.5 ms against 2.2 ms with 500 extra nested fields), and keeps integers exact.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use ddorg_core::{Error, ErrorKind};

use crate::errors;

/// The models hold only JSON data, so serializing cannot fail; if it ever did, say so rather
/// than panic.
fn serialize_error(e: serde_json::Error) -> PyErr {
    errors::to_pyerr(Error::new(
        ErrorKind::Decode,
        format!("could not serialize to JSON: {e}"),
    ))
}

/// `value` serialized to compact JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(serialize_error)
}

/// `value` as plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(serialize_error)?;
    value_to_python(py, &value)
}

/// Builds the Python object for one JSON value.
fn value_to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if n.to_string() != "-0" => i.into_bound_py_any(py)?,
            (None, Some(u)) => u.into_bound_py_any(py)?,
            _ => number_to_python(py, &n.to_string())?,
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(PyString::new(py, key), value_to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A number that fits neither i64 nor u64, from its exact JSON text (ddorg-core keeps numbers
/// as received): an integer of any size is a Python `int`, as `json.loads` gives; `-0` is
/// `-0.0`, the one Python number that keeps its sign; anything else is the nearest `float`, so
/// `1e400` is `inf`, as `json.loads` gives. `to_json()` keeps the text itself.
fn number_to_python<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let integer = text.strip_prefix('-').unwrap_or(text);
    if text == "-0" || !integer.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<f64>()
            .unwrap_or(f64::NAN)
            .into_bound_py_any(py);
    }
    static INT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    INT.import(py, "builtins", "int")?.call1((text,))
}

/// Decodes JSON text into a model with the core's decoder (its checks, its messages); a
/// mismatch is a `DecodeError` naming the JSON path.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> PyResult<T> {
    ddorg_core::from_json(text).map_err(errors::to_pyerr)
}

/// A Python object (usually a dict) as JSON text, through `json.dumps`.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    DUMPS
        .import(obj.py(), "json", "dumps")?
        .call1((obj,))?
        .extract()
}
