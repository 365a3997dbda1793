//! Every rule firing, passing and not evaluated: the pure function, no network.

use ddorg_audit::{evaluate, Policy, SalesforceInput, RULES};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{json, Value};

mod common;

use common::eval::{eval, reason, result_of, run, Change, Result};
use common::{safe_salesforce, safe_settings, NOW};
use Change::{Remove, Set};

#[test]
fn a_safe_posture_passes_every_rule_and_nothing_else() {
    let e = eval(&[]);
    assert!(e.findings.is_empty(), "{:#?}", e.findings);
    assert!(e.not_evaluated.is_empty(), "{:#?}", e.not_evaluated);
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(e.passed, ids);
}

/// (rule, changes that make it fire, a piece of the detail, an evidence key and its value).
fn firing_cases() -> Vec<(&'static str, Vec<Change>, &'static str, &'static str, Value)> {
    vec![
        (
            "DDORG-SAML-001",
            vec![Set("/saml/enabled", json!(false))],
            "saml_can_be_enabled is true",
            "settings.saml.enabled",
            json!(false),
        ),
        (
            "DDORG-SAML-002",
            vec![Set("/saml_strict_mode/enabled", json!(false))],
            "password or Google",
            "settings.saml_strict_mode.enabled",
            json!(false),
        ),
        (
            "DDORG-SAML-003",
            vec![Set("/saml_idp_initiated_login/enabled", json!(true))],
            "did not ask for",
            "settings.saml_idp_initiated_login.enabled",
            json!(true),
        ),
        (
            "DDORG-SAML-004",
            vec![Set("/saml_autocreate_access_role", json!("adm"))],
            "administrator",
            "settings.saml_autocreate_access_role",
            json!("adm"),
        ),
        (
            "DDORG-SAML-005",
            vec![Set(
                "/saml_autocreate_users_domains/domains",
                json!(["example.com", "GMail.com"]),
            )],
            "\"GMail.com\"",
            "public_email_domains_matched",
            json!(["GMail.com"]),
        ),
        (
            "DDORG-SAML-006",
            vec![Set("/saml_autocreate_access_role", json!("ERROR"))],
            "could not resolve",
            "settings.saml_autocreate_access_role",
            json!("ERROR"),
        ),
        (
            "DDORG-SAML-006",
            vec![Set("/saml_autocreate_access_role", json!("owner"))],
            "does not know",
            "settings.saml_autocreate_access_role",
            json!("owner"),
        ),
        (
            "DDORG-SAML-007",
            vec![Set(
                "/saml_idp_endpoint",
                json!("http://idp.example.com/sso"),
            )],
            "not an https:// URL",
            "settings.saml_idp_endpoint",
            json!("http://idp.example.com/sso"),
        ),
        (
            "DDORG-SAML-007",
            vec![Set("/saml_idp_endpoint", json!("idp.example.com"))],
            "not an https:// URL",
            "settings.saml_idp_endpoint",
            json!("idp.example.com"),
        ),
        (
            "DDORG-SAML-008",
            vec![Set("/saml_idp_metadata_uploaded", json!(false))],
            "saml_idp_metadata_uploaded is false",
            "settings.saml_idp_metadata_uploaded",
            json!(false),
        ),
        (
            "DDORG-SAML-009",
            vec![Set(
                "/saml_idp_metadata_valid_until",
                json!("2027-01-15 12:00:00"),
            )],
            "in 14 day(s)",
            "settings.saml_idp_metadata_valid_until",
            json!("2027-01-15 12:00:00"),
        ),
        (
            "DDORG-SAML-009",
            vec![Set("/saml_idp_metadata_valid_until", json!(1_798_502_400))],
            "expired on 2026-12-29T00:00:00Z, 3 day(s) ago",
            "valid_until_utc",
            json!("2026-12-29T00:00:00Z"),
        ),
        (
            "DDORG-SAML-010",
            vec![
                Set("/saml/enabled", json!(false)),
                Set("/saml_can_be_enabled", json!(false)),
            ],
            "saml_can_be_enabled is false",
            "settings.saml_can_be_enabled",
            json!(false),
        ),
        (
            "DDORG-SAML-011",
            vec![Set(
                "/saml_idp_endpoint",
                json!("https://127.0.0.1:8443/sso"),
            )],
            "loopback",
            "idp_endpoint_host",
            json!("127.0.0.1"),
        ),
        (
            "DDORG-SAML-012",
            vec![Set(
                "/saml_login_url",
                json!("http://app.datadoghq.com/account/saml/login"),
            )],
            "not HTTPS",
            "settings.saml_login_url",
            json!("http://app.datadoghq.com/account/saml/login"),
        ),
        (
            "DDORG-SAML-013",
            vec![Set("/saml/enabled", json!(false))],
            "just-in-time provisioning for \"example.com\"",
            "settings.saml_autocreate_users_domains.domains",
            json!(["example.com"]),
        ),
        (
            "DDORG-SHARE-001",
            vec![Set("/private_widget_share", json!(true))],
            "anyone who has the link",
            "settings.private_widget_share",
            json!(true),
        ),
        (
            "DDORG-SFDC-001",
            vec![Set(
                "/sf/attributes/instance_url",
                json!("http://acme.my.salesforce.com"),
            )],
            "is not HTTPS",
            "salesforce_organizations[sf-1].attributes.instance_url",
            json!("http://acme.my.salesforce.com"),
        ),
        (
            "DDORG-SFDC-001",
            vec![Set(
                "/sf/attributes/instance_url",
                json!("https://acme.my.salesforce.com.evil.example"),
            )],
            "outside the allowed domains",
            "salesforce_organizations[sf-1].attributes.instance_url",
            json!("https://acme.my.salesforce.com.evil.example"),
        ),
        (
            "DDORG-SFDC-001",
            vec![Set(
                "/sf/attributes/instance_url",
                json!("https://evilsalesforce.com"),
            )],
            "\"evilsalesforce.com\"",
            "salesforce_organizations[sf-1].attributes.name",
            json!("Acme"),
        ),
        (
            "DDORG-SFDC-002",
            vec![Set("/sf/attributes/sfdc_org_type", json!("Sandbox"))],
            "\"Sandbox\", not an allowed type",
            "salesforce_organizations[sf-1].attributes.sfdc_org_type",
            json!("Sandbox"),
        ),
        (
            "DDORG-SFDC-003",
            vec![Set("/sf/attributes/sfdc_org_type", json!("Scratch"))],
            "does not know",
            "salesforce_organizations[sf-1].attributes.sfdc_org_type",
            json!("Scratch"),
        ),
    ]
}

