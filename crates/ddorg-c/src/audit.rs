//! [`ddorg_audit_report`]: posture audits of one org ([`ddorg_audit`]), of the orgs a key
//! manages ([`ddorg_audit_managed`]) or of a fleet file ([`ddorg_audit_fleet`]) through ddorg-audit, with accessors and the JSON, SARIF, text and
//! Markdown renderings (with their options: [`ddorg_audit_report_render_with`]).

use std::ffi::{c_char, c_int, CString};
use std::path::Path;
use std::ptr;
use std::sync::Arc;

use ddorg_audit::{self as audit, FleetOptions, Format, Policy, Report};
use ddorg_core::{Error, ErrorKind};

use crate::client::{ddorg_client, org_call};
use crate::error::ddorg_error;
use crate::ffi::{arg_ref, arg_str, fallible_out, free, getter};
use crate::status::ddorg_status;
use crate::strings::{data_cstring, opt_ptr, owned, text_cstring, version};

/// One finding, as C strings.
struct FindingC {
    rule: CString,
    severity: CString,
    title: CString,
    detail: CString,
    subject: Option<CString>,
    exception_reason: Option<CString>,
    exception_expires: Option<CString>,
}

/// One org of a report, as C strings.
struct OrgC {
    name: Option<CString>,
    public_id: Option<CString>,
    status: CString,
    error_kind: Option<CString>,
    error_message: Option<CString>,
    findings: Vec<FindingC>,
    not_evaluated: Vec<(CString, CString)>,
    passed: Vec<CString>,
    /// The org whose key a managed org was audited through: its label and public ID.
    via: Option<(Option<CString>, Option<CString>)>,
}

/// The result of an audit: every org's findings, rules not evaluated and rules passed, and a
/// summary. Immutable: read it from any thread; free it with `ddorg_audit_report_free`.
pub struct ddorg_audit_report {
    report: Report,
    orgs: Vec<OrgC>,
}

impl ddorg_audit_report {
    fn new(report: Report) -> ddorg_audit_report {
        let orgs = report
            .orgs
            .iter()
            .map(|o| OrgC {
                name: data_cstring(Some(&o.name)),
                public_id: data_cstring(Some(&o.public_id)),
                status: text_cstring(match o.status {
                    audit::OrgStatus::Audited => "audited",
                    audit::OrgStatus::Error => "error",
                }),
                error_kind: o.error.as_ref().map(|e| text_cstring(&e.kind)),
                error_message: o.error.as_ref().map(|e| text_cstring(&e.message)),
                findings: o
                    .findings
                    .iter()
                    .map(|f| FindingC {
                        rule: text_cstring(&f.rule),
                        severity: text_cstring(f.severity.as_str()),
                        title: text_cstring(&f.title),
                        detail: text_cstring(&f.detail),
                        subject: f.subject.as_deref().map(text_cstring),
                        exception_reason: f.exception.as_ref().map(|e| text_cstring(&e.reason)),
                        exception_expires: f.exception.as_ref().map(|e| text_cstring(&e.expires)),
                    })
                    .collect(),
                not_evaluated: o
                    .not_evaluated
                    .iter()
                    .map(|n| (text_cstring(&n.rule), text_cstring(&n.reason)))
                    .collect(),
                passed: o.passed.iter().map(|p| text_cstring(p)).collect(),
                via: o.via.as_ref().map(|v| {
                    (
                        data_cstring(Some(&v.name)),
                        data_cstring(Some(&v.public_id)),
                    )
                }),
            })
            .collect();
        ddorg_audit_report { report, orgs }
    }

    fn org(&self, i: usize) -> Option<&OrgC> {
        self.orgs.get(i)
    }
}

