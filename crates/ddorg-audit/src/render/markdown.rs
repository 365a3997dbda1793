//! `--format markdown`, for tickets, pull-request comments and CI job summaries: a fleet's starts
//! with the per-rule rollup and each rule's fix (Terraform as code blocks), then the drift, then
//! the orgs. With [`Detail::Summary`](super::Detail::Summary) it stays under GitHub's 1 MiB job
//! summary limit whatever the fleet's size: what would not fit is counted, not written.

use std::fmt::Write;

use super::options::RenderOptions;
use super::printable;
use super::rollup::{rollup, RuleRow};
use super::sections::{
    drift_counts, error_words, examples_words, setting_value, terraform_code, walk, OrgSections,
    Scope,
};
use crate::drift::named_drift;
use crate::report::{
    DriftFinding, Finding, NotEvaluated, OrgDrift, OrgReport, OrgStatus, RemediationText, Report,
};
use crate::severity::Severity;

/// GitHub's limit on a job summary (`$GITHUB_STEP_SUMMARY`), in bytes.
const JOB_SUMMARY_LIMIT: usize = 1 << 20;
/// Kept free under the limit for the note that says what was left out.
const NOTE_ROOM: usize = 1024;

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

/// `[text](url)`, or the text alone when the URL is not a plain https URL (one that could end
/// the link early or carry markup).
fn link(text: &str, url: &str) -> String {
    let plain = url.starts_with("https://")
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "()<>[]\"'`\\|".contains(c));
    if plain {
        format!("[{}]({url})", md(text))
    } else {
        md(text)
    }
}

/// A fenced code block: control characters escaped line by line, and a fence longer than any
/// run of backticks inside, so that nothing in the code can end it.
fn code_block(out: &mut String, lang: &str, code: &str) {
    let (mut run, mut longest) = (0usize, 0usize);
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}");
    for line in code.lines() {
        let _ = writeln!(out, "{}", printable(line));
    }
    let _ = writeln!(out, "{fence}\n");
}

/// What to do, where in the UI, and the Terraform as code (or why there is none).
fn fix(out: &mut String, r: &RemediationText) {
    let _ = writeln!(out, "{} (Datadog UI: {})\n", md(&r.text), md(&r.datadog_ui));
    match terraform_code(&r.terraform) {
        Some(code) => {
            let _ = writeln!(out, "Terraform (`datadog_organization_settings`):\n");
            code_block(out, "hcl", code);
        }
        None => {
            let _ = writeln!(out, "Terraform: {}\n", md(&r.terraform));
        }
    }
}

/// Appends blocks while they fit under the limit (none with [`Detail::Full`]); after the first
/// that does not, nothing more, and counts what was left out.
struct Budget {
    limit: Option<usize>,
    full: bool,
    orgs_left_out: usize,
    rows_left_out: usize,
}

impl Budget {
    fn push(&mut self, out: &mut String, block: &str) -> bool {
        if let Some(limit) = self.limit {
            self.full |= out.len() + block.len() + NOTE_ROOM > limit;
        }
        if !self.full {
            out.push_str(block);
        }
        !self.full
    }
}

pub(super) fn to_markdown(r: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let scope = Scope::of(r, options);
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
    let left_out = scope.left_out(&r.orgs);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "{left_out} org(s) without findings or errors are not detailed (`--detail full` \
             details every org).\n"
        );
    }
    if scope.rollup {
        rollup_markdown(
            &mut out,
            &rollup(&r.orgs, scope.show_passed),
            scope.show_passed,
        );
    }
    let mut budget = Budget {
        limit: (scope.detail == super::Detail::Summary).then_some(JOB_SUMMARY_LIMIT),
        full: false,
        orgs_left_out: 0,
        rows_left_out: 0,
    };
    if scope.rollup {
        drift_markdown(&mut out, r, &mut budget);
    }
    org_table(&mut out, r, &scope, &mut budget);
    let mut sections = Markdown {
        out: &mut out,
        section: String::new(),
        budget: &mut budget,
        fixes: scope.fix_per_finding(),
    };
    walk(&r.orgs, &scope, &mut sections);
    if budget.full {
        let _ = writeln!(
            out,
            "\n_Left out to stay under {JOB_SUMMARY_LIMIT} bytes (GitHub's job summary limit): \
             {} drift row(s) and {} org(s); the JSON report has every org._",
            budget.rows_left_out, budget.orgs_left_out
        );
    }
    out
}

