//! The per-org walk the text and Markdown reports share: which sections an org has, in which
//! order, and the words both use in them; each rendering only says how a section looks.

use serde_json::Value;

use super::options::{Detail, RenderOptions};
use crate::report::{Finding, NotEvaluated, OrgDrift, OrgError, OrgReport, Report};

/// How one rendering writes an org's sections; [`walk`] calls them.
pub(super) trait OrgSections {
    /// The org's heading (with its error, if it could not be fully audited).
    fn heading(&mut self, org: &OrgReport);
    /// The findings, most severe first and in rule order within a severity; may be empty.
    fn findings(&mut self, org: &OrgReport, findings: &[&Finding]);
    /// The rules not evaluated, with the reasons (never empty).
    fn not_evaluated(&mut self, items: &[NotEvaluated]);
    /// The rules passed (never empty).
    fn passed(&mut self, rules: &[String]);
    /// The drift against the baseline.
    fn drift(&mut self, drift: &OrgDrift);
    /// After the org's last section.
    fn end(&mut self, org: &OrgReport);
}

/// What a text or Markdown report holds, from its options and its size.
pub(super) struct Scope {
    /// Whether the report starts with the per-rule rollup: a fleet's does, one org's does not
    /// (its own section says it all).
    pub(super) rollup: bool,
    pub(super) detail: Detail,
    pub(super) show_passed: bool,
}

impl Scope {
    pub(super) fn of(r: &Report, options: &RenderOptions) -> Scope {
        Scope {
            rollup: r.orgs.len() > 1,
            detail: options.detail,
            show_passed: options.show_passed,
        }
    }

    /// Whether the org gets its own section: with the rollup and [`Detail::Summary`], only an
    /// org with a finding or an error does.
    pub(super) fn details(&self, org: &OrgReport) -> bool {
        !self.rollup
            || self.detail == Detail::Full
            || !org.findings.is_empty()
            || org.error.is_some()
    }

    /// Whether each finding shows its fix; else the rollup shows it once per rule.
    pub(super) fn fix_per_finding(&self) -> bool {
        !self.rollup || self.detail == Detail::Full
    }

    /// How many orgs get no section of their own.
    pub(super) fn left_out(&self, orgs: &[OrgReport]) -> usize {
        orgs.iter().filter(|o| !self.details(o)).count()
    }
}

/// Writes the orgs the scope details, in report order. An org that could not be audited at all
/// (an error, and nothing found or passed) has its heading only: its drift says nothing either.
pub(super) fn walk(orgs: &[OrgReport], scope: &Scope, out: &mut impl OrgSections) {
    for org in orgs.iter().filter(|o| scope.details(o)) {
        out.heading(org);
        let nothing_audited =
            org.error.is_some() && org.findings.is_empty() && org.passed.is_empty();
        if !nothing_audited {
            out.findings(org, &by_severity(&org.findings));
            if !org.not_evaluated.is_empty() {
                out.not_evaluated(&org.not_evaluated);
            }
            if scope.show_passed && !org.passed.is_empty() {
                out.passed(&org.passed);
            }
            if let Some(d) = &org.drift {
                out.drift(d);
            }
        }
        out.end(org);
    }
}

/// The Terraform of a remediation when it is code; `None` when it says why there is none (the
/// rules write those as `none: …`).
pub(super) fn terraform_code(terraform: &str) -> Option<&str> {
    let t = terraform.trim();
    (!t.is_empty() && !t.starts_with("none")).then_some(t)
}

/// Some org names and how many more there are: `a, b, c and 4 more`.
pub(super) fn examples_words(names: &[String], more: usize) -> String {
    let mut s = names.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// The findings, most severe first; stable, so a severity keeps rule order.
fn by_severity(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
}

/// `not_found, HTTP 404: message`, the message made safe by `escape`.
pub(super) fn error_words(e: &OrgError, escape: impl Fn(&str) -> String) -> String {
    format!(
        "{}{}: {}",
        e.kind,
        e.status.map(|s| format!(", HTTP {s}")).unwrap_or_default(),
        escape(&e.message)
    )
}

/// `2 new, 1 resolved, 3 setting(s) changed`.
pub(super) fn drift_counts(d: &OrgDrift) -> String {
    format!(
        "{} new, {} resolved, {} setting(s) changed",
        d.new_findings.len(),
        d.resolved_findings.len(),
        d.changed_settings.len()
    )
}

/// A changed setting's old or new value as JSON text, or `(absent)`.
pub(super) fn setting_value(v: Option<&Value>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "(absent)".into(),
    }
}
