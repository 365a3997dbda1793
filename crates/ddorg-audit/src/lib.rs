//! Posture audits of Datadog organizations: rules, policies, fleets and reports.
//!
//! Is this Datadog organization (or each of the hundreds a company runs) configured safely? The
//! audit fetches `GET /api/v1/org/{public_id}` and the connected Salesforce orgs through
//! [`ddorg_core::Client`], evaluates every rule of [`RULES`] ([`evaluate`], a pure function of
//! the two responses, the [`Policy`] and the time), and makes a [`Report`]: per org the findings
//! with their evidence, the rules not evaluated with the reason, the rules passed, and a summary
//! with the exit code. A rule whose input is absent or `null` is never reported as passed.
//!
//! ```
//! # let fake = ddorg_fake::FakeServer::start().unwrap();
//! use ddorg_audit::{audit_org, render, Format, Policy};
//!
//! let client = ddorg_core::Client::builder()
//!     .api_key("my-api-key").app_key("my-app-key")
//!     .base_url(fake.base_url())
//!     .build()?;
//! let policy = Policy::from_toml_str("fail_on = \"high\"")?;
//! let report = audit_org(&client, "abcdef12345", &policy);
//! print!("{}", render(&report, Format::Text));
//! std::process::exit(report.exit_code().into());
//! # Ok::<(), ddorg_core::Error>(())
//! ```
//!
//! Fleets: [`Fleet::from_file`] reads `FLEET.toml` (keys only by variable or file name, never the
//! keys themselves) and [`audit_fleet`] audits it concurrently, each org with its own client.
//! Drift: [`Baseline::from_file`] and [`apply_baseline`]. Renderings: [`render`] with
//! [`Format::Text`], [`Format::Json`], [`Format::Sarif`], [`Format::Markdown`] or
//! [`Format::Terraform`]; an org's settings as Terraform: [`org_terraform`].
#![deny(missing_docs)]

mod audit;
mod check;
mod controls;
mod domains;
mod drift;
mod exceptions;
mod fleet;
mod hosts;
mod keys;
mod overrides;
mod policy;
mod preflight;
mod render;
mod report;
mod rules;
mod severity;
mod source;
mod stop;
mod terraform;
mod timestamp;

pub use audit::{audit_org, audit_org_at, CALL_GET_ORG, CALL_LIST_ORGS, CALL_LIST_SALESFORCE};
pub use check::{evaluate, evaluate_on_site, Evaluation, SalesforceInput};
pub use controls::{sarif_tags, Control, ControlRef, Framework};
pub use drift::{apply_baseline, Baseline};
pub use exceptions::{AppliedException, Exception, ExceptionSettings};
pub use fleet::{
    audit_fleet, audit_managed, Configure, Fleet, FleetOptions, FleetOrg, KeySource, OnProgress,
    Progress, MAX_CONCURRENCY,
};
pub use overrides::PolicyOverride;
pub use policy::{
    Policy, PolicySettings, BUILTIN_PUBLIC_EMAIL_DOMAINS, DEFAULT_SALESFORCE_HOSTS,
    KNOWN_SALESFORCE_ORG_TYPES,
};
pub use preflight::{check_fleet, FleetProblem};
pub use render::{render, render_with, to_sarif, Detail, Format, RenderOptions};
pub use report::{
    BaselineInfo, DriftFinding, Finding, NotEvaluated, Observed, OrgDrift, OrgError, OrgReport,
    OrgStatus, Outcome, RemediationText, Report, SettingChange, SeverityCounts, Summary, ToolInfo,
    Via, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, REPORT_VERSION,
};
pub use rules::{rule, Remediation, Rule, RULES};
pub use severity::{FailOn, Severity};
pub use source::SourceLocation;
pub use stop::Stop;
pub use terraform::{org_terraform, RESOURCE_TYPE as TERRAFORM_RESOURCE_TYPE};
pub use timestamp::{format_rfc3339, parse_timestamp, UnixSeconds};

/// This crate's version (the workspace's), recorded in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