#[test]
fn every_rule_fires_with_its_evidence() {
    let mut fired = std::collections::BTreeSet::new();
    for (rule, changes, detail, key, value) in firing_cases() {
        let e = eval(&changes);
        assert_eq!(result_of(&e, rule), Result::Fired, "{rule}: {e:#?}");
        let f = e.findings.iter().find(|f| f.rule == rule).unwrap();
        assert!(
            f.detail.contains(detail),
            "{rule}: {:?} lacks {detail:?}",
            f.detail
        );
        assert_eq!(
            f.evidence.get(key),
            Some(&value),
            "{rule}: {:#?}",
            f.evidence
        );
        let catalog = ddorg_audit::rule(rule).unwrap();
        assert_eq!(
            (f.severity, f.title.as_str()),
            (catalog.severity, catalog.title)
        );
        assert_eq!(f.reference, catalog.reference);
        assert_eq!(f.remediation.terraform, catalog.remediation.terraform);
        fired.insert(rule);
    }
    assert_eq!(fired.len(), RULES.len(), "every rule has a firing case");
}

#[test]
fn rules_pass_when_their_condition_does_not_hold() {
    let cases: Vec<(&str, Vec<Change>)> = vec![
        // SAML off is fine where SAML cannot be enabled.
        (
            "DDORG-SAML-001",
            vec![
                Set("/saml/enabled", json!(false)),
                Set("/saml_can_be_enabled", json!(false)),
            ],
        ),
        // Without just-in-time provisioning, its role and domains give no one anything.
        (
            "DDORG-SAML-004",
            vec![
                Set("/saml_autocreate_access_role", json!("adm")),
                Set("/saml_autocreate_users_domains/enabled", json!(false)),
            ],
        ),
        (
            "DDORG-SAML-005",
            vec![
                Set(
                    "/saml_autocreate_users_domains/domains",
                    json!(["gmail.com"]),
                ),
                Set("/saml_autocreate_users_domains/enabled", json!(false)),
            ],
        ),
        (
            "DDORG-SAML-005",
            vec![Set("/saml_autocreate_users_domains/domains", json!([]))],
        ),
        (
            "DDORG-SAML-006",
            vec![Set("/saml_autocreate_access_role", json!("st"))],
        ),
        (
            "DDORG-SAML-009",
            vec![Set(
                "/saml_idp_metadata_valid_until",
                json!("2027-02-01T00:00:01Z"),
            )],
        ),
        (
            "DDORG-SFDC-001",
            vec![Set(
                "/sf/attributes/instance_url",
                json!("https://acme--uat.sandbox.my.salesforce.com:443/"),
            )],
        ),
        (
            "DDORG-SFDC-001",
            vec![Set(
                "/sf/attributes/instance_url",
                json!("https://acme.lightning.force.com"),
            )],
        ),
        (
            "DDORG-SFDC-003",
            vec![Set("/sf/attributes/sfdc_org_type", json!("Sandbox"))],
        ),
    ];
    for (rule, changes) in cases {
        let e = eval(&changes);
        assert_eq!(result_of(&e, rule), Result::Passed, "{rule}: {e:#?}");
    }
}

