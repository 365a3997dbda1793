//! `ddorg.Policy` and the functions behind `ddorg.audit`, `ddorg.audit_fleet` and
//! `AuditReport`'s renderings: each forwards to ddorg-audit, with the GIL released while orgs are
//! audited and Ctrl-C interrupting them (`interrupt.rs`). Reports cross as their JSON text;
//! `python/ddorg/_audit.py` makes the typed objects.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;

use ddorg_audit::{self as audit, FailOn, FleetOptions, PolicySettings, Report};
use ddorg_core::{Error, ErrorKind};

use crate::client::Client;
use crate::convert;
use crate::errors::to_pyerr;
use crate::{interrupt, VERSION};

/// What a posture audit allows; every setting has a default (docs/audit.md).
///
/// ``Policy(fail_on="medium", public_email_domains=["free-mail.example"])``, or
/// ``Policy.from_toml(text)`` / ``Policy.from_file(path)`` for a POLICY.toml. Invalid values and
/// unknown rule IDs raise ``ConfigError``.
#[pyclass(frozen, eq, module = "ddorg", name = "Policy")]
#[derive(PartialEq)]
pub(crate) struct Policy {
    inner: audit::Policy,
}

fn read_report(json: &str) -> PyResult<Report> {
    let probe = audit::Baseline::from_json(json).map_err(to_pyerr);
    probe?;
    serde_json::from_str(json).map_err(|e| {
        to_pyerr(Error::new(
            ErrorKind::Config,
            format!("not a ddorg audit report: {e}"),
        ))
    })
}

#[pymethods]
impl Policy {
    #[new]
    #[pyo3(signature = (
        *, fail_on=None, disabled_rules=None, allowed_autocreate_roles=None,
        public_email_domains=None, allowed_salesforce_org_types=None,
        allowed_salesforce_hosts=None, idp_metadata_expiry_warning_days=None,
        allowed_idp_hosts=None, allowed_jit_domains=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        fail_on: Option<String>,
        disabled_rules: Option<Vec<String>>,
        allowed_autocreate_roles: Option<Vec<String>>,
        public_email_domains: Option<Vec<String>>,
        allowed_salesforce_org_types: Option<Vec<String>>,
        allowed_salesforce_hosts: Option<Vec<String>>,
        idp_metadata_expiry_warning_days: Option<i64>,
        allowed_idp_hosts: Option<Vec<String>>,
        allowed_jit_domains: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let mut s = PolicySettings::default();
        s.fail_on = fail_on
            .map(|f| f.parse::<FailOn>())
            .transpose()
            .map_err(to_pyerr)?;
        s.disabled_rules = disabled_rules;
        s.allowed_autocreate_roles = allowed_autocreate_roles;
        s.public_email_domains = public_email_domains;
        s.allowed_salesforce_org_types = allowed_salesforce_org_types;
        s.allowed_salesforce_hosts = allowed_salesforce_hosts;
        s.allowed_idp_hosts = allowed_idp_hosts;
        s.allowed_jit_domains = allowed_jit_domains;
        s.idp_metadata_expiry_warning_days = idp_metadata_expiry_warning_days
            .map(|d| {
                u32::try_from(d).map_err(|_| {
                    Error::new(
                        ErrorKind::Config,
                        format!("invalid policy: idp_metadata_expiry_warning_days must be at most 3650, got {d}"),
                    )
                })
            })
            .transpose()
            .map_err(to_pyerr)?;
        let inner = audit::Policy::from_settings(s).map_err(to_pyerr)?;
        Ok(Policy { inner })
    }

    /// A policy from POLICY.toml text.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Policy> {
        let inner = audit::Policy::from_toml_str(text).map_err(to_pyerr)?;
        Ok(Policy { inner })
    }

    /// A policy from a POLICY.toml file.
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Policy> {
        let inner = audit::Policy::from_file(&path).map_err(to_pyerr)?;
        Ok(Policy { inner })
    }

    /// The effective policy of a report, as its JSON records it (not checked again).
    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Policy> {
        Ok(Policy {
            inner: convert::from_json(text)?,
        })
    }

    /// Findings at or above this severity fail the audit (`"never"`: none do).
    #[getter]
    fn fail_on(&self) -> &'static str {
        self.inner.fail_on.as_str()
    }

    /// Rule IDs not evaluated.
    #[getter]
    fn disabled_rules(&self) -> Vec<String> {
        self.inner.disabled_rules.clone()
    }

    /// Roles just-in-time provisioning may give (DDORG-SAML-006).
    #[getter]
    fn allowed_autocreate_roles(&self) -> Vec<String> {
        self.inner.allowed_autocreate_roles.clone()
    }

    /// Public email domains (DDORG-SAML-005): the built-in list plus the policy's own.
    #[getter]
    fn public_email_domains(&self) -> Vec<String> {
        self.inner.public_email_domains.clone()
    }

    /// Allowed Salesforce org types (DDORG-SFDC-002).
    #[getter]
    fn allowed_salesforce_org_types(&self) -> Vec<String> {
        self.inner.allowed_salesforce_org_types.clone()
    }

    /// Allowed Salesforce instance URL domains (DDORG-SFDC-001).
    #[getter]
    fn allowed_salesforce_hosts(&self) -> Vec<String> {
        self.inner.allowed_salesforce_hosts.clone()
    }

    /// Days before the IdP metadata's end of validity that DDORG-SAML-009 warns.
    #[getter]
    fn idp_metadata_expiry_warning_days(&self) -> u32 {
        self.inner.idp_metadata_expiry_warning_days
    }

    /// Allowed SAML IdP endpoint host patterns (DDORG-SAML-011); `None` when not set.
    #[getter]
    fn allowed_idp_hosts(&self) -> Option<Vec<String>> {
        self.inner.allowed_idp_hosts.clone()
    }

    /// The only just-in-time domains allowed (DDORG-SAML-005); `None` when not set.
    #[getter]
    fn allowed_jit_domains(&self) -> Option<Vec<String>> {
        self.inner.allowed_jit_domains.clone()
    }

    /// The policy as a dict, as the JSON report records it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let fail_on = PyString::new(py, self.inner.fail_on.as_str()).repr()?;
        Ok(format!(
            "Policy(fail_on={fail_on}, disabled_rules={:?}, allowed_autocreate_roles={:?}, \
             allowed_salesforce_org_types={:?}, allowed_salesforce_hosts={:?}, \
             idp_metadata_expiry_warning_days={}, public_email_domains=<{} domains>)",
            self.inner.disabled_rules,
            self.inner.allowed_autocreate_roles,
            self.inner.allowed_salesforce_org_types,
            self.inner.allowed_salesforce_hosts,
            self.inner.idp_metadata_expiry_warning_days,
            self.inner.public_email_domains.len()
        ))
    }
}

