//! `--format text`: per org, findings by severity, then a summary.

use std::fmt::Write;

use super::printable;
use super::sections::{drift_counts, error_words, setting_value, walk, OrgSections};
use crate::exceptions::AppliedException;
use crate::report::{
    Finding, NotEvaluated, OrgDrift, OrgReport, OrgStatus, Report, SeverityCounts,
};
use crate::severity::Severity;

fn counts(c: &SeverityCounts) -> String {
    Severity::ALL
        .iter()
        .map(|s| format!("{s} {}", c.get(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn where_of(org: &OrgReport) -> String {
    match (&org.site, &org.base_url) {
        (Some(site), _) => format!("site {site}"),
        (None, Some(url)) => format!("base URL {}", printable(url)),
        (None, None) => "site -".into(),
    }
}

/// The text rendering of an org's sections.
struct Text<'a>(&'a mut String);

impl OrgSections for Text<'_> {
    fn heading(&mut self, org: &OrgReport) {
        let head = format!(
            "== {} (public ID {}, {}{})",
            printable(&org.name),
            printable(&org.public_id),
            where_of(org),
            tags_of(org)
        );
        let _ = match &org.error {
            Some(e) => writeln!(
                self.0,
                "{head}: could not be fully audited: {}",
                error_words(e, |m| printable(m).into_owned())
            ),
            None => writeln!(
                self.0,
                "{head}: {} finding(s){}, {} not evaluated, {} passed",
                org.findings.len(),
                excepted_count(org),
                org.not_evaluated.len(),
                org.passed.len()
            ),
        };
    }

    fn findings(&mut self, _org: &OrgReport, findings: &[&Finding]) {
        let out = &mut *self.0;
        for f in findings {
            let sev = f.severity.as_str().to_uppercase();
            let _ = writeln!(out, "{sev:<9} {}  {}", f.rule, f.title);
            if let Some(e) = &f.exception {
                let _ = writeln!(out, "          {}", excepted_words(e));
            }
            let _ = writeln!(out, "          {}", printable(&f.detail));
            let ev: Vec<String> = f
                .evidence
                .iter()
                .map(|(k, v)| format!("{} = {v}", printable(k)))
                .collect();
            let _ = writeln!(out, "          evidence: {}", ev.join("; "));
            let _ = writeln!(
                out,
                "          fix: {} ({}; Terraform: {})",
                f.remediation.text, f.remediation.datadog_ui, f.remediation.terraform
            );
        }
    }

    fn not_evaluated(&mut self, items: &[NotEvaluated]) {
        let _ = writeln!(self.0, "not evaluated:");
        for n in items {
            let _ = writeln!(self.0, "  {}  {}", n.rule, printable(&n.reason));
        }
    }

    fn passed(&mut self, rules: &[String]) {
        let _ = writeln!(self.0, "passed: {}", rules.join(", "));
    }

    fn drift(&mut self, d: &OrgDrift) {
        let out = &mut *self.0;
        if !d.in_baseline {
            let _ = writeln!(out, "drift: not in the baseline; every finding is new");
            return;
        }
        let _ = writeln!(out, "drift: {}", drift_counts(d));
        for f in &d.new_findings {
            let _ = writeln!(out, "  new       {} {}", f.rule, subject(&f.subject));
        }
        for f in &d.resolved_findings {
            let _ = writeln!(out, "  resolved  {} {}", f.rule, subject(&f.subject));
        }
        for c in &d.changed_settings {
            let _ = writeln!(
                out,
                "  changed   {}: {} -> {}",
                printable(&c.field),
                setting_value(c.old.as_ref()),
                setting_value(c.new.as_ref())
            );
        }
    }

    fn end(&mut self, _org: &OrgReport) {
        self.0.push('\n');
    }
}

/// `, tags prod, eu` (nothing without tags).
fn tags_of(org: &OrgReport) -> String {
    if org.tags.is_empty() {
        return String::new();
    }
    let tags: Vec<_> = org.tags.iter().map(|t| printable(t)).collect();
    format!(", tags {}", tags.join(", "))
}

/// ` (2 excepted)` (nothing without excepted findings).
fn excepted_count(org: &OrgReport) -> String {
    match org.findings.iter().filter(|f| f.is_excepted()).count() {
        0 => String::new(),
        n => format!(" ({n} excepted)"),
    }
}

/// `EXCEPTED until 2027-06-30 (owner sre@example.com): the reason; not counted for fail_on`.
fn excepted_words(e: &AppliedException) -> String {
    format!(
        "EXCEPTED until {}{}: {}; not counted for fail_on",
        printable(&e.expires),
        e.owner
            .as_deref()
            .map(|o| format!(" (owner {})", printable(o)))
            .unwrap_or_default(),
        printable(&e.reason)
    )
}

fn subject(s: &Option<String>) -> String {
    s.as_deref()
        .map(|s| printable(s).into_owned())
        .unwrap_or_default()
}

pub(super) fn to_text(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(
        out,
        "ddorg audit {} at {}: {} org(s); fails on {}\n",
        r.tool.version, r.generated_at, s.orgs, s.fail_on
    );
    walk(&r.orgs, &mut Text(&mut out));
    let _ = writeln!(out, "Summary");
    let _ = writeln!(
        out,
        "  orgs: {} audited, {} could not be audited",
        s.audited, s.errors
    );
    let _ = writeln!(out, "  findings: {}", counts(&s.findings));
    if s.excepted > 0 {
        let _ = writeln!(
            out,
            "  excepted by the policy: {} (reported above, not counted)",
            s.excepted
        );
    }
    for e in &r.expired_exceptions {
        let _ = writeln!(
            out,
            "  {}",
            super::expired_words(e, |t| printable(t).into_owned())
        );
    }
    if let (Some(b), Some(new)) = (&r.baseline, &s.new_findings) {
        let _ = writeln!(
            out,
            "  new since the baseline of {}: {}; resolved: {}",
            printable(&b.generated_at),
            counts(new),
            s.resolved_findings.unwrap_or(0)
        );
        if !b.orgs_missing.is_empty() {
            let names: Vec<_> = b.orgs_missing.iter().map(|n| printable(n)).collect();
            let _ = writeln!(out, "  in the baseline only: {}", names.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "  not evaluated: {}; passed: {}",
        s.not_evaluated, s.passed
    );
    let failed: Vec<&str> = r
        .orgs
        .iter()
        .filter(|o| o.status == OrgStatus::Error)
        .map(|o| o.name.as_str())
        .collect();
    if !failed.is_empty() {
        let names: Vec<_> = failed.iter().map(|n| printable(n)).collect();
        let _ = writeln!(out, "  could not be audited: {}", names.join(", "));
    }
    let _ = writeln!(
        out,
        "  result: {} ({} finding(s) at or above {}; exit code {})",
        s.outcome.as_str(),
        s.failing_findings,
        s.fail_on,
        s.exit_code
    );
    out
}