/// The policy from TOML text, or the defaults for NULL.
///
/// # Safety
/// `policy_toml` is NULL or a NUL-terminated string.
unsafe fn policy_arg(policy_toml: *const c_char) -> Result<Policy, Error> {
    if policy_toml.is_null() {
        return Ok(Policy::default());
    }
    // SAFETY: the caller's contract.
    let text = unsafe { arg_str(policy_toml, "policy_toml") }?;
    Policy::from_toml_str(text)
}

/// Audits one org through `client`: `GET /api/v1/org/{public_id}`, the Salesforce list, then
/// every rule. `policy_toml` is a POLICY.toml's text (docs/audit.md), or NULL for the default
/// policy; an invalid one is `DDORG_ERR_CONFIG`. An org that cannot be audited (a 404, a
/// timeout…) is not a failure of this function: the report says so (status `"error"`, exit code
/// 9). Blocks until both calls are done. On success `*out` is a report to free with
/// `ddorg_audit_report_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit(
    client: *const ddorg_client,
    public_id: *const c_char,
    policy_toml: *const c_char,
    out: *mut *mut ddorg_audit_report,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let (client, public_id) = org_call(client, public_id)?;
            // Checked here, not left to the core's request, so that an empty ID is this
            // function's DDORG_ERR_INVALID_ARGUMENT rather than an org error inside the report.
            if public_id.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    "public_id must not be empty",
                ));
            }
            let policy = policy_arg(policy_toml)?;
            let report = audit::audit_org(client, public_id, &policy);
            Ok(ddorg_audit_report::new(report))
        })
    }
}

/// Audits the org `public_id` through `client`, then every other org the client's key manages
/// (`GET /api/v1/org`, as `ddorg_list_orgs`) through the same key, `concurrency` at a time (0
/// for the default, 8; at most 256): `ddorg audit PUBLIC_ID --managed`. The key's org comes
/// first, then the managed orgs in the order listed, each labelled by its listed name and naming
/// the key's org (`ddorg_audit_report_org_via_public_id`). The Salesforce list belongs to the
/// key's org: it is read for that org only, and the managed orgs' SFDC rules are not evaluated,
/// saying why. A list that cannot be read makes the key's org an error in the report (exit code
/// 9). `policy_toml` as for `ddorg_audit`; an empty `public_id` is `DDORG_ERR_INVALID_ARGUMENT`.
/// On success `*out` is a report to free with `ddorg_audit_report_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_managed(
    client: *const ddorg_client,
    public_id: *const c_char,
    policy_toml: *const c_char,
    concurrency: usize,
    out: *mut *mut ddorg_audit_report,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let (client, public_id) = org_call(client, public_id)?;
            let policy = policy_arg(policy_toml)?;
            let mut options = FleetOptions::default();
            if concurrency > 0 {
                options.concurrency = concurrency;
            }
            let report = audit::audit_managed(client, public_id, &policy, &options)?;
            Ok(ddorg_audit_report::new(report))
        })
    }
}

/// Audits every org of the fleet file at `fleet_path` (docs/audit.md), `concurrency` at a time
/// (0 for the default, 8; at most 256), each org with its own client. `policy_toml` as for
/// `ddorg_audit`. A bad fleet file (an unknown key, a literal key, an unknown site…) is
/// `DDORG_ERR_CONFIG`; an org whose key variable is not set, or that cannot be audited, is an
/// error inside the report. On success `*out` is a report to free with `ddorg_audit_report_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_fleet(
    fleet_path: *const c_char,
    policy_toml: *const c_char,
    concurrency: usize,
    out: *mut *mut ddorg_audit_report,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let path = arg_str(fleet_path, "fleet_path")?;
            let policy = policy_arg(policy_toml)?;
            let fleet = audit::Fleet::from_file(Path::new(path))?;
            let mut options = FleetOptions::default();
            if concurrency > 0 {
                options.concurrency = concurrency;
            }
            options.configure = Some(Arc::new(|b: ddorg_core::ClientBuilder| {
                b.user_agent(format!("ddorg-c/{}", version()))
            }));
            let report = audit::audit_fleet(&fleet, &policy, &options)?;
            Ok(ddorg_audit_report::new(report))
        })
    }
}