/// The rollup table, then each fired rule's fix once.
fn rollup_markdown(out: &mut String, rows: &[RuleRow<'_>], show_passed: bool) {
    let _ = writeln!(out, "## Findings by rule\n");
    if rows.iter().all(|r| r.findings == 0) {
        let _ = writeln!(out, "No rule fired on any org.\n");
    }
    if rows.is_empty() {
        return;
    }
    let (passed_head, passed_rule) = if show_passed {
        (" passed |", "---|")
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "| severity | rule | title | orgs | not evaluated |{passed_head} examples |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|{passed_rule}---|");
    for r in rows {
        let passed = if show_passed {
            format!(" {} |", r.passed)
        } else {
            String::new()
        };
        let names: Vec<String> = r.examples.iter().map(|n| md(n)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |{passed} {} |",
            r.severity.map_or("-", Severity::as_str),
            link(r.rule, r.reference),
            md(r.title),
            r.orgs,
            r.not_evaluated,
            examples_words(&names, r.more())
        );
    }
    out.push('\n');
    let fixes: Vec<&RuleRow<'_>> = rows.iter().filter(|r| r.remediation.is_some()).collect();
    if fixes.is_empty() {
        return;
    }
    let _ = writeln!(out, "## How to fix\n");
    for r in fixes {
        let _ = writeln!(out, "### {}: {}\n", md(r.rule), md(r.title));
        if let Some(rem) = r.remediation {
            fix(out, rem);
        }
    }
}

/// The whole fleet's drift: each new and resolved finding named, and the orgs now gone.
fn drift_markdown(out: &mut String, r: &Report, budget: &mut Budget) {
    let Some(b) = &r.baseline else { return };
    let (new, resolved) = named_drift(&r.orgs);
    let _ = writeln!(
        out,
        "## Drift since the baseline of {}\n",
        md(&b.generated_at)
    );
    let _ = write!(
        out,
        "{} new and {} resolved finding(s).",
        new.len(),
        resolved.len()
    );
    if !b.orgs_missing.is_empty() {
        let names: Vec<String> = b.orgs_missing.iter().map(|n| md(n)).collect();
        let _ = write!(
            out,
            " Only in the baseline ({}): {}.",
            names.len(),
            names.join(", ")
        );
    }
    out.push_str("\n\n");
    if new.is_empty() && resolved.is_empty() {
        return;
    }
    let _ = writeln!(out, "| change | severity | org | rule | title |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    let row = |what: &str, f: &DriftFinding| {
        let subject = f
            .subject
            .as_deref()
            .map(|s| format!(" ({})", md(s)))
            .unwrap_or_default();
        format!(
            "| {what} | {} | {} | {} | {}{subject} |\n",
            f.severity,
            md(&f.org),
            md(&f.rule),
            md(&f.title)
        )
    };
    let rows = new
        .iter()
        .map(|f| row("new", f))
        .chain(resolved.iter().map(|f| row("resolved", f)));
    for line in rows {
        if !budget.push(out, &line) {
            budget.rows_left_out += 1;
        }
    }
    out.push('\n');
}

/// One row per detailed org: its status and findings by severity.
fn org_table(out: &mut String, r: &Report, scope: &Scope, budget: &mut Budget) {
    for e in &r.expired_exceptions {
        let _ = writeln!(out, "> **Warning**: {}\n", super::expired_words(e, md));
    }
    if r.summary.excepted > 0 {
        let _ = writeln!(
            out,
            "{} finding(s) are excepted by the policy: listed below, not counted.\n",
            r.summary.excepted
        );
    }
    if scope.rollup {
        let _ = writeln!(out, "## Orgs\n");
    }
    let _ = writeln!(
        out,
        "| org | public ID | status | critical | high | medium | low | info | not evaluated |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for o in r.orgs.iter().filter(|o| scope.details(o)) {
        let n = |sev: Severity| {
            let counted = o.findings.iter().filter(|f| !f.is_excepted());
            counted.filter(|f| f.severity == sev).count()
        };
        let row = format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
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
        budget.push(out, &row);
    }
}

/// The Markdown rendering of an org's sections, each written whole or (over the budget) not at
/// all; `fixes`: each finding with its rule linked and its fix.
struct Markdown<'a> {
    out: &'a mut String,
    section: String,
    budget: &'a mut Budget,
    fixes: bool,
}