fn policy_of(policy: Option<&Bound<'_, Policy>>) -> audit::Policy {
    policy.map(|p| p.get().inner.clone()).unwrap_or_default()
}

/// A fleet or managed audit's `concurrency`, checked as the core checks it (a Python `int` may
/// be negative or beyond `usize`).
fn concurrency_arg(concurrency: i64) -> PyResult<usize> {
    usize::try_from(concurrency)
        .ok()
        .filter(|n| (1..=audit::MAX_CONCURRENCY).contains(n))
        .ok_or_else(|| {
            to_pyerr(Error::new(
                ErrorKind::Config,
                format!(
                    "the concurrency must be between 1 and {}, got {concurrency}",
                    audit::MAX_CONCURRENCY
                ),
            ))
        })
}

/// `ddorg.audit`: one org through `client` (with `managed`, and every org its key manages,
/// `concurrency` at a time); the report's JSON text.
#[pyfunction]
#[pyo3(signature = (client, public_id, policy=None, managed=false, concurrency=8))]
pub(crate) fn _audit(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    public_id: String,
    policy: Option<&Bound<'_, Policy>>,
    managed: bool,
    concurrency: i64,
) -> PyResult<String> {
    let policy = policy_of(policy);
    let concurrency = concurrency_arg(concurrency)?;
    let report = client.get().call(py, move |c| {
        if !managed {
            return Ok(audit::audit_org(c, &public_id, &policy));
        }
        let mut options = FleetOptions::default();
        options.concurrency = concurrency;
        // On the main thread this runs on a worker: Ctrl-C there stops further orgs.
        options.stop = interrupt::abandoned_flag();
        audit::audit_managed(c, &public_id, &policy, &options)
    })?;
    Ok(report.to_json())
}