/// `report` compared with an earlier JSON report (`baseline_json`, as written by
/// `ddorg_audit_report_to_json` or `ddorg audit --format json`): each org gains its drift (new
/// and resolved findings, changed settings) and only new findings count towards the exit code.
/// Anything but a version-1 report is `DDORG_ERR_CONFIG`. On success `*out` is a new report to
/// free with `ddorg_audit_report_free`; `report` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_compare(
    report: *const ddorg_audit_report,
    baseline_json: *const c_char,
    out: *mut *mut ddorg_audit_report,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let report = arg_ref(report, "report")?;
            let baseline = audit::Baseline::from_json(arg_str(baseline_json, "baseline_json")?)?;
            let mut compared = report.report.clone();
            audit::apply_baseline(&mut compared, &baseline);
            Ok(ddorg_audit_report::new(compared))
        })
    }
}

/// The exit code `ddorg audit` would end with: 0 (nothing at or above the policy's `fail_on`),
/// 1 (findings at or above it) or 9 (an org could not be audited); -1 if `report` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_exit_code(report: *const ddorg_audit_report) -> c_int {
    unsafe { getter(report, -1, |r| c_int::from(r.report.exit_code())) }
}

/// How many orgs the report covers; 0 if `report` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_orgs_len(report: *const ddorg_audit_report) -> usize {
    unsafe { getter(report, 0, |r| r.orgs.len()) }
}

/// How many orgs could not be audited; 0 if `report` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_errors(report: *const ddorg_audit_report) -> usize {
    unsafe { getter(report, 0, |r| r.report.summary.errors) }
}

/// How many findings of this severity (`"critical"`, `"high"`, `"medium"`, `"low"`, `"info"`)
/// the report holds over all orgs, those a policy exception accepts left out; -1 for NULL or
/// another severity.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_findings_count(
    report: *const ddorg_audit_report,
    severity: *const c_char,
) -> i64 {
    unsafe {
        getter(report, -1, |r| {
            match arg_str(severity, "severity").map(str::parse::<audit::Severity>) {
                Ok(Ok(s)) => r.report.summary.findings.get(s) as i64,
                _ => -1,
            }
        })
    }
}

/// How many findings a policy exception accepts (reported, not counted for `fail_on`); 0 if
/// `report` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_excepted(report: *const ddorg_audit_report) -> usize {
    unsafe { getter(report, 0, |r| r.report.summary.excepted) }
}

/// The label of org `i` (the fleet file's `name`, or the public ID); NULL if out of range.
/// Borrowed from `report`, like every string getter below.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_name(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i).map_or(ptr::null(), |o| opt_ptr(&o.name))
        })
    }
}

/// The label of the org whose key org `i` was audited through (a managed org of
/// `ddorg_audit_managed` or of a fleet parent with `managed = true`); NULL for an org audited
/// with keys of its own, or out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_via_name(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i)
                .and_then(|o| o.via.as_ref())
                .map_or(ptr::null(), |v| opt_ptr(&v.0))
        })
    }
}

/// The public ID of the org whose key org `i` was audited through; NULL as for
/// `ddorg_audit_report_org_via_name`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_via_public_id(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i)
                .and_then(|o| o.via.as_ref())
                .map_or(ptr::null(), |v| opt_ptr(&v.1))
        })
    }
}

/// The public ID of org `i`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_public_id(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i).map_or(ptr::null(), |o| opt_ptr(&o.public_id))
        })
    }
}

/// `"audited"` or `"error"` for org `i`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_status(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i).map_or(ptr::null(), |o| o.status.as_ptr())
        })
    }
}

/// Why org `i` could not be audited: the error kind's name (`"forbidden"`, `"timeout"`,
/// `"config"`, … as `ddorg_error_kind_name` names them); NULL when it was audited.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_error_kind(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i).map_or(ptr::null(), |o| opt_ptr(&o.error_kind))
        })
    }
}