impl OrgSections for Markdown<'_> {
    fn heading(&mut self, org: &OrgReport) {
        let _ = writeln!(self.section, "\n## {}\n", md(&org.name));
        if let Some(v) = &org.via {
            let _ = writeln!(
                self.section,
                "Audited through the key of {} (public ID {}): the Salesforce list is that org's, so the \
                 Salesforce rules need a key of this org's own.\n",
                md(&v.name),
                md(&v.public_id)
            );
        }
        if !org.tags.is_empty() {
            let tags: Vec<String> = org.tags.iter().map(|t| format!("`{}`", md(t))).collect();
            let _ = writeln!(self.section, "Tags: {}\n", tags.join(", "));
        }
        if let Some(e) = &org.error {
            let _ = writeln!(
                self.section,
                "**Could not be fully audited**: {}\n",
                error_words(e, md)
            );
        }
    }

    fn findings(&mut self, org: &OrgReport, findings: &[&Finding]) {
        let out = &mut self.section;
        if findings.is_empty() {
            if org.status == OrgStatus::Audited {
                let _ = writeln!(out, "No findings.\n");
            }
            return;
        }
        let _ = writeln!(out, "| severity | rule | finding |");
        let _ = writeln!(out, "|---|---|---|");
        for f in findings {
            let rule = if self.fixes {
                link(&f.rule, &f.reference)
            } else {
                md(&f.rule)
            };
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
                "| {}{} | {rule} | {excepted}{} |",
                f.severity,
                if f.is_excepted() { " (excepted)" } else { "" },
                md(&f.detail)
            );
        }
        out.push('\n');
        if !self.fixes {
            return;
        }
        let mut done: Vec<&str> = Vec::new();
        for f in findings {
            if done.contains(&f.rule.as_str()) {
                continue;
            }
            done.push(&f.rule);
            let _ = writeln!(out, "**Fix {}**: {}\n", md(&f.rule), md(&f.title));
            fix(out, &f.remediation);
        }
    }

    fn not_evaluated(&mut self, items: &[NotEvaluated]) {
        let out = &mut self.section;
        let _ = writeln!(
            out,
            "<details><summary>Not evaluated ({})</summary>\n",
            items.len()
        );
        for n in items {
            let _ = writeln!(out, "- {}: {}", md(&n.rule), md(&n.reason));
        }
        let _ = writeln!(out, "\n</details>\n");
    }

    fn passed(&mut self, rules: &[String]) {
        let out = &mut self.section;
        let names: Vec<String> = rules.iter().map(|r| md(r)).collect();
        let _ = writeln!(
            out,
            "<details><summary>Passed ({})</summary>\n\n{}\n\n</details>\n",
            rules.len(),
            names.join(", ")
        );
    }

    fn drift(&mut self, d: &OrgDrift) {
        let out = &mut self.section;
        let _ = writeln!(out, "Since the baseline: {}.\n", drift_counts(d));
        // A fleet's drift table names every new and resolved finding; one org's is here.
        let named = if self.fixes {
            let line = |what: &str, f: &Finding| {
                format!(
                    "- {what}: {} {} {}\n",
                    f.severity,
                    md(&f.rule),
                    md(&f.title)
                )
            };
            d.new_findings
                .iter()
                .map(|f| line("new", f))
                .chain(d.resolved_findings.iter().map(|f| line("resolved", f)))
                .collect::<String>()
        } else {
            String::new()
        };
        out.push_str(&named);
        for c in &d.changed_settings {
            let _ = writeln!(
                out,
                "- {}: {} → {}",
                md(&c.field),
                md(&setting_value(c.old.as_ref())),
                md(&setting_value(c.new.as_ref()))
            );
        }
        if !named.is_empty() || !d.changed_settings.is_empty() {
            out.push('\n');
        }
    }

    fn end(&mut self, _org: &OrgReport) {
        let section = std::mem::take(&mut self.section);
        if !self.budget.push(self.out, &section) {
            self.budget.orgs_left_out += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        // The escape of the newline is itself escaped, so it renders as the text `\u{a}`.
        assert_eq!(md("a|b\n<script>"), "a\\|b\\\\u{a}\\<script\\>");
    }

    #[test]
    fn code_cannot_close_its_fence_and_its_control_characters_are_escaped() {
        let mut out = String::new();
        code_block(&mut out, "hcl", "a = \"```\"\nb = \"\u{1b}[2J\"");
        assert_eq!(out, "````hcl\na = \"```\"\nb = \"\\u{1b}[2J\"\n````\n\n");
    }

    #[test]
    fn only_plain_https_references_become_links() {
        assert_eq!(
            link("R-1", "https://docs.example/a#b"),
            "[R-1](https://docs.example/a#b)"
        );
        assert_eq!(link("R_1", "javascript:alert(1)"), "R\\_1");
        assert_eq!(link("R-1", "https://x.example/a) [y](z"), "R-1");
    }
}
