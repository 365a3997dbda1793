//! The rules a reviewer trusts: the policy's allowlists, the endpoint and login URL rules, the
//! staged settings while SAML is off, and one finding per cause (no rule repeats another's).

use ddorg_audit::{evaluate_on_site, Policy, SalesforceInput};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse, Site};
use serde_json::{json, Value};

mod common;

use common::eval::{eval, eval_under, reason, result_of, run, Change, Result};
use common::{safe_salesforce, safe_settings, NOW};
use Change::Set;

fn policy(text: &str) -> Policy {
    Policy::from_toml_str(text).unwrap()
}

fn detail(e: &ddorg_audit::Evaluation, rule: &str) -> String {
    let f = e.findings.iter().find(|f| f.rule == rule);
    f.map(|f| f.detail.clone()).unwrap_or_default()
}

#[test]
fn saml_off_where_it_cannot_be_enabled_is_a_finding_not_a_pass() {
    let e = eval(&[
        Set("/saml/enabled", json!(false)),
        Set("/saml_can_be_enabled", json!(false)),
    ]);
    assert_eq!(result_of(&e, "DDORG-SAML-010"), Result::Fired);
    assert_eq!(result_of(&e, "DDORG-SAML-001"), Result::Passed);
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-010")
        .unwrap();
    assert_eq!(f.severity, ddorg_audit::Severity::Medium);
    // Where SAML can be enabled, SAML-001 reports it and SAML-010 passes.
    let e = eval(&[Set("/saml/enabled", json!(false))]);
    assert_eq!(result_of(&e, "DDORG-SAML-001"), Result::Fired);
    assert_eq!(result_of(&e, "DDORG-SAML-010"), Result::Passed);
}

#[test]
fn the_idp_endpoint_host_must_be_public_and_a_name() {
    for (url, needle) in [
        ("https://localhost/sso", "localhost"),
        ("https://10.0.0.5/adfs/ls", "private address"),
        ("https://169.254.169.254/sso", "link-local"),
        ("https://[fd12::1]/sso", "unique local"),
        ("https://203.0.113.7/sso", "IP literal (203.0.113.7)"),
        ("https://2130706433/sso", "loopback"),
        ("https://adfs.corp.internal/adfs/ls", ".internal"),
    ] {
        let e = eval(&[Set("/saml_idp_endpoint", json!(url))]);
        assert_eq!(result_of(&e, "DDORG-SAML-011"), Result::Fired, "{url}");
        assert!(
            detail(&e, "DDORG-SAML-011").contains(needle),
            "{url}: {}",
            detail(&e, "DDORG-SAML-011")
        );
    }
    let e = eval(&[Set(
        "/saml_idp_endpoint",
        json!("https://acme.okta.com/app/sso/saml"),
    )]);
    assert_eq!(result_of(&e, "DDORG-SAML-011"), Result::Passed);
}

