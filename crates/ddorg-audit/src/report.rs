//! The report: per-org findings, rules not evaluated and rules passed, a summary, and the exit code.
//!
//! Serialized as the JSON report (`"ddorg_audit": 1` first; docs/audit-report.schema.json) and
//! read back as a baseline. The text, Markdown and SARIF renderings are made from this.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::controls::ControlRef;
use crate::exceptions::{AppliedException, Exception};
use crate::policy::Policy;
use crate::rules::Rule;
use crate::severity::{FailOn, Severity};
use crate::source::SourceLocation;

/// The version of the report format, the value of its first key `"ddorg_audit"`.
pub const REPORT_VERSION: u32 = 1;

/// Exit code: nothing at or above the `fail_on` threshold.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the `fail_on` threshold (only new ones, with a baseline).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: a usage or configuration error (bad flag, fleet or policy file); no report.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: one or more orgs could not be audited; the report covers the rest. Wins over 1.
pub const EXIT_INCOMPLETE: u8 = 9;

/// The parent org whose key a managed org was audited through ([`OrgReport::via`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Via {
    /// The parent's label in the report.
    pub name: String,
    /// The parent's public ID.
    pub public_id: String,
}

impl Via {
    /// The parent `name` (`public_id`).
    pub fn new(name: impl Into<String>, public_id: impl Into<String>) -> Via {
        Via {
            name: name.into(),
            public_id: public_id.into(),
        }
    }
}

/// How to fix a finding, copied from its rule so that the report stands on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemediationText {
    /// What to do.
    pub text: String,
    /// Where in the Datadog web app.
    pub datadog_ui: String,
    /// The Terraform `datadog_organization_settings` attribute to change, or why there is
    /// none: a fragment; the org's `terraform` is the complete resource with every fix applied.
    pub terraform: String,
}

/// One rule that fired, with the evidence that made it fire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule ID, e.g. `DDORG-SAML-004`.
    pub rule: String,
    /// What the finding is about when a rule can fire more than once per org: `salesforce:<id>`
    /// for a connected Salesforce org. Absent for settings of the org itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The rule's severity.
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// What exactly is wrong here, with the values found.
    pub detail: String,
    /// How to fix it.
    pub remediation: RemediationText,
    /// Datadog's documentation on the setting.
    pub reference: String,
    /// The fields and values that made the rule fire, by JSON path (`settings.saml.enabled`),
    /// exactly as received.
    pub evidence: Map<String, Value>,
    /// The compliance controls the rule maps to, copied from the catalog.
    #[serde(default)]
    pub controls: Vec<ControlRef>,
    /// The policy exception that accepts this finding, if one does: an excepted finding is
    /// reported but does not count for `fail_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<AppliedException>,
}

impl Finding {
    pub(crate) fn new(
        rule: &Rule,
        subject: Option<String>,
        detail: String,
        evidence: Map<String, Value>,
    ) -> Finding {
        Finding {
            rule: rule.id.to_string(),
            subject,
            severity: rule.severity,
            title: rule.title.to_string(),
            detail,
            remediation: RemediationText {
                text: rule.remediation.text.to_string(),
                datadog_ui: rule.remediation.datadog_ui.to_string(),
                terraform: rule.remediation.terraform.to_string(),
            },
            reference: rule.reference.to_string(),
            evidence,
            controls: rule.controls.iter().map(ControlRef::from).collect(),
            exception: None,
        }
    }

    /// Whether a policy exception accepts it (then `fail_on` does not count it).
    pub fn is_excepted(&self) -> bool {
        self.exception.is_some()
    }

    /// What identifies "the same finding" in two reports: its rule and its subject.
    pub fn key(&self) -> (&str, Option<&str>) {
        (&self.rule, self.subject.as_deref())
    }
}

/// A rule that could not be evaluated, and why. Never counted as passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotEvaluated {
    /// The rule ID.
    pub rule: String,
    /// The Salesforce org it could not be evaluated for, as in [`Finding::subject`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Why: the field that is absent or null, SAML being off, a 403, the policy, …
    pub reason: String,
}

/// Whether an org was audited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgStatus {
    /// Both calls answered (or the Salesforce call was refused with 403) and every rule ran.
    Audited,
    /// A call failed or the org's configuration was unusable: see [`OrgReport::error`].
    Error,
}

