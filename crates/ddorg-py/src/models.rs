//! Immutable Python views of the core's models, named as Datadog's schema names them.
//!
//! Each class wraps the Rust model in an `Arc` and builds Python values in its getters, so a
//! response is decoded once, by the core, and costs nothing more until a field is read. Enum
//! values come back as plain `str` (unknown ones included), `to_dict()` gives the JSON with the
//! unknown fields, `==` compares the models.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyType};
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

/// What the HTTP exchange said about a response body; only the two response classes have it.
pub(crate) type Meta = core::ResponseMeta;

/// `Name(field=value, ...)` with the fields that are set, then the unknown ones if any.
fn model_repr(
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

            /// The JSON object as a dict, unknown fields included.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                convert::to_python(py, &*self.inner)
            }

            /// The JSON object as compact text, unknown fields included.
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

model! {
    /// Response with an organization (`GET /api/v1/org/{public_id}`).
    response "OrganizationResponse" => OrganizationResponse(core::OrganizationResponse) {
        /// The organization (`Organization`), or `None`.
        org => org,
    }
}

model! {
    /// An organization: name, settings (SAML and more) and plan.
    part "Organization" => Organization(core::Organization) {
        /// Deprecated by Datadog: the billing type (`OrganizationBilling`), or `None`.
        billing => billing,
        /// Date of the organization's creation as sent, e.g. `2019-09-26T17:28:28Z`.
        created => created,
        /// Description of the organization.
        description => description,
        /// The name of the organization.
        name => name,
        /// The `public_id` of the organization.
        public_id => public_id,
        /// The organization's settings (`OrganizationSettings`), or `None`.
        settings => settings,
        /// Deprecated by Datadog: the subscription (`OrganizationSubscription`), or `None`.
        subscription => subscription,
        /// Only for MSP customers: whether child organizations can be created on a trial plan.
        trial => trial,
    }
}

model! {
    /// Deprecated by Datadog: the billing type of an organization.
    part "OrganizationBilling" => OrganizationBilling(core::OrganizationBilling) {
        /// The type of billing; only `parent_billing` is documented.
        r#type => type_,
    }
}

model! {
    /// Deprecated by Datadog: the subscription of an organization.
    part "OrganizationSubscription" => OrganizationSubscription(core::OrganizationSubscription) {
        /// The subscription type: `trial`, `free` or `pro` are documented.
        r#type => type_,
    }
}

model! {
    /// The settings of an organization.
    part "OrganizationSettings" => OrganizationSettings(core::OrganizationSettings) {
        /// Whether the organization's users can share widgets outside of Datadog.
        private_widget_share => private_widget_share,
        /// Whether single sign-on with SAML is enabled (`OrganizationSettingsSaml`).
        saml => saml,
        /// The access role of users SAML creates automatically: `st`, `adm`, `ro`, `ERROR`, a
        /// value Datadog added later (as sent), or `None`.
        saml_autocreate_access_role => saml_autocreate_access_role,
        /// Which email domains SAML creates users for automatically.
        saml_autocreate_users_domains => saml_autocreate_users_domains,
        /// Whether SAML can be enabled for this organization.
        saml_can_be_enabled => saml_can_be_enabled,
        /// Identity provider endpoint for SAML authentication.
        saml_idp_endpoint => saml_idp_endpoint,
        /// Whether SAML IdP-initiated login is enabled.
        saml_idp_initiated_login => saml_idp_initiated_login,
        /// Whether an identity provider metadata file was uploaded.
        saml_idp_metadata_uploaded => saml_idp_metadata_uploaded,
        /// URL for SAML login.
        saml_login_url => saml_login_url,
        /// Whether SAML strict mode (every user must log in with SAML) is enabled.
        saml_strict_mode => saml_strict_mode,
    }
}

model! {
    /// Whether single sign-on with SAML is enabled.
    part "OrganizationSettingsSaml" => OrganizationSettingsSaml(core::OrganizationSettingsSaml) {
        /// Whether SAML is enabled for this organization.
        enabled => enabled,
    }
}

model! {
    /// Which email domains SAML creates users for automatically.
    part "OrganizationSettingsSamlAutocreateUsersDomains"
        => OrganizationSettingsSamlAutocreateUsersDomains(core::OrganizationSettingsSamlAutocreateUsersDomains) {
        /// Domains (without `@`) for which automated user creation is enabled.
        domains => domains,
        /// Whether automated user creation based on the SAML domain is enabled.
        enabled => enabled,
    }
}

model! {
    /// Whether SAML IdP-initiated login is enabled.
    part "OrganizationSettingsSamlIdpInitiatedLogin"
        => OrganizationSettingsSamlIdpInitiatedLogin(core::OrganizationSettingsSamlIdpInitiatedLogin) {
        /// Whether SAML IdP-initiated login is enabled.
        enabled => enabled,
    }
}

model! {
    /// Whether SAML strict mode is enabled.
    part "OrganizationSettingsSamlStrictMode"
        => OrganizationSettingsSamlStrictMode(core::OrganizationSettingsSamlStrictMode) {
        /// Whether SAML strict mode is enabled: if true, every user must log in with SAML.
        enabled => enabled,
    }
}

model! {
    /// The Salesforce organizations connected to the Datadog Salesforce integration
    /// (`GET /api/v2/integration/salesforce-incidents/organizations`).
    response "SalesforceIncidentsOrganizationsResponse"
        => SalesforceIncidentsOrganizationsResponse(core::SalesforceIncidentsOrganizationsResponse) {
        /// The connected organizations (`list[SalesforceIncidentsOrganizationResponseData]`).
        data => data,
    }
}

model! {
    /// One connected Salesforce organization.
    part "SalesforceIncidentsOrganizationResponseData"
        => SalesforceIncidentsOrganizationResponseData(core::SalesforceIncidentsOrganizationResponseData) {
        /// Its attributes (`SalesforceIncidentsOrganizationResponseAttributes`).
        attributes => attributes,
        /// The Datadog-assigned ID.
        id => id,
        /// The resource type, `salesforce-incidents-org` (another value is kept as sent).
        r#type => type_,
    }
}

model! {
    /// Attributes of a connected Salesforce organization.
    part "SalesforceIncidentsOrganizationResponseAttributes"
        => SalesforceIncidentsOrganizationResponseAttributes(core::SalesforceIncidentsOrganizationResponseAttributes) {
        /// The Salesforce instance URL used to call this organization's APIs.
        instance_url => instance_url,
        /// Human-readable name of the Salesforce organization.
        name => name,
        /// The Salesforce organization identifier (15 or 18 characters).
        sfdc_org_id => sfdc_org_id,
        /// The Salesforce organization type, for example `Production` or `Sandbox`.
        sfdc_org_type => sfdc_org_type,
    }
}

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

/// Adds every model class to the module.
pub(crate) fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<OrganizationResponse>()?;
    m.add_class::<Organization>()?;
    m.add_class::<OrganizationBilling>()?;
    m.add_class::<OrganizationSubscription>()?;
    m.add_class::<OrganizationSettings>()?;
    m.add_class::<OrganizationSettingsSaml>()?;
    m.add_class::<OrganizationSettingsSamlAutocreateUsersDomains>()?;
    m.add_class::<OrganizationSettingsSamlIdpInitiatedLogin>()?;
    m.add_class::<OrganizationSettingsSamlStrictMode>()?;
    m.add_class::<SalesforceIncidentsOrganizationsResponse>()?;
    m.add_class::<SalesforceIncidentsOrganizationResponseData>()?;
    m.add_class::<SalesforceIncidentsOrganizationResponseAttributes>()?;
    Ok(())
}
