//! `ddorg org get --format terraform` and `ddorg audit --format terraform` against the fake.

mod common;

use common::{code, ddorg, jit_admin_settings, json_stdout, org_reply, stderr, stdout};
use ddorg_fake::{FakeServer, Reply};
use serde_json::json;

/// SAML-004, SAML-005 and SHARE-001, with a name Terraform must escape and two JIT domains.
fn open_org() -> Reply {
    let mut settings = jit_admin_settings();
    settings["private_widget_share"] = json!(true);
    settings["saml_autocreate_users_domains"]["domains"] = json!(["acme.com", "gmail.com"]);
    org_reply(Some("Acme \"prod\" ${x}"), settings)
}

/// The HCL lines that are neither blank nor comments.
fn code_lines(hcl: &str) -> Vec<String> {
    hcl.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn audit_terraform_is_org_get_terraform_with_only_the_fixes_changed() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("abc", open_org());
    let current = ddorg(Some(&fake), &["org", "get", "abc", "--format", "terraform"]);
    assert_eq!(code(&current), 0, "{}", stderr(&current));
    let current = stdout(&current);
    assert!(
        current.starts_with(
            "import {\n  to = datadog_organization_settings.acme_prod_x_abc\n  id = \"abc\"\n}\n"
        ),
        "{current}"
    );
    assert!(
        current.contains("  name = \"Acme \\\"prod\\\" $${x}\"\n"),
        "{current}"
    );

    fake.set_org("abc", open_org());
    let fixed = ddorg(Some(&fake), &["audit", "abc", "--format", "terraform"]);
    assert_eq!(code(&fixed), 1, "{}", stderr(&fixed));
    let fixed = stdout(&fixed);
    let (old, new) = (code_lines(&current), code_lines(&fixed));
    assert_eq!(old.len(), new.len(), "{fixed}");
    let changed: Vec<(&str, &str)> = old
        .iter()
        .zip(&new)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect();
    assert_eq!(
        changed,
        [
            (
                "private_widget_share = true",
                "private_widget_share = false"
            ),
            (
                "saml_autocreate_access_role = \"adm\"",
                "saml_autocreate_access_role = \"ro\""
            ),
            (
                "domains = [\"acme.com\", \"gmail.com\"]",
                "domains = [\"acme.com\"]"
            ),
        ]
    );
}

#[test]
fn the_json_report_carries_the_same_block() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("abc", open_org());
    let report = json_stdout(&ddorg(Some(&fake), &["audit", "abc", "--format", "json"]));
    fake.set_org("abc", open_org());
    let tf = stdout(&ddorg(
        Some(&fake),
        &["audit", "abc", "--format", "terraform"],
    ));
    let block = report["orgs"][0]["terraform"].as_str().unwrap();
    assert!(tf.contains(block), "{tf}\n---\n{block}");
}

#[test]
fn an_org_that_cannot_be_audited_is_a_comment() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("abc", Reply::json(404, r#"{"errors":["Not found"]}"#));
    let o = ddorg(Some(&fake), &["audit", "abc", "--format", "terraform"]);
    assert_eq!(code(&o), 9, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("# abc (abc): not audited, nothing to write: "),
        "{out}"
    );
    assert!(!out.contains("resource "), "{out}");
}