#[test]
fn no_connected_salesforce_org_passes_the_salesforce_rules() {
    let e = run(
        safe_settings(),
        Some(json!({"data": []})),
        &Policy::default(),
    );
    for rule in ["DDORG-SFDC-001", "DDORG-SFDC-002", "DDORG-SFDC-003"] {
        assert_eq!(result_of(&e, rule), Result::Passed, "{rule}");
    }
}

#[test]
fn an_absent_or_null_field_is_not_evaluated_with_the_reason() {
    let cases: Vec<(&str, Vec<Change>, &str)> = vec![
        (
            "DDORG-SAML-001",
            vec![Set("/saml/enabled", Value::Null)],
            "settings.saml.enabled is null",
        ),
        (
            "DDORG-SAML-001",
            vec![Remove("/saml")],
            "settings.saml.enabled is absent",
        ),
        (
            "DDORG-SAML-001",
            vec![
                Set("/saml/enabled", json!(false)),
                Remove("/saml_can_be_enabled"),
            ],
            "settings.saml_can_be_enabled is absent",
        ),
        (
            "DDORG-SAML-002",
            vec![Set("/saml/enabled", json!(false))],
            "SAML is off",
        ),
        (
            "DDORG-SAML-002",
            vec![Set("/saml_strict_mode/enabled", Value::Null)],
            "settings.saml_strict_mode.enabled is null",
        ),
        (
            "DDORG-SAML-003",
            vec![Remove("/saml_idp_initiated_login")],
            "settings.saml_idp_initiated_login.enabled is absent",
        ),
        (
            "DDORG-SAML-003",
            vec![Set("/saml/enabled", json!(false))],
            "SAML is off",
        ),
        (
            "DDORG-SAML-004",
            vec![Set("/saml_autocreate_users_domains/enabled", Value::Null)],
            "settings.saml_autocreate_users_domains.enabled is null",
        ),
        (
            "DDORG-SAML-004",
            vec![Set("/saml_autocreate_access_role", Value::Null)],
            "settings.saml_autocreate_access_role is null",
        ),
        (
            "DDORG-SAML-005",
            vec![Set("/saml_autocreate_users_domains/domains", Value::Null)],
            "settings.saml_autocreate_users_domains.domains is null",
        ),
        (
            "DDORG-SAML-006",
            vec![Remove("/saml_autocreate_access_role")],
            "settings.saml_autocreate_access_role is absent",
        ),
        (
            "DDORG-SAML-007",
            vec![Set("/saml_idp_endpoint", Value::Null)],
            "settings.saml_idp_endpoint is null",
        ),
        (
            "DDORG-SAML-007",
            vec![Set("/saml_idp_endpoint", json!(""))],
            "settings.saml_idp_endpoint is empty",
        ),
        (
            "DDORG-SAML-008",
            vec![Set("/saml_idp_metadata_uploaded", Value::Null)],
            "settings.saml_idp_metadata_uploaded is null",
        ),
        (
            "DDORG-SAML-009",
            vec![Remove("/saml_idp_metadata_valid_until")],
            "Datadog does not document this field",
        ),
        (
            "DDORG-SAML-009",
            vec![Set("/saml_idp_metadata_valid_until", Value::Null)],
            "settings.saml_idp_metadata_valid_until is null",
        ),
        (
            "DDORG-SAML-009",
            vec![Set("/saml_idp_metadata_valid_until", json!("next tuesday"))],
            "cannot be read",
        ),
        (
            "DDORG-SAML-010",
            vec![
                Set("/saml_can_be_enabled", json!(false)),
                Set("/saml/enabled", Value::Null),
            ],
            "settings.saml.enabled is null",
        ),
        (
            "DDORG-SAML-011",
            vec![Set("/saml/enabled", json!(false))],
            "SAML is off",
        ),
        (
            "DDORG-SAML-011",
            vec![Set("/saml_idp_endpoint", json!("idp.example.com"))],
            "not a URL with a host (DDORG-SAML-007 reports it)",
        ),
        (
            "DDORG-SAML-012",
            vec![Remove("/saml_login_url")],
            "settings.saml_login_url is absent",
        ),
        (
            "DDORG-SAML-013",
            vec![Remove("/saml")],
            "settings.saml.enabled is absent",
        ),
        (
            "DDORG-SHARE-001",
            vec![Set("/private_widget_share", Value::Null)],
            "settings.private_widget_share is null",
        ),
        (
            "DDORG-SFDC-001",
            vec![Set("/sf/attributes/instance_url", Value::Null)],
            "salesforce_organizations[sf-1].attributes.instance_url is null",
        ),
        (
            "DDORG-SFDC-002",
            vec![Remove("/sf/attributes/sfdc_org_type")],
            "salesforce_organizations[sf-1].attributes.sfdc_org_type is absent",
        ),
        (
            "DDORG-SFDC-003",
            vec![Set("/sf/attributes/sfdc_org_type", Value::Null)],
            "sfdc_org_type is null",
        ),
    ];
    let mut covered = std::collections::BTreeSet::new();
    let nulls_kept = models_keep_nulls();
    for (rule, changes, why) in cases {
        let e = eval(&changes);
        assert_eq!(result_of(&e, rule), Result::NotEvaluated, "{rule}: {e:#?}");
        // Where the core's models drop a documented field's null, the rules see it as absent.
        let documented_null = why.ends_with(" is null") && !why.contains("valid_until");
        let why = if documented_null && !nulls_kept {
            why.replace(" is null", " is absent")
        } else {
            why.to_string()
        };
        assert!(
            reason(&e, rule).contains(&why),
            "{rule}: {:?} lacks {why:?}",
            reason(&e, rule)
        );
        covered.insert(rule);
    }
    assert_eq!(
        covered.len(),
        RULES.len(),
        "every rule has a not-evaluated case"
    );
}

