//! docs/audit.md quotes the rule catalog verbatim: this test writes the quote and fails on drift.
//!
//! Run with `DDORG_BLESS=1` to rewrite the section between the markers after changing a rule.

use ddorg_audit::{Framework, RULES};

const BEGIN: &str =
    "<!-- rules:begin (generated from crates/ddorg-audit/src/rules.rs by tests/docs.rs) -->\n";
const END: &str = "<!-- rules:end -->";

fn rules_section() -> String {
    let mut out = String::from("| ID | severity | finding |\n|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            r.id,
            r.id.to_lowercase(),
            r.severity,
            md(r.title)
        ));
    }
    for r in RULES {
        out.push_str(&format!(
            "\n### {}\n\n**{}** — {}\n\n{}\n\n- Fix: {}\n- Datadog: {}\n- Terraform (`datadog_organization_settings`): `{}`\n- Reference: <{}>\n- Controls: {}\n",
            r.id, r.severity, md(r.title), md(r.rationale), md(r.remediation.text), md(r.remediation.datadog_ui),
            r.remediation.terraform, r.reference, controls(r)
        ));
    }
    out
}

/// Prose as Markdown text: `<` starts an HTML tag there (`https://app.<site>/` would lose
/// `<site>` on GitHub and in the docs site), so it is written as `&lt;`.
fn md(text: &str) -> String {
    text.replace('<', "&lt;")
}

/// `NIST SP 800-53 Rev. 5 IA-2, IA-2(1); CIS Controls v8 6.3; …`, framework by framework.
fn controls(r: &ddorg_audit::Rule) -> String {
    Framework::ALL
        .iter()
        .filter_map(|fw| {
            let ids: Vec<&str> = r
                .controls
                .iter()
                .filter(|c| c.framework == *fw)
                .map(|c| c.id)
                .collect();
            (!ids.is_empty()).then(|| format!("{} {}", fw.title(), ids.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn docs_audit_md_quotes_every_rule_of_the_catalog() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/audit.md");
    let doc = std::fs::read_to_string(path).expect("docs/audit.md");
    let start = doc.find(BEGIN).expect("the rules:begin marker") + BEGIN.len();
    let end = doc[start..].find(END).expect("the rules:end marker") + start;
    let want = rules_section();
    if doc[start..end] != want {
        if std::env::var_os("DDORG_BLESS").is_some() {
            std::fs::write(path, format!("{}{want}{}", &doc[..start], &doc[end..])).unwrap();
        } else {
            panic!(
                "docs/audit.md's rule section differs from the catalog; rerun with DDORG_BLESS=1"
            );
        }
    }
}