#[test]
fn allowed_idp_hosts_limit_the_endpoint_when_set() {
    let p = policy(r#"allowed_idp_hosts = ["okta.com", "login-*.example.com"]"#);
    for (url, fires) in [
        ("https://acme.okta.com/sso", false),
        ("https://login-eu.example.com/sso", false),
        ("https://idp.example.com/sso", true),
        ("https://okta.com.evil.example/sso", true),
    ] {
        let e = eval_under(&p, &[Set("/saml_idp_endpoint", json!(url))]);
        let want = if fires { Result::Fired } else { Result::Passed };
        assert_eq!(result_of(&e, "DDORG-SAML-011"), want, "{url}");
    }
    let e = eval_under(
        &p,
        &[Set(
            "/saml_idp_endpoint",
            json!("https://idp.example.com/sso"),
        )],
    );
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-011")
        .unwrap();
    assert!(
        f.detail
            .contains("allowed_idp_hosts (okta.com, login-*.example.com)"),
        "{}",
        f.detail
    );
    assert_eq!(
        f.evidence["policy.allowed_idp_hosts"],
        json!(["okta.com", "login-*.example.com"])
    );
}

fn on_site(site: Option<Site>, login_url: &str) -> ddorg_audit::Evaluation {
    let mut settings = safe_settings();
    settings["saml_login_url"] = json!(login_url);
    let org: OrganizationResponse =
        serde_json::from_value(json!({"org": {"public_id": "abc", "settings": settings}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse =
        serde_json::from_value(safe_salesforce()).unwrap();
    evaluate_on_site(
        &org,
        SalesforceInput::Listed(&sf),
        &Policy::default(),
        NOW,
        site,
    )
}

#[test]
fn the_login_url_must_be_https_on_the_orgs_site() {
    let eu = Some(Site::Eu1);
    let pass = [
        (eu, "https://app.datadoghq.eu/account/saml/login"),
        (eu, "https://acme.datadoghq.eu/account/saml/login"),
        (
            Some(Site::Us3),
            "https://us3.datadoghq.com/account/saml/login",
        ),
        (None, "https://app.datadoghq.eu/account/saml/login"),
    ];
    for (site, url) in pass {
        assert_eq!(
            result_of(&on_site(site, url), "DDORG-SAML-012"),
            Result::Passed,
            "{url}"
        );
    }
    for (site, url, needle) in [
        (
            eu,
            "https://app.datadoghq.com/account/saml/login",
            "on datadoghq.com, not the org's site datadoghq.eu",
        ),
        (
            Some(Site::Us1),
            "https://us5.datadoghq.com/account/saml/login",
            "on us5.datadoghq.com",
        ),
        (None, "https://login.example.com/saml", "on no Datadog site"),
        (
            eu,
            "http://app.datadoghq.eu/account/saml/login",
            "not HTTPS",
        ),
        (
            eu,
            "app.datadoghq.eu/account/saml/login",
            "not a URL with a host",
        ),
    ] {
        let e = on_site(site, url);
        assert_eq!(result_of(&e, "DDORG-SAML-012"), Result::Fired, "{url}");
        assert!(
            detail(&e, "DDORG-SAML-012").contains(needle),
            "{url}: {}",
            detail(&e, "DDORG-SAML-012")
        );
    }
    let f = on_site(eu, "https://app.datadoghq.com/x");
    let f = f
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-012")
        .unwrap();
    assert_eq!(f.evidence["audited_site"], json!("datadoghq.eu"));
}

#[test]
fn settings_staged_while_saml_is_off_are_a_low_finding() {
    let off = Set("/saml/enabled", json!(false));
    let e = eval(&[off, Set("/saml_idp_endpoint", json!("http://10.0.0.5/sso"))]);
    let d = detail(&e, "DDORG-SAML-013");
    assert!(
        d.contains("just-in-time provisioning") && d.contains("not HTTPS"),
        "{d}"
    );
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-013")
        .unwrap();
    assert_eq!(f.severity, ddorg_audit::Severity::Low);
    // Nothing staged: JIT off and the endpoint sound, or absent.
    let e = eval(&[
        Set("/saml/enabled", json!(false)),
        Set("/saml_autocreate_users_domains/enabled", json!(false)),
    ]);
    assert_eq!(result_of(&e, "DDORG-SAML-013"), Result::Passed);
    let e = eval(&[
        Set("/saml/enabled", json!(false)),
        Set("/saml_autocreate_users_domains/enabled", json!(false)),
        Set("/saml_idp_endpoint", Value::Null),
    ]);
    assert_eq!(result_of(&e, "DDORG-SAML-013"), Result::Passed);
    // With SAML on, the live rules report these instead.
    let e = eval(&[Set("/saml_idp_endpoint", json!("http://10.0.0.5/sso"))]);
    assert_eq!(result_of(&e, "DDORG-SAML-013"), Result::Passed);
}

#[test]
fn allowed_jit_domains_make_any_other_domain_fire_saml_005() {
    let p = policy(r#"allowed_jit_domains = ["example.com", "*.example.eu"]"#);
    let domains = |d: Value| Set("/saml_autocreate_users_domains/domains", d);
    let e = eval_under(
        &p,
        &[domains(json!([
            "example.com",
            "eu.example.eu",
            "example.eu"
        ]))],
    );
    assert_eq!(result_of(&e, "DDORG-SAML-005"), Result::Passed);
    let e = eval_under(
        &p,
        &[domains(json!([
            "example.com",
            "acquired.example",
            "gmail.com"
        ]))],
    );
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-005")
        .unwrap();
    assert!(
        f.detail.contains("\"gmail.com\"") && f.detail.contains("\"acquired.example\" outside"),
        "{}",
        f.detail
    );
    assert_eq!(
        f.evidence["domains_not_allowed"],
        json!(["acquired.example"])
    );
    assert_eq!(
        f.evidence["public_email_domains_matched"],
        json!(["gmail.com"])
    );
    assert_eq!(f.severity, ddorg_audit::Severity::High);
    // Without the allowlist, a company domain is fine.
    let e = eval(&[domains(json!(["acquired.example"]))]);
    assert_eq!(result_of(&e, "DDORG-SAML-005"), Result::Passed);
}

#[test]
fn regional_and_disposable_public_domains_fire_saml_005() {
    for d in [
        "yahoo.co.jp",
        "hotmail.co.uk",
        "outlook.de",
        "protonmail.ch",
        "mailinator.com",
        "gmx.at",
    ] {
        let e = eval(&[Set("/saml_autocreate_users_domains/domains", json!([d]))]);
        assert_eq!(result_of(&e, "DDORG-SAML-005"), Result::Fired, "{d}");
    }
}

#[test]
fn saml_006_does_not_repeat_saml_004s_admin_role() {
    let adm = Set("/saml_autocreate_access_role", json!("adm"));
    let e = eval(&[adm]);
    assert_eq!(result_of(&e, "DDORG-SAML-004"), Result::Fired);
    assert_eq!(result_of(&e, "DDORG-SAML-006"), Result::Passed);
    // With SAML-004 disabled, SAML-006 still reports a role the policy does not allow.
    let p = policy(r#"disabled_rules = ["DDORG-SAML-004"]"#);
    let e = eval_under(&p, &[Set("/saml_autocreate_access_role", json!("adm"))]);
    assert_eq!(result_of(&e, "DDORG-SAML-006"), Result::Fired);
}

#[test]
fn sfdc_002_does_not_repeat_sfdc_003s_unknown_type() {
    let scratch = Set("/sf/attributes/sfdc_org_type", json!("Scratch"));
    let e = eval(&[scratch]);
    assert_eq!(result_of(&e, "DDORG-SFDC-003"), Result::Fired);
    assert_eq!(result_of(&e, "DDORG-SFDC-002"), Result::Passed);
    let e = eval(&[Set("/sf/attributes/sfdc_org_type", json!("Sandbox"))]);
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SFDC-002")
        .unwrap();
    assert_eq!(f.severity, ddorg_audit::Severity::Info);
    let p = policy(r#"disabled_rules = ["DDORG-SFDC-003"]"#);
    let e = eval_under(&p, &[Set("/sf/attributes/sfdc_org_type", json!("Scratch"))]);
    assert_eq!(result_of(&e, "DDORG-SFDC-002"), Result::Fired);
}

#[test]
fn salesforce_government_and_regional_domains_are_allowed_by_default() {
    for url in [
        "https://agency.my.salesforce.mil",
        "https://agency.lightning.crmforce.mil",
        "https://acme.my.sfcrmproducts.cn",
        "https://acme-dev-ed.develop.my.salesforce.com",
        "https://acme.my-salesforce.com",
        "https://na139.salesforce.com",
    ] {
        let e = eval(&[Set("/sf/attributes/instance_url", json!(url))]);
        assert_eq!(result_of(&e, "DDORG-SFDC-001"), Result::Passed, "{url}");
    }
    for url in [
        "https://salesforce.mil.evil.example",
        "https://evilforce.com",
    ] {
        let e = eval(&[Set("/sf/attributes/instance_url", json!(url))]);
        assert_eq!(result_of(&e, "DDORG-SFDC-001"), Result::Fired, "{url}");
    }
}

#[test]
fn every_finding_carries_its_rules_controls() {
    let e = eval(&[Set("/saml_strict_mode/enabled", json!(false))]);
    let f = e
        .findings
        .iter()
        .find(|f| f.rule == "DDORG-SAML-002")
        .unwrap();
    let ids: Vec<String> = f
        .controls
        .iter()
        .map(|c| format!("{}/{}", c.framework, c.id))
        .collect();
    assert!(ids.contains(&"nist-800-53/IA-2(1)".to_string()), "{ids:?}");
    assert!(ids.contains(&"cis-v8/6.3".to_string()) && ids.contains(&"soc2/CC6.1".to_string()));
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(
        json["controls"][0],
        json!({"framework": "nist-800-53", "id": "IA-2"})
    );
    assert_eq!(reason(&e, "DDORG-SAML-002"), "");
}

#[test]
fn the_policy_changes_what_fires_and_disabled_rules_are_never_passed() {
    let policy = Policy::from_toml_str(
        r#"
        disabled_rules = ["DDORG-SHARE-001"]
        allowed_autocreate_roles = ["ro"]
        public_email_domains = ["corp-free-mail.example"]
        allowed_salesforce_org_types = ["Production", "Sandbox"]
        allowed_salesforce_hosts = ["example.com"]
        idp_metadata_expiry_warning_days = 400
        "#,
    )
    .unwrap();
    let mut settings = safe_settings();
    settings["private_widget_share"] = json!(true);
    settings["saml_autocreate_access_role"] = json!("st");
    settings["saml_autocreate_users_domains"]["domains"] = json!(["corp-free-mail.example"]);
    let mut sf = safe_salesforce();
    sf["data"][0]["attributes"]["sfdc_org_type"] = json!("Sandbox");
    let e = run(settings, Some(sf), &policy);
    assert_eq!(result_of(&e, "DDORG-SHARE-001"), Result::NotEvaluated);
    assert_eq!(
        reason(&e, "DDORG-SHARE-001"),
        "disabled by the policy (disabled_rules)"
    );
    for rule in [
        "DDORG-SAML-005",
        "DDORG-SAML-006",
        "DDORG-SAML-009",
        "DDORG-SFDC-001",
    ] {
        assert_eq!(result_of(&e, rule), Result::Fired, "{rule}");
    }
    assert_eq!(result_of(&e, "DDORG-SFDC-002"), Result::Passed);
}
