//! The per-rule rollup the text and Markdown reports of a fleet start with: for each rule, how
//! many orgs it fired on (with a few of them named), how many could not evaluate it, its fix.

use crate::report::{OrgReport, RemediationText};
use crate::rules::{rule, RULES};
use crate::severity::Severity;

/// How many orgs a rollup row names before "and N more".
pub(super) const EXAMPLES: usize = 3;

/// One rule over the whole report.
#[derive(Debug)]
pub(super) struct RuleRow<'a> {
    pub(super) rule: &'a str,
    /// The findings' severity; for a rule that never fired, its catalogue severity, if known.
    pub(super) severity: Option<Severity>,
    pub(super) title: &'a str,
    pub(super) reference: &'a str,
    /// Orgs with at least one finding of the rule.
    pub(super) orgs: usize,
    /// Its findings (a Salesforce rule can fire once per connected Salesforce org).
    pub(super) findings: usize,
    /// Orgs that could not evaluate it (for at least one subject).
    pub(super) not_evaluated: usize,
    /// Orgs that evaluated it and passed.
    pub(super) passed: usize,
    /// The first orgs with a finding, by name, at most [`EXAMPLES`].
    pub(super) examples: Vec<&'a str>,
    /// The fix, as the first finding carries it.
    pub(super) remediation: Option<&'a RemediationText>,
}

impl RuleRow<'_> {
    /// Orgs with a finding that [`RuleRow::examples`] does not name.
    pub(super) fn more(&self) -> usize {
        self.orgs - self.examples.len()
    }
}

/// The rows: the rules that fired, most severe first (catalogue order within a severity), then
/// those only not evaluated somewhere, then (with `with_passed`) those that only passed.
pub(super) fn rollup(orgs: &[OrgReport], with_passed: bool) -> Vec<RuleRow<'_>> {
    let mut rows: Vec<RuleRow<'_>> = Vec::new();
    fn row<'a, 'r>(rows: &'r mut Vec<RuleRow<'a>>, id: &'a str) -> &'r mut RuleRow<'a> {
        let i = match rows.iter().position(|r| r.rule == id) {
            Some(i) => i,
            None => {
                let known = rule(id);
                rows.push(RuleRow {
                    rule: id,
                    severity: known.map(|r| r.severity),
                    title: known.map_or("", |r| r.title),
                    reference: known.map_or("", |r| r.reference),
                    orgs: 0,
                    findings: 0,
                    not_evaluated: 0,
                    passed: 0,
                    examples: Vec::new(),
                    remediation: None,
                });
                rows.len() - 1
            }
        };
        &mut rows[i]
    }
    for org in orgs {
        let mut fired: Vec<&str> = Vec::new();
        for f in &org.findings {
            let r = row(&mut rows, &f.rule);
            if r.findings == 0 {
                r.severity = Some(f.severity);
                r.title = &f.title;
                r.reference = &f.reference;
                r.remediation = Some(&f.remediation);
            }
            r.findings += 1;
            if !fired.contains(&f.rule.as_str()) {
                fired.push(&f.rule);
                r.orgs += 1;
                if r.examples.len() < EXAMPLES {
                    r.examples.push(&org.name);
                }
            }
        }
        let mut missed: Vec<&str> = Vec::new();
        for n in &org.not_evaluated {
            if !missed.contains(&n.rule.as_str()) {
                missed.push(&n.rule);
                row(&mut rows, &n.rule).not_evaluated += 1;
            }
        }
        for p in &org.passed {
            row(&mut rows, p).passed += 1;
        }
    }
    rows.retain(|r| r.findings > 0 || r.not_evaluated > 0 || with_passed);
    let catalogue = |id: &str| RULES.iter().position(|r| r.id == id).unwrap_or(RULES.len());
    rows.sort_by(|a, b| {
        let group = |r: &RuleRow<'_>| match (r.findings, r.not_evaluated) {
            (0, 0) => 2,
            (0, _) => 1,
            _ => 0,
        };
        group(a)
            .cmp(&group(b))
            .then(b.severity.cmp(&a.severity))
            .then(catalogue(a.rule).cmp(&catalogue(b.rule)))
            .then(a.rule.cmp(b.rule))
    });
    rows
}
