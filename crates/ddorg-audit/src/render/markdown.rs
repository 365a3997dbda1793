//! `--format markdown`: a summary table, then each org's findings, for tickets and PR comments.

use std::fmt::Write;

use super::printable;
use super::sections::{drift_counts, error_words, setting_value, walk, OrgSections};
use crate::report::{Finding, NotEvaluated, OrgDrift, OrgReport, OrgStatus, Report};
use crate::severity::Severity;

/// Text safe inside a Markdown table cell: no line breaks, no markup, no HTML.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn to_markdown(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(out, "# ddorg audit\n");
    let _ = writeln!(
        out,
        "ddorg {} at {}: {} org(s), {} audited, {} could not be audited. \
         Result: **{}** ({} finding(s) at or above `{}`; exit code {}).\n",
        r.tool.version,
        md(&r.generated_at),
        s.orgs,
        s.audited,
        s.errors,
        s.outcome.as_str(),
        s.failing_findings,
        s.fail_on,
        s.exit_code
    );
    let _ = writeln!(
        out,
        "| org | public ID | status | critical | high | medium | low | info | not evaluated |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for e in &r.expired_exceptions {
        let _ = writeln!(out, "> **Warning**: {}\n", super::expired_words(e, md));
    }
    if s.excepted > 0 {
        let _ = writeln!(
            out,
            "{} finding(s) are excepted by the policy: listed below, not counted.\n",
            s.excepted
        );
    }
    for o in &r.orgs {
        let n = |sev: Severity| {
            let counted = o.findings.iter().filter(|f| !f.is_excepted());
            counted.filter(|f| f.severity == sev).count()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&o.name),
            md(&o.public_id),
            match o.status {
                OrgStatus::Audited => "audited",
                OrgStatus::Error => "**error**",
            },
            n(Severity::Critical),
            n(Severity::High),
            n(Severity::Medium),
            n(Severity::Low),
            n(Severity::Info),
            o.not_evaluated.len()
        );
    }
    walk(&r.orgs, &mut Markdown(&mut out));
    out
}

/// The Markdown rendering of an org's sections.
struct Markdown<'a>(&'a mut String);

impl OrgSections for Markdown<'_> {
    fn heading(&mut self, org: &OrgReport) {
        let _ = writeln!(self.0, "\n## {}\n", md(&org.name));
        if !org.tags.is_empty() {
            let tags: Vec<String> = org.tags.iter().map(|t| format!("`{}`", md(t))).collect();
            let _ = writeln!(self.0, "Tags: {}\n", tags.join(", "));
        }
        if let Some(e) = &org.error {
            let _ = writeln!(
                self.0,
                "**Could not be fully audited**: {}\n",
                error_words(e, md)
            );
        }
    }

    fn findings(&mut self, org: &OrgReport, findings: &[&Finding]) {
        let out = &mut *self.0;
        if findings.is_empty() {
            if org.status == OrgStatus::Audited {
                let _ = writeln!(out, "No findings.\n");
            }
            return;
        }
        let _ = writeln!(out, "| severity | rule | finding | fix |");
        let _ = writeln!(out, "|---|---|---|---|");
        for f in findings {
            let excepted = f
                .exception
                .as_ref()
                .map(|e| {
                    format!(
                        "**Excepted** until {}{}: {}. ",
                        md(&e.expires),
                        e.owner
                            .as_deref()
                            .map(|o| format!(" (owner {})", md(o)))
                            .unwrap_or_default(),
                        md(&e.reason)
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {}{} | [{}]({}) | {excepted}{} | {} ({}; Terraform: {}) |",
                f.severity,
                if f.is_excepted() { " (excepted)" } else { "" },
                f.rule,
                f.reference,
                md(&f.detail),
                md(&f.remediation.text),
                md(&f.remediation.datadog_ui),
                md(&f.remediation.terraform)
            );
        }
        out.push('\n');
    }

    fn not_evaluated(&mut self, items: &[NotEvaluated]) {
        let out = &mut *self.0;
        let _ = writeln!(
            out,
            "<details><summary>Not evaluated ({})</summary>\n",
            items.len()
        );
        for n in items {
            let _ = writeln!(out, "- {}: {}", n.rule, md(&n.reason));
        }
        let _ = writeln!(out, "\n</details>\n");
    }

    /// Left out: the summary table and the JSON report have them; a ticket needs what to fix.
    fn passed(&mut self, _rules: &[String]) {}

    fn drift(&mut self, d: &OrgDrift) {
        let out = &mut *self.0;
        let _ = writeln!(out, "Since the baseline: {}.\n", drift_counts(d));
        for c in &d.changed_settings {
            let _ = writeln!(
                out,
                "- {}: {} → {}",
                md(&c.field),
                md(&setting_value(c.old.as_ref())),
                md(&setting_value(c.new.as_ref()))
            );
        }
        if !d.changed_settings.is_empty() {
            out.push('\n');
        }
    }

    fn end(&mut self, _org: &OrgReport) {}
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        // The escape of the newline is itself escaped, so it renders as the text `\u{a}`.
        assert_eq!(md("a|b\n<script>"), "a\\|b\\\\u{a}\\<script\\>");
    }
}