/// `ddorg.audit_fleet`: every org of a fleet file; the report's JSON text.
#[pyfunction]
#[pyo3(signature = (path, policy=None, concurrency=8))]
pub(crate) fn _audit_fleet(
    py: Python<'_>,
    path: PathBuf,
    policy: Option<&Bound<'_, Policy>>,
    concurrency: i64,
) -> PyResult<String> {
    let policy = policy_of(policy);
    let concurrency = concurrency_arg(concurrency)?;
    let fleet = py
        .detach(|| audit::Fleet::from_file(&path))
        .map_err(to_pyerr)?;
    let mut options = FleetOptions::default();
    options.concurrency = concurrency;
    options.configure = Some(Arc::new(python_user_agent));
    // Signal handlers run only on the main thread: there the audit runs on a worker while they
    // are polled, and a handler's exception (Ctrl-C) stops it through the worker's flag (no
    // further org starts, the retry waits end). Elsewhere it runs here, without the GIL.
    let work = move || {
        options.stop = interrupt::abandoned_flag();
        audit::audit_fleet(&fleet, &policy, &options).map(|r| r.to_json())
    };
    let report = if interrupt::on_main_thread(py)? {
        interrupt::run(py, work)?
    } else {
        py.detach(work)
    };
    report.map_err(to_pyerr)
}

/// `ddorg.check_fleet`: every org of a fleet file made ready as `_audit_fleet` would (keys
/// read, client settings checked), nothing sent; the orgs that would fail.
#[pyfunction]
pub(crate) fn _check_fleet(
    py: Python<'_>,
    path: PathBuf,
) -> PyResult<Vec<(String, Option<u32>, String)>> {
    let problems = py.detach(|| {
        let fleet = audit::Fleet::from_file(&path)?;
        Ok::<_, Error>(audit::check_fleet(&fleet, Some(&python_user_agent)))
    });
    Ok(problems
        .map_err(to_pyerr)?
        .into_iter()
        .map(|p| (p.name, p.line, p.message))
        .collect())
}

/// The client options every fleet org gets from Python.
fn python_user_agent(b: ddorg_core::ClientBuilder) -> ddorg_core::ClientBuilder {
    b.user_agent(format!("ddorg-python/{VERSION}"))
}

/// A report's JSON text rendered as `json`, `text`, `sarif`, `markdown` or `terraform` (and
/// checked to be a version-1 report), with `detail` (`summary` or `full`) and `show_passed`
/// shaping text and Markdown as `ddorg audit --detail` and `--show-passed` do.
#[pyfunction]
#[pyo3(signature = (report_json, format, detail="summary", show_passed=false))]
pub(crate) fn _render(
    report_json: &str,
    format: &str,
    detail: &str,
    show_passed: bool,
) -> PyResult<String> {
    let format: audit::Format = format.parse().map_err(to_pyerr)?;
    let detail: audit::Detail = detail.parse().map_err(to_pyerr)?;
    let report = read_report(report_json)?;
    let options = audit::RenderOptions::new()
        .detail(detail)
        .show_passed(show_passed);
    Ok(audit::render_with(&report, format, &options))
}

/// `org_terraform`: an `OrganizationResponse`'s JSON (as `to_json()` gives it) as a complete
/// `datadog_organization_settings` resource and `import` block (id = `public_id`).
#[pyfunction]
pub(crate) fn _org_terraform(response_json: &str, public_id: &str) -> PyResult<String> {
    let resp: ddorg_core::OrganizationResponse =
        ddorg_core::from_json(response_json).map_err(to_pyerr)?;
    Ok(audit::org_terraform(&resp, public_id))
}

/// `AuditReport.compare`: the report's JSON text with drift against a baseline report.
#[pyfunction]
pub(crate) fn _apply_baseline(report_json: &str, baseline_json: &str) -> PyResult<String> {
    let mut report = read_report(report_json)?;
    let baseline = audit::Baseline::from_json(baseline_json).map_err(to_pyerr)?;
    audit::apply_baseline(&mut report, &baseline);
    Ok(report.to_json())
}

/// Adds `Policy` and the audit functions to the module.
pub(crate) fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Policy>()?;
    m.add_function(wrap_pyfunction!(_audit, m)?)?;
    m.add_function(wrap_pyfunction!(_audit_fleet, m)?)?;
    m.add_function(wrap_pyfunction!(_check_fleet, m)?)?;
    m.add_function(wrap_pyfunction!(_render, m)?)?;
    m.add_function(wrap_pyfunction!(_apply_baseline, m)?)?;
    m.add_function(wrap_pyfunction!(_org_terraform, m)?)?;
    Ok(())
}
