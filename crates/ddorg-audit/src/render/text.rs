//! `--format text`: for a fleet the per-rule rollup and the drift first; then per org, findings
//! by severity; then a summary.

use std::fmt::Write;

use super::options::RenderOptions;
use super::printable;
use super::rollup::{rollup, RuleRow};
use super::sections::{
    drift_counts, error_words, examples_words, setting_value, terraform_code, walk, OrgSections,
    Scope,
};
use crate::exceptions::AppliedException;
use crate::report::{
    DriftFinding, Finding, NotEvaluated, OrgDrift, OrgReport, OrgStatus, RemediationText, Report,
    SeverityCounts,
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

/// The text rendering of an org's sections; `fixes`: each finding with its fix.
struct Text<'a> {
    out: &'a mut String,
    fixes: bool,
}

/// `fix: … (where in the UI; Terraform: …)`, at `indent`; Terraform of several lines below it.
fn fix_lines(out: &mut String, indent: &str, r: &RemediationText) {
    let (text, ui) = (printable(&r.text), printable(&r.datadog_ui));
    match terraform_code(&r.terraform).filter(|t| t.contains('\n')) {
        Some(code) => {
            let _ = writeln!(out, "{indent}fix: {text} ({ui}); Terraform:");
            for line in code.lines() {
                let _ = writeln!(out, "{indent}  {}", printable(line));
            }
        }
        None => {
            let _ = writeln!(
                out,
                "{indent}fix: {text} ({ui}; Terraform: {})",
                printable(&r.terraform)
            );
        }
    }
}

/// `HIGH      DDORG-SAML-001  title (subject)`.
fn named(severity: Severity, rule: &str, title: &str, subject: Option<&str>) -> String {
    let mut s = format!(
        "{:<9} {}  {}",
        severity.as_str().to_uppercase(),
        printable(rule),
        printable(title)
    );
    if let Some(subject) = subject {
        let _ = write!(s, " ({})", printable(subject));
    }
    s
}

impl OrgSections for Text<'_> {
    fn heading(&mut self, org: &OrgReport) {
        let head = format!(
            "== {} (public ID {}, {}{}{})",
            printable(&org.name),
            printable(&org.public_id),
            where_of(org),
            via_of(org),
            tags_of(org)
        );
        let _ = match &org.error {
            Some(e) => writeln!(
                self.out,
                "{head}: could not be fully audited: {}",
                error_words(e, |m| printable(m).into_owned())
            ),
            None => writeln!(
                self.out,
                "{head}: {} finding(s){}, {} not evaluated, {} passed",
                org.findings.len(),
                excepted_count(org),
                org.not_evaluated.len(),
                org.passed.len()
            ),
        };
    }

    fn findings(&mut self, _org: &OrgReport, findings: &[&Finding]) {
        let out = &mut *self.out;
        for f in findings {
            let sev = f.severity.as_str().to_uppercase();
            let _ = writeln!(
                out,
                "{sev:<9} {}  {}",
                printable(&f.rule),
                printable(&f.title)
            );
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
            if self.fixes {
                fix_lines(out, "          ", &f.remediation);
            }
        }
    }

    fn not_evaluated(&mut self, items: &[NotEvaluated]) {
        let _ = writeln!(self.out, "not evaluated:");
        for n in items {
            let _ = writeln!(self.out, "  {}  {}", n.rule, printable(&n.reason));
        }
    }

    fn passed(&mut self, rules: &[String]) {
        let _ = writeln!(self.out, "passed: {}", rules.join(", "));
    }

    fn drift(&mut self, d: &OrgDrift) {
        let out = &mut *self.out;
        if !d.in_baseline {
            let _ = writeln!(out, "drift: not in the baseline; every finding is new");
            return;
        }
        let _ = writeln!(out, "drift: {}", drift_counts(d));
        for f in &d.new_findings {
            let what = named(f.severity, &f.rule, &f.title, f.subject.as_deref());
            let _ = writeln!(out, "  new       {what}");
        }
        for f in &d.resolved_findings {
            let what = named(f.severity, &f.rule, &f.title, f.subject.as_deref());
            let _ = writeln!(out, "  resolved  {what}");
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
        self.out.push('\n');
    }
}