/// The one-line message of org `i`'s error (never a key); NULL when it was audited.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_error_message(
    report: *const ddorg_audit_report,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i).map_or(ptr::null(), |o| opt_ptr(&o.error_message))
        })
    }
}

/// How many findings org `i` has; 0 if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_findings_len(
    report: *const ddorg_audit_report,
    i: usize,
) -> usize {
    unsafe { getter(report, 0, |r| r.org(i).map_or(0, |o| o.findings.len())) }
}

// The fields of a finding, for `ddorg_audit_report_finding`: an `int` rather than an enum, so
// that no value a C caller passes can be an invalid Rust enum.

/// A finding's rule ID, e.g. `"DDORG-SAML-004"`.
pub const DDORG_FINDING_RULE: c_int = 0;
/// A finding's severity: `"critical"`, `"high"`, `"medium"`, `"low"` or `"info"`.
pub const DDORG_FINDING_SEVERITY: c_int = 1;
/// A finding's title (the rule's).
pub const DDORG_FINDING_TITLE: c_int = 2;
/// What exactly is wrong, with the values found.
pub const DDORG_FINDING_DETAIL: c_int = 3;
/// `"salesforce:<id>"` for a Salesforce finding; NULL for the org's own settings.
pub const DDORG_FINDING_SUBJECT: c_int = 4;
/// The reason of the policy exception that accepts the finding; NULL when none does.
pub const DDORG_FINDING_EXCEPTION_REASON: c_int = 5;
/// The `expires` date (`YYYY-MM-DD`) of the policy exception that accepts the finding; NULL
/// when none does.
pub const DDORG_FINDING_EXCEPTION_EXPIRES: c_int = 6;

/// A field (`DDORG_FINDING_RULE`, `_SEVERITY`, `_TITLE`, `_DETAIL`, `_SUBJECT`,
/// `_EXCEPTION_REASON` or `_EXCEPTION_EXPIRES`) of finding `j`
/// of org `i` (findings are in rule order); NULL if out of range or for another field. The
/// evidence and the remediation are in `ddorg_audit_report_to_json`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_finding(
    report: *const ddorg_audit_report,
    i: usize,
    j: usize,
    field: c_int,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            let Some(f) = r.org(i).and_then(|o| o.findings.get(j)) else {
                return ptr::null();
            };
            match field {
                DDORG_FINDING_RULE => f.rule.as_ptr(),
                DDORG_FINDING_SEVERITY => f.severity.as_ptr(),
                DDORG_FINDING_TITLE => f.title.as_ptr(),
                DDORG_FINDING_DETAIL => f.detail.as_ptr(),
                DDORG_FINDING_SUBJECT => opt_ptr(&f.subject),
                DDORG_FINDING_EXCEPTION_REASON => opt_ptr(&f.exception_reason),
                DDORG_FINDING_EXCEPTION_EXPIRES => opt_ptr(&f.exception_expires),
                _ => ptr::null(),
            }
        })
    }
}

/// How many rules could not be evaluated for org `i`; 0 if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_not_evaluated_len(
    report: *const ddorg_audit_report,
    i: usize,
) -> usize {
    unsafe { getter(report, 0, |r| r.org(i).map_or(0, |o| o.not_evaluated.len())) }
}

/// The rule ID of entry `j` of org `i`'s rules not evaluated; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_not_evaluated_rule(
    report: *const ddorg_audit_report,
    i: usize,
    j: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i)
                .and_then(|o| o.not_evaluated.get(j))
                .map_or(ptr::null(), |(rule, _)| rule.as_ptr())
        })
    }
}

