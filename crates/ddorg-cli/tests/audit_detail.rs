//! `ddorg audit --fleet` text and Markdown against ddorg-fake: the rollup first, `--detail full`,
//! `--show-passed`, and the flags refused with the formats they do not shape.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_stderr_has, audit_fleet, code, ddorg, serve_fleet, stderr, stdout, Scratch};
use ddorg_fake::{FakeServer, Fleet};

/// A fake serving a 12-org fleet (the fake's postures twice) and the fleet file for it.
fn fleet(scratch: &Scratch) -> (FakeServer, PathBuf) {
    let path = scratch.path("fleet.toml");
    (serve_fleet(&Fleet::generate(12), &path), path)
}

/// No org's key in `report`.
fn no_key_in(report: &str) {
    for org in Fleet::generate(12).orgs() {
        assert!(
            !report.contains(&org.api_key) && !report.contains(&org.app_key),
            "{}",
            org.name
        );
    }
}

fn audit(path: &Path, more: &[&str]) -> String {
    let o = audit_fleet(path, more);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

#[test]
fn a_fleet_report_starts_with_the_rollup_and_details_only_orgs_with_findings() {
    let scratch = Scratch::new("detail-summary");
    let (_fake, path) = fleet(&scratch);
    let text = audit(&path, &[]);
    let rollup = text.find("\nFindings by rule\n").expect("the rollup");
    assert!(rollup < text.find("\n== ").unwrap(), "{text}");
    // org-0001 is hardened: no finding, so no section; org-0002 has SAML off.
    assert!(
        !text.contains("== org-0001 ") && text.contains("== org-0002 "),
        "{text}"
    );
    assert!(text.contains("(--detail full shows them)"), "{text}");
    assert!(!text.contains("\npassed: "), "{text}");
    let md = audit(&path, &["--format", "markdown"]);
    assert!(
        md.contains("\n## Findings by rule\n") && md.contains("```hcl\n"),
        "{md}"
    );
    assert!(!md.contains("\n## org-0001\n") && md.contains("\n## org-0002\n"));
}

#[test]
fn detail_full_and_show_passed_show_every_org_and_its_passed_rules() {
    let scratch = Scratch::new("detail-full");
    let (_fake, path) = fleet(&scratch);
    let text = audit(&path, &["--detail", "full", "--show-passed"]);
    assert!(
        text.contains("== org-0001 ") && text.contains("\npassed: "),
        "{text}"
    );
    assert!(!text.contains("--detail full shows them"), "{text}");
    let md = audit(
        &path,
        &["--format", "markdown", "--detail", "full", "--show-passed"],
    );
    assert!(
        md.contains("\n## org-0001\n") && md.contains("<summary>Passed ("),
        "{md}"
    );
    assert!(md.contains("**Fix DDORG-SAML-001**"), "{md}");
    no_key_in(&text);
    no_key_in(&md);
}

#[test]
fn detail_flags_are_refused_with_the_formats_they_do_not_shape() {
    for (format, flag) in [("json", "--show-passed"), ("sarif", "--detail")] {
        let mut args = vec!["audit", "abc", "--format", format, flag];
        if flag == "--detail" {
            args.push("full");
        }
        let o = ddorg(None, &args);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert_stderr_has(&o, &format!("{flag} shapes the text and markdown"));
    }
    let o = ddorg(None, &["audit", "abc", "--detail", "everything"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "summary or full");
}