/// Why an org could not be audited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrgError {
    /// The error kind, as `ErrorKind::as_str` names it (`forbidden`, `timeout`, `config`, …).
    pub kind: String,
    /// The HTTP status, if a response came.
    #[serde(default)]
    pub status: Option<u16>,
    /// The one-line message (never a key).
    pub message: String,
    /// The call that failed, `get_org` or `list_salesforce_organizations`; absent when no call
    /// was made (e.g. a key variable not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// How many HTTP attempts were made.
    #[serde(default)]
    pub attempts: u32,
}

impl OrgError {
    /// The report's view of a client error.
    pub fn from_error(e: &ddorg_core::Error, call: Option<&str>) -> OrgError {
        OrgError {
            kind: e.kind().as_str().to_string(),
            status: e.status(),
            message: e.message().to_string(),
            call: call.map(str::to_string),
            attempts: e.attempts(),
        }
    }
}

/// The settings the rules read, as received: what drift compares.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Observed {
    /// `org.settings` of `GET /api/v1/org/{public_id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// The `data` of the Salesforce list; absent when it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salesforce_organizations: Option<Vec<Value>>,
    /// `org.name` of `GET /api/v1/org/{public_id}`, when it is a string: the name the
    /// Terraform block writes (no rule reads it, and drift does not compare it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One setting that differs from the baseline. `old`/`new` are absent when the field was absent
/// on that side, and `null` when it was `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SettingChange {
    /// The JSON path, e.g. `settings.saml.enabled` or
    /// `salesforce_organizations[<id>].attributes.instance_url`.
    pub field: String,
    /// The value in the baseline.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub old: Option<Value>,
    /// The value now.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub new: Option<Value>,
}

/// A present key, even `null`, is `Some` (serde's default would make `null` `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// What changed for one org since the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrgDrift {
    /// Whether the baseline had this org (by name and public ID). When not, every finding is new.
    pub in_baseline: bool,
    /// Whether the baseline audited this org. When not, every finding is new and no settings
    /// are compared.
    pub baseline_audited: bool,
    /// Findings not in the baseline (by rule and subject): the ones `fail_on` counts.
    pub new_findings: Vec<Finding>,
    /// Findings of the baseline that are gone, as the baseline reported them.
    pub resolved_findings: Vec<Finding>,
    /// Settings that differ, nulls included.
    pub changed_settings: Vec<SettingChange>,
}

/// The audit of one org.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrgReport {
    /// The label: the fleet file's `name`, or the public ID for a single org.
    pub name: String,
    /// The org's public ID.
    pub public_id: String,
    /// The Datadog site, e.g. `datadoghq.eu`; `null` when a custom base URL was used.
    pub site: Option<String>,
    /// The custom base URL, when one was used instead of a site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// `audited` or `error`.
    pub status: OrgStatus,
    /// Why the org could not be audited (with `status: "error"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OrgError>,
    /// The rules that fired, in rule order.
    pub findings: Vec<Finding>,
    /// The rules that could not be evaluated, with the reason, in rule order.
    pub not_evaluated: Vec<NotEvaluated>,
    /// The IDs of the rules that were evaluated and did not fire, in rule order.
    pub passed: Vec<String>,
    /// The settings the rules read.
    #[serde(default)]
    pub observed: Observed,
    /// The comparison with the baseline, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<OrgDrift>,
    /// Where the org is defined: the fleet file and the line of its `[[orgs]]` table (absent
    /// for a single org, or a fleet not read from a file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    /// The org's complete `datadog_organization_settings` resource and `import` block (HCL),
    /// with every fix Terraform can make applied and the other settings as they are now, and a
    /// comment for each fix it cannot make; absent when the org did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    /// The org's fleet tags (which select the policy's `[[overrides]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The org whose key this org was audited through, for a managed org found by a managed
    /// audit (`ddorg audit --managed`, `managed = true`); absent for an org audited with keys
    /// of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    /// The threshold an override of the policy gives this org, when one does; else the
    /// report's `policy.fail_on` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<FailOn>,
}

impl OrgReport {
    /// An org whose rules were evaluated (`status: "audited"`).
    pub fn audited(
        name: &str,
        public_id: &str,
        site: Option<String>,
        base_url: Option<String>,
        evaluation: crate::check::Evaluation,
    ) -> OrgReport {
        OrgReport {
            name: name.to_string(),
            public_id: public_id.to_string(),
            site,
            base_url,
            status: OrgStatus::Audited,
            error: None,
            findings: evaluation.findings,
            not_evaluated: evaluation.not_evaluated,
            passed: evaluation.passed,
            observed: evaluation.observed,
            drift: None,
            source: None,
            terraform: None,
            tags: Vec::new(),
            via: None,
            fail_on: None,
        }
    }