/// Why entry `j` of org `i`'s rules not evaluated was not evaluated; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_not_evaluated_reason(
    report: *const ddorg_audit_report,
    i: usize,
    j: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i)
                .and_then(|o| o.not_evaluated.get(j))
                .map_or(ptr::null(), |(_, reason)| reason.as_ptr())
        })
    }
}

/// How many rules org `i` passed; 0 if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_passed_len(
    report: *const ddorg_audit_report,
    i: usize,
) -> usize {
    unsafe { getter(report, 0, |r| r.org(i).map_or(0, |o| o.passed.len())) }
}

/// The rule ID of the `j`th rule org `i` passed; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_org_passed(
    report: *const ddorg_audit_report,
    i: usize,
    j: usize,
) -> *const c_char {
    unsafe {
        getter(report, ptr::null(), |r| {
            r.org(i)
                .and_then(|o| o.passed.get(j))
                .map_or(ptr::null(), |p| p.as_ptr())
        })
    }
}

/// The JSON report (`"ddorg_audit": 1` first; docs/audit-report.schema.json), owned by the
/// caller: free it with `ddorg_string_free`. NULL if `report` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_to_json(
    report: *const ddorg_audit_report,
) -> *mut c_char {
    unsafe { getter(report, ptr::null_mut(), |r| owned(r.report.to_json())) }
}

/// The report as `"text"`, `"json"`, `"sarif"` (SARIF 2.1.0), `"markdown"` or `"terraform"`
/// (per org its complete `datadog_organization_settings` resource and `import` block with the
/// fixes applied), owned by the caller: free it with `ddorg_string_free`. NULL if `report` is
/// NULL or the format unknown.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_render(
    report: *const ddorg_audit_report,
    format: *const c_char,
) -> *mut c_char {
    unsafe {
        getter(report, ptr::null_mut(), |r| {
            match arg_str(format, "format").and_then(str::parse::<Format>) {
                Ok(f) => owned(audit::render(&r.report, f)),
                Err(_) => ptr::null_mut(),
            }
        })
    }
}

/// Frees a report. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_free(report: *mut ddorg_audit_report) {
    unsafe { free(report) }
}

// Flags for `ddorg_audit_report_render_with`: bits or-ed together, so that an option can be added
// without another function.

/// Text and Markdown of a fleet detail every org, each finding with its fix (`ddorg audit
/// --detail full`); without it, after the per-rule rollup only the orgs with findings or errors.
pub const DDORG_RENDER_DETAIL_FULL: u32 = 1;
/// Text and Markdown list each org's passed rules (`ddorg audit --show-passed`).
pub const DDORG_RENDER_SHOW_PASSED: u32 = 2;

/// `ddorg_audit_report_render` with options: `flags` is 0 (what `ddorg_audit_report_render`
/// gives) or `DDORG_RENDER_*` flags or-ed together; they shape text and Markdown only. Owned by
/// the caller: free it with `ddorg_string_free`. NULL if `report` is NULL, the format unknown, or
/// `flags` has a bit this version does not know (so that an option is never silently ignored).
#[no_mangle]
pub unsafe extern "C" fn ddorg_audit_report_render_with(
    report: *const ddorg_audit_report,
    format: *const c_char,
    flags: u32,
) -> *mut c_char {
    const KNOWN: u32 = DDORG_RENDER_DETAIL_FULL | DDORG_RENDER_SHOW_PASSED;
    unsafe {
        getter(report, ptr::null_mut(), |r| {
            let format = match arg_str(format, "format").and_then(str::parse::<Format>) {
                Ok(f) if flags & !KNOWN == 0 => f,
                _ => return ptr::null_mut(),
            };
            let detail = if flags & DDORG_RENDER_DETAIL_FULL != 0 {
                audit::Detail::Full
            } else {
                audit::Detail::Summary
            };
            let options = audit::RenderOptions::new()
                .detail(detail)
                .show_passed(flags & DDORG_RENDER_SHOW_PASSED != 0);
            owned(audit::render_with(&r.report, format, &options))
        })
    }
}
