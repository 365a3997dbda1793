//! `--format markdown`: a summary table, then each org's findings, for tickets and PR comments.

use std::fmt::Write;

use super::printable;
use crate::report::{OrgStatus, Report};
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
        match s.outcome {
            crate::report::Outcome::Pass => "pass",
            crate::report::Outcome::Fail => "fail",
            crate::report::Outcome::Incomplete => "incomplete",
        },
        s.failing_findings,
        s.fail_on,
        s.exit_code
    );
    let _ = writeln!(
        out,
        "| org | public ID | status | critical | high | medium | low | info | not evaluated |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for o in &r.orgs {
        let n = |sev: Severity| o.findings.iter().filter(|f| f.severity == sev).count();
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
    for o in &r.orgs {
        let _ = writeln!(out, "\n## {}\n", md(&o.name));
        if let Some(e) = &o.error {
            let _ = writeln!(
                out,
                "**Could not be fully audited**: {}{}: {}\n",
                e.kind,
                e.status.map(|s| format!(", HTTP {s}")).unwrap_or_default(),
                md(&e.message)
            );
        }
        if !o.findings.is_empty() {
            let _ = writeln!(out, "| severity | rule | finding | fix |");
            let _ = writeln!(out, "|---|---|---|---|");
            let mut findings: Vec<_> = o.findings.iter().collect();
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
            for f in findings {
                let _ = writeln!(
                    out,
                    "| {} | [{}]({}) | {} | {} ({}; Terraform: {}) |",
                    f.severity,
                    f.rule,
                    f.reference,
                    md(&f.detail),
                    md(&f.remediation.text),
                    md(&f.remediation.datadog_ui),
                    md(&f.remediation.terraform)
                );
            }
            out.push('\n');
        } else if o.status == OrgStatus::Audited {
            let _ = writeln!(out, "No findings.\n");
        }
        if !o.not_evaluated.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>Not evaluated ({})</summary>\n",
                o.not_evaluated.len()
            );
            for n in &o.not_evaluated {
                let _ = writeln!(out, "- {}: {}", n.rule, md(&n.reason));
            }
            let _ = writeln!(out, "\n</details>\n");
        }
        if let Some(d) = &o.drift {
            let _ = writeln!(
                out,
                "Since the baseline: {} new, {} resolved, {} setting(s) changed.\n",
                d.new_findings.len(),
                d.resolved_findings.len(),
                d.changed_settings.len()
            );
            for c in &d.changed_settings {
                let show = |v: &Option<serde_json::Value>| {
                    v.as_ref()
                        .map_or("(absent)".to_string(), |v| md(&v.to_string()))
                };
                let _ = writeln!(
                    out,
                    "- {}: {} → {}",
                    md(&c.field),
                    show(&c.old),
                    show(&c.new)
                );
            }
            if !d.changed_settings.is_empty() {
                out.push('\n');
            }
        }
    }
    out
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
