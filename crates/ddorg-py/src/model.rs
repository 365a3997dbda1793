//! The `model!` macro that turns one core model into one immutable Python class, and the
//! conversions its getters use.
//!
//! Each class wraps the Rust model in an `Arc` and builds Python values in its getters, so a
//! response is decoded once, by the core, and costs nothing more until a field is read. Enum
//! values come back as plain `str` (unknown ones included), `to_dict()` gives the JSON with the
//! unknown fields, `==` compares the models.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use pyo3::IntoPyObjectExt;

use ddorg_core as core;

use crate::convert;

/// Converts a model field to the Python value its getter returns.
pub(crate) trait ToPy {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl ToPy for String {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
}

impl ToPy for bool {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.into_bound_py_any(py)
    }
}

impl ToPy for core::AccessRole {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self.as_str()).into_any())
    }
}

impl ToPy for core::SalesforceIncidentsOrganizationType {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self.as_str()).into_any())
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|item| item.to_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

/// What the HTTP exchange said about a response body; only the response classes have it.
pub(crate) type Meta = core::ResponseMeta;

/// `Name(field=value, ...)` with the fields that are set, then the unknown ones if any.
pub(crate) fn model_repr(
    py: Python<'_>,
    name: &str,
    fields: &[(&str, Bound<'_, PyAny>)],
    additional: &core::AdditionalProperties,
) -> PyResult<String> {
    let mut parts = Vec::with_capacity(fields.len() + 1);
    for (field, value) in fields {
        if !value.is_none() {
            parts.push(format!(
                "{}={}",
                field.trim_start_matches("r#"),
                value.repr()?
            ));
        }
    }
    if !additional.is_empty() {
        let dict = convert::to_python(py, additional)?;
        parts.push(format!("additional_properties={}", dict.repr()?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

/// Defines one Python class over one core model. `response` classes also carry the HTTP
/// status, rate-limit headers and attempt count of the call that produced them.
macro_rules! model {
    (
        $(#[doc = $doc:literal])*
        response $name:tt => $wrapper:ident($model:ty) { $($fields:tt)* }
    ) => {
        model!(@define [$(#[doc = $doc])*] $name $wrapper($model)
            [meta: Option<Meta>,] [meta: None,] {
            /// The `x-ratelimit-*` headers of the response, or `None` when it had none (or when
            /// this object was built by `from_json`/`from_dict`).
            #[getter]
            fn rate_limit(&self) -> Option<RateLimit> {
                self.meta.as_ref().and_then(|m| m.rate_limit.clone()).map(RateLimit)
            }

            /// The HTTP status of the response (a 2xx), or `None` for an object built locally.
            #[getter]
            fn status(&self) -> Option<u16> {
                self.meta.as_ref().map(|m| m.status)
            }

            /// How many HTTP attempts the call took (1 without retries; 0 for a local object).
            #[getter]
            fn attempts(&self) -> u32 {
                self.meta.as_ref().map_or(0, |m| m.attempts)
            }
        } { $($fields)* });

        impl $wrapper {
            /// The Python object for a body the client received.
            pub(crate) fn with_meta(value: $model, meta: Meta) -> Self {
                $wrapper {
                    inner: Arc::new(value),
                    meta: Some(meta),
                }
            }
        }
    };
    (
        $(#[doc = $doc:literal])*
        part $name:tt => $wrapper:ident($model:ty) { $($fields:tt)* }
    ) => {
        model!(@define [$(#[doc = $doc])*] $name $wrapper($model) [] [] {} { $($fields)* });
    };
    (
        @define [$($attr:tt)*] $name:tt $wrapper:ident($model:ty)
        [$($extra_field:tt)*] [$($extra_init:tt)*] { $($extra:tt)* } {
            $( $(#[doc = $fdoc:literal])* $pyname:ident => $field:ident, )*
        }
    ) => {
        $($attr)*
        #[pyclass(frozen, module = "ddorg", name = $name)]
        pub(crate) struct $wrapper {
            inner: Arc<$model>,
            $($extra_field)*
        }

        impl $wrapper {
            fn from_model(value: $model) -> Self {
                $wrapper {
                    inner: Arc::new(value),
                    $($extra_init)*
                }
            }
        }

        impl ToPy for $model {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(Bound::new(py, $wrapper::from_model(self.clone()))?.into_any())
            }
        }

        #[pymethods]
        impl $wrapper {
            $(
                $(#[doc = $fdoc])*
                #[getter]
                fn $pyname<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.inner.$field.to_py(py)
                }
            )*

            /// Fields the schema does not define, as received (a dict, often empty).
            #[getter]
            fn additional_properties<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                convert::to_python(py, &self.inner.additional_properties)
            }

            /// The JSON object as received, as a dict: unknown fields and nulls included.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                convert::to_python(py, &*self.inner)
            }

            /// The JSON object as received, as compact text: unknown fields and nulls included.
            fn to_json(&self) -> PyResult<String> {
                convert::to_json(&*self.inner)
            }

            /// Decodes this type from JSON text (e.g. for tests or a cache); raises
            /// `DecodeError` naming the JSON path when the text does not fit the schema.
            #[classmethod]
            fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
                Ok($wrapper::from_model(convert::from_json(text)?))
            }

            /// Decodes this type from a dict shaped like its JSON (see `from_json`).
            #[classmethod]
            fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
                Ok($wrapper::from_model(convert::from_json(&convert::dumps(data)?)?))
            }

            fn __eq__(&self, other: &Self) -> bool {
                self.inner == other.inner
            }

            // Immutable but built over dicts and lists, like a frozen dataclass holding them:
            // unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let fields = [$( (stringify!($pyname), self.inner.$field.to_py(py)?), )*];
                model_repr(py, $name, &fields, &self.inner.additional_properties)
            }

            /// Pickles as its JSON (HTTP details such as `rate_limit` are not kept).
            fn __reduce__<'py>(
                slf: &Bound<'py, Self>,
            ) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                let from_json = slf.get_type().getattr("from_json")?;
                Ok((from_json, (slf.get().to_json()?,)))
            }

            $($extra)*
        }
    };
}
pub(crate) use model;