/// The rollup: one entry per rule that fired (with its fix), then the rules not evaluated.
fn rollup_text(out: &mut String, rows: &[RuleRow<'_>], show_passed: bool) {
    let _ = writeln!(out, "Findings by rule");
    if rows.iter().all(|r| r.findings == 0) {
        let _ = writeln!(out, "  no rule fired on any org");
    }
    for r in rows {
        let sev = r.severity.map_or("-".into(), |s| s.as_str().to_uppercase());
        let mut counts = Vec::new();
        if r.orgs > 0 {
            counts.push(format!("{} org(s)", r.orgs));
        }
        if r.findings > r.orgs {
            counts.push(format!("{} findings", r.findings));
        }
        if r.not_evaluated > 0 {
            counts.push(format!("not evaluated on {}", r.not_evaluated));
        }
        if show_passed {
            counts.push(format!("passed on {}", r.passed));
        }
        let _ = writeln!(
            out,
            "  {sev:<9} {:<15}  {}  {}",
            printable(r.rule),
            counts.join(", "),
            printable(r.title)
        );
        if !r.examples.is_empty() {
            let names: Vec<String> = r
                .examples
                .iter()
                .map(|n| printable(n).into_owned())
                .collect();
            let _ = writeln!(out, "            on {}", examples_words(&names, r.more()));
        }
        if let Some(rem) = r.remediation {
            fix_lines(out, "            ", rem);
        }
    }
    out.push('\n');
}

/// `, tags prod, eu` (nothing without tags).
/// `, through the key of parent (public ID id)` for a managed org (nothing for the others).
fn via_of(org: &OrgReport) -> String {
    match &org.via {
        Some(v) => format!(
            ", through the key of {} (public ID {})",
            printable(&v.name),
            printable(&v.public_id)
        ),
        None => String::new(),
    }
}

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

/// The whole fleet's drift: each new and resolved finding named, and the orgs now gone.
fn drift_text(out: &mut String, r: &Report) {
    let Some(b) = &r.baseline else { return };
    let (new, resolved) = crate::drift::named_drift(&r.orgs);
    let _ = writeln!(
        out,
        "Since the baseline of {}: {} new, {} resolved, {} org(s) only in the baseline",
        printable(&b.generated_at),
        new.len(),
        resolved.len(),
        b.orgs_missing.len()
    );
    let line = |out: &mut String, what: &str, f: &DriftFinding| {
        let _ = writeln!(
            out,
            "  {what:<9} {}: {}",
            printable(&f.org),
            named(f.severity, &f.rule, &f.title, f.subject.as_deref())
        );
    };
    for f in &new {
        line(out, "new", f);
    }
    for f in &resolved {
        line(out, "resolved", f);
    }
    for name in &b.orgs_missing {
        let _ = writeln!(out, "  {:<9} {}", "gone", printable(name));
    }
    out.push('\n');
}

pub(super) fn to_text(r: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let scope = Scope::of(r, options);
    let _ = writeln!(
        out,
        "ddorg audit {} at {}: {} org(s); fails on {}\n",
        r.tool.version,
        printable(&r.generated_at),
        s.orgs,
        s.fail_on
    );
    if scope.rollup {
        rollup_text(
            &mut out,
            &rollup(&r.orgs, scope.show_passed),
            scope.show_passed,
        );
        drift_text(&mut out, r);
    }
    let mut text = Text {
        out: &mut out,
        fixes: scope.fix_per_finding(),
    };
    walk(&r.orgs, &scope, &mut text);
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
    let left_out = scope.left_out(&r.orgs);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "  not shown: {left_out} org(s) without findings or errors (--detail full shows them)"
        );
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