    /// An org that could not be audited at all.
    pub fn failed(
        name: &str,
        public_id: &str,
        site: Option<String>,
        base_url: Option<String>,
        error: OrgError,
    ) -> OrgReport {
        OrgReport {
            name: name.to_string(),
            public_id: public_id.to_string(),
            site,
            base_url,
            status: OrgStatus::Error,
            error: Some(error),
            findings: Vec::new(),
            not_evaluated: Vec::new(),
            passed: Vec::new(),
            observed: Observed::default(),
            drift: None,
            source: None,
            terraform: None,
            tags: Vec::new(),
            via: None,
            fail_on: None,
        }
    }

    /// The findings `fail_on` looks at: the new ones when compared with a baseline, else all.
    /// Excepted ones among them do not count (see [`Finding::is_excepted`]).
    pub fn counted_findings(&self) -> &[Finding] {
        match &self.drift {
            Some(d) => &d.new_findings,
            None => &self.findings,
        }
    }
}

/// Findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
    /// Info findings.
    pub info: usize,
}

impl SeverityCounts {
    fn add(&mut self, s: Severity) {
        *self.get_mut(s) += 1;
    }

    fn get_mut(&mut self, s: Severity) -> &mut usize {
        match s {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    /// The count for one severity.
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// All findings counted.
    pub fn total(&self) -> usize {
        Severity::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// The outcome, for a reader who stops at the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Nothing at or above `fail_on` (exit code 0).
    Pass,
    /// Findings at or above `fail_on` (exit code 1).
    Fail,
    /// One or more orgs could not be audited (exit code 9).
    Incomplete,
}

impl Outcome {
    /// The outcome as the JSON report names it: `pass`, `fail` or `incomplete`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Incomplete => "incomplete",
        }
    }

    /// The process exit code of this outcome: 0, 1 or 9.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass => EXIT_OK,
            Outcome::Fail => EXIT_FINDINGS,
            Outcome::Incomplete => EXIT_INCOMPLETE,
        }
    }
}

/// Counts over the whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// Orgs in the report.
    pub orgs: usize,
    /// Orgs with `status: "audited"`.
    pub audited: usize,
    /// Orgs with `status: "error"`.
    pub errors: usize,
    /// Findings by severity, over every org, excepted ones left out.
    pub findings: SeverityCounts,
    /// Findings a policy exception accepts (reported, not counted for `fail_on`).
    #[serde(default)]
    pub excepted: usize,
    /// Rule evaluations that could not be made.
    pub not_evaluated: usize,
    /// Rule evaluations that passed.
    pub passed: usize,
    /// With a baseline: new findings by severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_findings: Option<SeverityCounts>,
    /// With a baseline: findings of the baseline that are gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_findings: Option<usize>,
    /// The threshold applied.
    pub fail_on: FailOn,
    /// How many findings are at or above it (new ones only, with a baseline).
    pub failing_findings: usize,
    /// `pass`, `fail` or `incomplete`.
    pub outcome: Outcome,
    /// The exit code `ddorg audit` ends with: 0, 1 or 9.
    pub exit_code: u8,
}

/// Which ddorg made the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolInfo {
    /// `ddorg`.
    pub name: String,
    /// The ddorg version.
    pub version: String,
}

/// Which baseline the report was compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BaselineInfo {
    /// The baseline's `generated_at`.
    pub generated_at: String,
    /// Orgs of the baseline that are not in this report (by name), in baseline order.
    pub orgs_missing: Vec<String>,
    /// Every new finding of the report, named (the org's `drift.new_findings`, in org order).
    #[serde(default)]
    pub new_findings: Vec<DriftFinding>,
    /// Every resolved finding, named (the org's `drift.resolved_findings`, in org order).
    #[serde(default)]
    pub resolved_findings: Vec<DriftFinding>,
}

/// A new or resolved finding, named for a reader of the whole fleet's drift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftFinding {
    /// The org's name in the report.
    pub org: String,
    /// The org's public ID.
    pub public_id: String,
    /// The rule ID.
    pub rule: String,
    /// As in [`Finding::subject`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The finding's severity.
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
}

impl DriftFinding {
    /// `finding` of `org`, named.
    pub fn of(org: &OrgReport, finding: &Finding) -> DriftFinding {
        DriftFinding {
            org: org.name.clone(),
            public_id: org.public_id.clone(),
            rule: finding.rule.clone(),
            subject: finding.subject.clone(),
            severity: finding.severity,
            title: finding.title.clone(),
        }
    }
}

