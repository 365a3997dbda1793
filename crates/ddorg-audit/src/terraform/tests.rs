//! Rendering and fixing `datadog_organization_settings` blocks.

use serde_json::{json, Value};

use super::*;
use crate::check::{evaluate, SalesforceInput};
use crate::report::OrgReport;

fn settings() -> Value {
    json!({
        "private_widget_share": true,
        "saml": {"enabled": true},
        "saml_autocreate_access_role": "adm",
        "saml_autocreate_users_domains": {"domains": ["acme.com", "gmail.com"], "enabled": true},
        "saml_can_be_enabled": true,
        "saml_idp_endpoint": "http://idp.acme.com/sso",
        "saml_idp_initiated_login": {"enabled": true},
        "saml_idp_metadata_uploaded": true,
        "saml_login_url": "https://app.datadoghq.com/account/login/id/abc",
        "saml_strict_mode": {"enabled": false}
    })
}

fn response(name: Value, settings: Value) -> OrganizationResponse {
    let body = json!({"org": {"name": name, "public_id": "abc123", "settings": settings}});
    ddorg_core::from_json(&body.to_string()).unwrap()
}

fn audited(resp: &OrganizationResponse, policy: &Policy) -> OrgReport {
    let sf: ddorg_core::SalesforceIncidentsOrganizationsResponse =
        ddorg_core::from_json(r#"{"data":[]}"#).unwrap();
    let eval = evaluate(resp, SalesforceInput::Listed(&sf), policy, 0);
    OrgReport::audited("acme", "abc123", None, None, eval)
}

#[test]
fn current_settings_are_a_complete_block_with_an_import() {
    let hcl = org_terraform(&response(json!("Acme"), settings()), "abc123");
    let expected = r#"import {
  to = datadog_organization_settings.acme_abc123
  id = "abc123"
}

resource "datadog_organization_settings" "acme_abc123" {
  name = "Acme"

  settings {
    private_widget_share = true
    saml_autocreate_access_role = "adm"

    saml {
      enabled = true
    }

    saml_autocreate_users_domains {
      domains = ["acme.com", "gmail.com"]
      enabled = true
    }

    saml_idp_initiated_login {
      enabled = true
    }

    saml_strict_mode {
      enabled = false
    }
  }
}
"#;
    assert_eq!(hcl, expected);
    for computed in [
        "saml_idp_endpoint",
        "saml_login_url",
        "saml_can_be_enabled",
        "description",
    ] {
        assert!(!hcl.contains(computed), "{computed} is computed");
    }
}

#[test]
fn fixes_change_only_their_settings_and_comment_the_rest() {
    let policy = Policy::default();
    let resp = response(json!("Acme"), settings());
    let hcl = report_terraform(&audited(&resp, &policy), &policy).unwrap();
    assert!(hcl.contains("    private_widget_share = false\n"));
    assert!(hcl.contains("    saml_autocreate_access_role = \"ro\"\n"));
    assert!(hcl.contains("      domains = [\"acme.com\"]\n"));
    assert!(
        hcl.contains("(fixed; was true)\n      enabled = false\n    }\n\n    saml_strict_mode {")
    );
    assert!(hcl.contains("(fixed; was false)\n      enabled = true\n    }\n  }\n}\n"));
    // Unchanged: SAML stays on, JIT stays on, the name is kept.
    assert!(hcl.contains("    saml {\n      enabled = true\n"));
    assert!(hcl.contains("      enabled = true\n    }\n\n    saml_idp_initiated_login"));
    assert!(hcl.contains("  name = \"Acme\"\n"));
    assert!(hcl.contains("# DDORG-SAML-002 (high): "));
    assert!(hcl.contains("(fixed; was false)"));
    // The IdP endpoint is not HTTPS: a comment, not a setting.
    assert!(hcl
        .contains("  # DDORG-SAML-007 (high): The SAML IdP endpoint is not HTTPS: not fixed here"));
}