/// Whether a documented field's `null` survives decoding and serializing.
fn models_keep_nulls() -> bool {
    let org: OrganizationResponse =
        serde_json::from_value(json!({"org": {"settings": {"private_widget_share": null}}}))
            .unwrap();
    serde_json::to_value(&org).unwrap()["org"]["settings"].get("private_widget_share")
        == Some(&Value::Null)
}

#[test]
fn a_refused_salesforce_call_leaves_the_salesforce_rules_not_evaluated() {
    let e = run(safe_settings(), None, &Policy::default());
    for rule in ["DDORG-SFDC-001", "DDORG-SFDC-002", "DDORG-SFDC-003"] {
        assert_eq!(result_of(&e, rule), Result::NotEvaluated);
        assert!(reason(&e, rule).contains("integrations_read"));
    }
    assert_eq!(e.passed.len(), RULES.len() - 3);
    assert!(e.observed.salesforce_organizations.is_none());
}

#[test]
fn a_response_without_settings_evaluates_nothing() {
    let org: OrganizationResponse = serde_json::from_value(json!({"org": {"name": "x"}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse =
        serde_json::from_value(safe_salesforce()).unwrap();
    let e = evaluate(&org, SalesforceInput::Listed(&sf), &Policy::default(), NOW);
    assert_eq!(
        e.passed,
        ["DDORG-SFDC-001", "DDORG-SFDC-002", "DDORG-SFDC-003"]
    );
    assert_eq!(e.not_evaluated.len(), RULES.len() - 3);
    assert!(e
        .not_evaluated
        .iter()
        .all(|n| n.reason == "the response has no org.settings"));
}

#[test]
fn one_salesforce_org_can_fire_while_another_is_not_evaluated() {
    let sf = json!({"data": [
        {"id": "good", "type": "salesforce-incidents-org", "attributes": {"instance_url": "https://a.my.salesforce.com", "sfdc_org_type": "Production"}},
        {"id": "bad", "type": "salesforce-incidents-org", "attributes": {"instance_url": "http://b.example.com", "sfdc_org_type": "Production"}},
        {"id": "unknown", "type": "salesforce-incidents-org", "attributes": {"sfdc_org_type": "Production"}},
    ]});
    let e = run(safe_settings(), Some(sf), &Policy::default());
    let f: Vec<_> = e
        .findings
        .iter()
        .filter(|f| f.rule == "DDORG-SFDC-001")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].subject.as_deref(), Some("salesforce:bad"));
    let n: Vec<_> = e
        .not_evaluated
        .iter()
        .filter(|n| n.rule == "DDORG-SFDC-001")
        .collect();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].subject.as_deref(), Some("salesforce:unknown"));
    assert!(!e.passed.iter().any(|p| p == "DDORG-SFDC-001"));
    assert!(e.passed.iter().any(|p| p == "DDORG-SFDC-002"));
}

#[test]
fn the_same_input_gives_the_same_evaluation_in_rule_order() {
    let changes = [
        Set("/private_widget_share", json!(true)),
        Set("/saml_autocreate_access_role", json!("adm")),
        Set("/saml_strict_mode/enabled", json!(false)),
    ];
    let a = eval(&changes);
    assert_eq!(a, eval(&changes));
    let order: Vec<&str> = a.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        order,
        ["DDORG-SAML-002", "DDORG-SAML-004", "DDORG-SHARE-001"]
    );
}

#[test]
fn text_from_the_server_reaches_the_detail_escaped() {
    let e = eval(&[Set("/saml_idp_endpoint", json!("http://idp\n\u{1b}[2Jx"))]);
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-007")
        .unwrap();
    assert!(!f.detail.chars().any(char::is_control), "{:?}", f.detail);
    assert_eq!(
        f.evidence["settings.saml_idp_endpoint"],
        json!("http://idp\n\u{1b}[2Jx")
    );
}
