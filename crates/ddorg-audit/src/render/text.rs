//! `--format text`: per org, findings by severity, then a summary.

use std::fmt::Write;

use serde_json::Value;

use super::printable;
use crate::report::{OrgReport, OrgStatus, Report, SeverityCounts};
use crate::severity::Severity;

fn counts(c: &SeverityCounts) -> String {
    Severity::ALL
        .iter()
        .map(|s| format!("{s} {}", c.get(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn value(v: Option<&Value>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "(absent)".into(),
    }
}

pub(crate) fn where_of(org: &OrgReport) -> String {
    match (&org.site, &org.base_url) {
        (Some(site), _) => format!("site {site}"),
        (None, Some(url)) => format!("base URL {}", printable(url)),
        (None, None) => "site -".into(),
    }
}

fn org_section(out: &mut String, org: &OrgReport) {
    let head = format!(
        "== {} (public ID {}, {})",
        printable(&org.name),
        printable(&org.public_id),
        where_of(org)
    );
    if let Some(e) = &org.error {
        let _ = writeln!(
            out,
            "{head}: could not be fully audited: {}{}: {}",
            e.kind,
            e.status.map(|s| format!(", HTTP {s}")).unwrap_or_default(),
            printable(&e.message)
        );
        if org.findings.is_empty() && org.passed.is_empty() {
            out.push('\n');
            return;
        }
    } else {
        let _ = writeln!(
            out,
            "{head}: {} finding(s), {} not evaluated, {} passed",
            org.findings.len(),
            org.not_evaluated.len(),
            org.passed.len()
        );
    }
    let mut findings: Vec<_> = org.findings.iter().collect();
    // Stable: same severity keeps rule order.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        let sev = f.severity.as_str().to_uppercase();
        let _ = writeln!(out, "{sev:<9} {}  {}", f.rule, f.title);
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
    if !org.not_evaluated.is_empty() {
        let _ = writeln!(out, "not evaluated:");
        for n in &org.not_evaluated {
            let _ = writeln!(out, "  {}  {}", n.rule, printable(&n.reason));
        }
    }
    if !org.passed.is_empty() {
        let _ = writeln!(out, "passed: {}", org.passed.join(", "));
    }
    if let Some(d) = &org.drift {
        if !d.in_baseline {
            let _ = writeln!(out, "drift: not in the baseline; every finding is new");
        } else {
            let _ = writeln!(
                out,
                "drift: {} new, {} resolved, {} setting(s) changed",
                d.new_findings.len(),
                d.resolved_findings.len(),
                d.changed_settings.len()
            );
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
                    value(c.old.as_ref()),
                    value(c.new.as_ref())
                );
            }
        }
    }
    out.push('\n');
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
    for org in &r.orgs {
        org_section(&mut out, org);
    }
    let _ = writeln!(out, "Summary");
    let _ = writeln!(
        out,
        "  orgs: {} audited, {} could not be audited",
        s.audited, s.errors
    );
    let _ = writeln!(out, "  findings: {}", counts(&s.findings));
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
        match s.outcome {
            crate::report::Outcome::Pass => "pass",
            crate::report::Outcome::Fail => "fail",
            crate::report::Outcome::Incomplete => "incomplete",
        },
        s.failing_findings,
        s.fail_on,
        s.exit_code
    );
    out
}