#[test]
fn saml_is_turned_on_only_with_metadata_uploaded() {
    let policy = Policy::default();
    let mut s = settings();
    s["saml"]["enabled"] = json!(false);
    let with = report_terraform(&audited(&response(json!("A"), s.clone()), &policy), &policy);
    assert!(with.unwrap().contains("    saml {\n      # DDORG-SAML-001"));
    s["saml_idp_metadata_uploaded"] = json!(false);
    let without = report_terraform(&audited(&response(json!("A"), s), &policy), &policy).unwrap();
    assert!(without.contains("    saml {\n      enabled = false\n"));
    assert!(without.contains("# DDORG-SAML-001 (high): SAML is off although it can be enabled: not fixed here: turning SAML on before IdP metadata"));
}

#[test]
fn null_and_unknown_values_are_left_out_with_the_providers_default() {
    let s = json!({
        "private_widget_share": null,
        "saml": {"enabled": true},
        "saml_autocreate_access_role": "superuser",
        "saml_idp_initiated_login": {},
        "saml_strict_mode": {"enabled": null}
    });
    let hcl = org_terraform(&response(json!(null), s), "abc123");
    assert!(hcl.contains("    # settings.private_widget_share is null in Datadog's answer: left out, so the provider's default (false) applies\n"));
    assert!(hcl.contains("# settings.saml_autocreate_access_role is \"superuser\", which the provider does not accept (st, adm, ro, ERROR): left out, so the provider's default (\"st\") applies"));
    assert!(hcl.contains("    saml_autocreate_users_domains {\n      # settings.saml_autocreate_users_domains.domains is absent"));
    assert!(hcl.contains("    saml_idp_initiated_login {\n      # settings.saml_idp_initiated_login.enabled is absent"));
    assert!(hcl.contains("# settings.saml_strict_mode.enabled is null"));
    assert!(hcl.contains("  # name is null in Datadog's answer"));
    assert!(hcl.contains("resource \"datadog_organization_settings\" \"abc123\""));
}

#[test]
fn absent_settings_leave_the_settings_block_out() {
    let body = json!({"org": {"name": "A", "public_id": "abc123"}});
    let resp: OrganizationResponse = ddorg_core::from_json(&body.to_string()).unwrap();
    let hcl = org_terraform(&resp, "abc123");
    assert!(!hcl.contains("settings {"));
    assert!(hcl.contains("# org.settings is absent or null"));
}

#[test]
fn nasty_names_are_escaped_and_too_long_names_left_out() {
    let nasty = "a\"b\\ ${x} %{y}\n}";
    let hcl = org_terraform(&response(json!(nasty), settings()), "abc123");
    assert!(hcl.contains(r#"  name = "a\"b\\ $${x} %%{y}\n}""#));
    assert!(hcl.contains("resource \"datadog_organization_settings\" \"a_b_x_y_abc123\""));
    let long = "x".repeat(33);
    let hcl = org_terraform(&response(json!(long), settings()), "abc123");
    assert!(hcl.contains("  # name \"xxx"));
    assert!(hcl.contains("is 33 bytes, the provider accepts 1 to 32"));
    assert!(!hcl.contains("  name ="));
}

#[test]
fn the_allowed_role_is_the_least_privileged_the_policy_allows() {
    let policy = Policy::from_toml_str("allowed_autocreate_roles = [\"st\"]").unwrap();
    let hcl = report_terraform(
        &audited(&response(json!("A"), settings()), &policy),
        &policy,
    );
    assert!(hcl
        .unwrap()
        .contains("    saml_autocreate_access_role = \"st\"\n"));
}

#[test]
fn an_org_that_did_not_answer_has_no_block() {
    let e = crate::report::OrgError {
        kind: "forbidden".into(),
        status: Some(403),
        message: "HTTP 403".into(),
        call: None,
        attempts: 1,
    };
    let org = OrgReport::failed("a", "abc123", None, None, e);
    assert_eq!(report_terraform(&org, &Policy::default()), None);
}
