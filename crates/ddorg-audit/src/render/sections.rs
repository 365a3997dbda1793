//! The per-org walk the text and Markdown reports share: which sections an org has, in which
//! order, and the words both use in them; each rendering only says how a section looks.

use serde_json::Value;

use crate::report::{Finding, NotEvaluated, OrgDrift, OrgError, OrgReport};

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

/// Writes every org, in report order. An org that could not be audited at all (an error, and
/// nothing found or passed) has its heading only: its drift says nothing either.
pub(super) fn walk(orgs: &[OrgReport], out: &mut impl OrgSections) {
    for org in orgs {
        out.heading(org);
        let nothing_audited =
            org.error.is_some() && org.findings.is_empty() && org.passed.is_empty();
        if !nothing_audited {
            out.findings(org, &by_severity(&org.findings));
            if !org.not_evaluated.is_empty() {
                out.not_evaluated(&org.not_evaluated);
            }
            if !org.passed.is_empty() {
                out.passed(&org.passed);
            }
            if let Some(d) = &org.drift {
                out.drift(d);
            }
        }
        out.end(org);
    }
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