/// A whole audit: one org or a fleet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The report format's version, [`REPORT_VERSION`]; always the first key.
    pub ddorg_audit: u32,
    /// Which ddorg made it.
    pub tool: ToolInfo,
    /// When the audit ran (RFC 3339, UTC): the "now" DDORG-SAML-009 compared with.
    pub generated_at: String,
    /// The effective policy.
    pub policy: Policy,
    /// Every org, in the order given (fleet file order).
    pub orgs: Vec<OrgReport>,
    /// Counts and the outcome.
    pub summary: Summary,
    /// The baseline compared with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// The policy's exceptions whose `expires` date had come at `generated_at`: they no longer
    /// accept anything, and say so here until the policy is updated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_exceptions: Vec<Exception>,
}

impl Summary {
    /// The summary of no orgs: everything 0, a pass.
    fn empty(fail_on: FailOn) -> Summary {
        Summary {
            orgs: 0,
            audited: 0,
            errors: 0,
            findings: SeverityCounts::default(),
            excepted: 0,
            not_evaluated: 0,
            passed: 0,
            new_findings: None,
            resolved_findings: None,
            fail_on,
            failing_findings: 0,
            outcome: Outcome::Pass,
            exit_code: EXIT_OK,
        }
    }
}

impl Report {
    /// A report of these orgs under this policy, with its summary computed and the policy's
    /// exceptions expired at `generated_at` listed.
    pub fn new(policy: Policy, mut orgs: Vec<OrgReport>, generated_at: String) -> Report {
        for org in &mut orgs {
            if org.terraform.is_none() {
                org.terraform = crate::terraform::report_terraform(org, &policy);
            }
        }
        let expired_exceptions =
            crate::timestamp::parse_timestamp(&Value::from(generated_at.as_str()))
                .map(|now| policy.expired_exceptions(now))
                .unwrap_or_default();
        let mut r = Report {
            ddorg_audit: REPORT_VERSION,
            tool: ToolInfo {
                name: "ddorg".into(),
                version: crate::VERSION.into(),
            },
            generated_at,
            summary: Summary::empty(policy.fail_on),
            policy,
            orgs,
            baseline: None,
            expired_exceptions,
        };
        r.summarize();
        r
    }

    /// Applies another `fail_on` threshold (e.g. from `--fail-on`), recorded in the policy.
    pub fn set_fail_on(&mut self, fail_on: FailOn) {
        self.policy.fail_on = fail_on;
        self.summarize();
    }

    /// Recomputes the summary from the orgs (after a change to them or to the policy).
    pub fn summarize(&mut self) {
        let fail_on = self.policy.fail_on;
        let mut s = Summary::empty(fail_on);
        s.orgs = self.orgs.len();
        for org in &self.orgs {
            match org.status {
                OrgStatus::Audited => s.audited += 1,
                OrgStatus::Error => s.errors += 1,
            }
            for f in &org.findings {
                if f.is_excepted() {
                    s.excepted += 1;
                } else {
                    s.findings.add(f.severity);
                }
            }
            s.not_evaluated += org.not_evaluated.len();
            s.passed += org.passed.len();
            if let Some(d) = &org.drift {
                let new = s.new_findings.get_or_insert_with(SeverityCounts::default);
                for f in d.new_findings.iter().filter(|f| !f.is_excepted()) {
                    new.add(f.severity);
                }
                *s.resolved_findings.get_or_insert(0) += d.resolved_findings.len();
            }
            let threshold = org.fail_on.unwrap_or(fail_on);
            s.failing_findings += org
                .counted_findings()
                .iter()
                .filter(|f| !f.is_excepted() && threshold.fails(f.severity))
                .count();
        }
        if self.baseline.is_some() {
            s.new_findings.get_or_insert_with(SeverityCounts::default);
            s.resolved_findings.get_or_insert(0);
        }
        s.outcome = if s.errors > 0 {
            Outcome::Incomplete
        } else if s.failing_findings > 0 {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        s.exit_code = s.outcome.exit_code();
        self.summary = s;
    }

    /// The exit code `ddorg audit` ends with: 9 if an org could not be audited, else 1 if a
    /// counted finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self) -> u8 {
        self.summary.exit_code
    }

    /// The JSON report, pretty-printed, ending in a newline.
    pub fn to_json(&self) -> String {
        // Every field is a string, number, bool or JSON value: serializing cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
