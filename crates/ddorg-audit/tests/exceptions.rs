//! Policy exceptions and fleet tags: an accepted finding is reported as excepted and does not
//! fail the audit until its date; overrides give tagged orgs their own settings.

use ddorg_audit::{
    audit_fleet, evaluate, render, Baseline, Fleet, FleetOptions, Format, OrgReport, Policy,
    Report, SalesforceInput, Severity, EXIT_FINDINGS, EXIT_OK,
};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use ddorg_fake::{FakeServer, Reply};
use serde_json::{json, Value};

mod common;

use common::{safe_salesforce, safe_settings, NOW};

/// 2027-01-01: NOW's date; an exception expiring then has expired at NOW.
const TODAY: &str = "2027-01-01";

fn policy(text: &str) -> Policy {
    Policy::from_toml_str(text).unwrap()
}

fn sharing_exception(orgs: &str, expires: &str) -> String {
    format!(
        r#"
        [[exceptions]]
        rule = "DDORG-SHARE-001"
        orgs = [{orgs}]
        reason = "public status dashboards, reviewed by security"
        expires = {expires}
        owner = "sre@example.com"
        "#
    )
}

/// An org whose widgets are shared (DDORG-SHARE-001, medium), audited under `policy`.
fn sharing_org(name: &str, policy: &Policy) -> OrgReport {
    let mut settings = safe_settings();
    settings["private_widget_share"] = json!(true);
    let resp: OrganizationResponse =
        serde_json::from_value(json!({"org": {"settings": settings}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse =
        serde_json::from_value(safe_salesforce()).unwrap();
    let e = evaluate(&resp, SalesforceInput::Listed(&sf), policy, NOW);
    let mut org = OrgReport::audited(name, &format!("{name}-id"), None, None, e);
    org.apply_exceptions(policy, NOW);
    org
}

fn report(policy: &Policy, names: &[&str]) -> Report {
    let orgs = names.iter().map(|n| sharing_org(n, policy)).collect();
    Report::new(policy.clone(), orgs, "2027-01-01T00:00:00Z".into())
}

#[test]
fn an_excepted_finding_is_reported_but_does_not_fail_the_audit() {
    let p = policy(&format!(
        "fail_on = \"medium\"\n{}",
        sharing_exception(r#""status-*""#, "2027-06-30")
    ));
    let r = report(&p, &["status-page", "prod"]);
    let excepted = &r.orgs[0].findings[0];
    assert_eq!(excepted.rule, "DDORG-SHARE-001");
    let e = excepted
        .exception
        .as_ref()
        .expect("the exception is on the finding");
    assert_eq!(
        (e.reason.as_str(), e.expires.as_str(), e.owner.as_deref()),
        (
            "public status dashboards, reviewed by security",
            "2027-06-30",
            Some("sre@example.com")
        )
    );
    assert!(
        r.orgs[1].findings[0].exception.is_none(),
        "prod is not covered"
    );
    assert_eq!((r.summary.excepted, r.summary.findings.medium), (1, 1));
    assert_eq!(
        (r.summary.failing_findings, r.exit_code()),
        (1, EXIT_FINDINGS)
    );

    let only_covered = report(&p, &["status-page"]);
    assert_eq!(only_covered.summary.failing_findings, 0);
    assert_eq!(only_covered.exit_code(), EXIT_OK);
    assert!(only_covered.expired_exceptions.is_empty());
}

#[test]
fn orgs_are_matched_by_name_or_public_id_and_only_for_the_named_rule() {
    let p = policy(&sharing_exception(r#""prod-id""#, "2027-06-30"));
    let r = report(&p, &["prod"]);
    assert!(r.orgs[0].findings[0].is_excepted(), "matched by public ID");
    let other_rule = policy(
        &sharing_exception(r#""prod""#, "2027-06-30").replace("DDORG-SHARE-001", "DDORG-SAML-002"),
    );
    let r = report(&other_rule, &["prod"]);
    assert!(!r.orgs[0].findings[0].is_excepted());
}

#[test]
fn an_expired_exception_no_longer_suppresses_and_is_reported() {
    let p = policy(&format!(
        "fail_on = \"medium\"\n{}",
        sharing_exception(r#""*""#, TODAY)
    ));
    let r = report(&p, &["status-page"]);
    assert!(!r.orgs[0].findings[0].is_excepted());
    assert_eq!(r.exit_code(), EXIT_FINDINGS);
    assert_eq!(r.expired_exceptions.len(), 1);
    assert_eq!(r.expired_exceptions[0].expires, TODAY);
    let json: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["expired_exceptions"][0]["rule"], "DDORG-SHARE-001");
    let text = render(&r, Format::Text);
    assert!(
        text.contains("expired exception: DDORG-SHARE-001 for * (owner sre@example.com) expired on 2027-01-01"),
        "{text}"
    );
    assert!(render(&r, Format::Markdown).contains("**Warning**: expired exception"));
}

#[test]
fn every_format_shows_the_exception() {
    let p = policy(&sharing_exception(r#""status-*""#, "2027-06-30"));
    let r = report(&p, &["status-page"]);
    let json: Value = serde_json::from_str(&r.to_json()).unwrap();
    let f = &json["orgs"][0]["findings"][0];
    assert_eq!(
        f["exception"]["reason"],
        "public status dashboards, reviewed by security"
    );
    assert_eq!(f["exception"]["expires"], "2027-06-30");
    assert_eq!(json["summary"]["excepted"], 1);
    assert_eq!(json["policy"]["exceptions"][0]["orgs"], json!(["status-*"]));
    // The JSON report reads back as a baseline, exception and all.
    assert!(Baseline::from_json(&r.to_json()).is_ok());
    let back: Report = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(back, r);

    let text = render(&r, Format::Text);
    assert!(text.contains("1 finding(s) (1 excepted)"), "{text}");
    assert!(
        text.contains(
            "EXCEPTED until 2027-06-30 (owner sre@example.com): public status dashboards"
        ),
        "{text}"
    );
    let md = render(&r, Format::Markdown);
    assert!(md.contains("| medium (excepted) |"), "{md}");
    assert!(md.contains("**Excepted** until 2027-06-30"), "{md}");
    let sarif: Value = serde_json::from_str(&render(&r, Format::Sarif)).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["kind"], "external");
    assert_eq!(
        result["suppressions"][0]["justification"],
        "public status dashboards, reviewed by security"
    );
}

#[test]
fn policy_mistakes_in_exceptions_are_named() {
    let base = sharing_exception(r#""a""#, "2027-06-30");
    for (text, needle) in [
        (
            base.replace("reason = ", "# reason = "),
            "exceptions[0] (DDORG-SHARE-001): `reason` is required",
        ),
        (
            base.replace("expires = ", "# expires = "),
            "`expires` is required",
        ),
        (
            base.replace("2027-06-30", "\"next year\""),
            "`expires` must be a date YYYY-MM-DD",
        ),
        (
            base.replace("2027-06-30", "2027-06-30T10:00:00Z"),
            "`expires` must be a date YYYY-MM-DD",
        ),
        (base.replace("owner =", "ownr ="), "unknown field `ownr`"),
        (
            base.replace("DDORG-SHARE-001", "DDORG-SHARE-009"),
            "DDORG-SHARE-009",
        ),
    ] {
        let e = Policy::from_toml_str(&text).unwrap_err();
        assert!(e.message().contains(needle), "{needle}: {e}");
    }
    // A quoted date reads the same as a TOML date.
    let quoted = policy(&base.replace("2027-06-30", "\"2027-06-30\""));
    assert_eq!(quoted, policy(&base));
}

#[test]
fn tagged_fleet_orgs_get_their_overrides_and_show_their_tags() {
    let fake = FakeServer::start().unwrap();
    let mut shared = safe_settings();
    shared["private_widget_share"] = json!(true);
    let body = json!({"org": {"public_id": "x", "settings": shared}}).to_string();
    fake.set_org("sandbox-id", Reply::json(200, &body));
    fake.set_org("prod-id", Reply::json(200, &body));
    fake.set_salesforce(Reply::json(200, &safe_salesforce().to_string()));
    let dir = std::env::temp_dir().join(format!("ddorg-audit-tags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key"), "tags-test-key-0123456789\n").unwrap();
    // Key files must be private to their owner (a fleet refuses others).
    let private = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600);
    std::fs::set_permissions(dir.join("key"), private).unwrap();
    let toml = format!(
        "[defaults]\nbase_url = \"{}\"\napi_key_file = \"key\"\napp_key_file = \"key\"\n\
         [[orgs]]\nname = \"sandbox\"\npublic_id = \"sandbox-id\"\ntags = [\"sandbox\", \"eu\"]\n\
         [[orgs]]\nname = \"prod\"\npublic_id = \"prod-id\"\ntags = [\"prod\"]\n",
        fake.base_url()
    );
    let fleet = Fleet::from_toml_str(&toml, &dir).unwrap();
    assert_eq!(fleet.orgs()[0].tags, ["sandbox", "eu"]);
    let p = policy(
        r#"
        fail_on = "medium"
        [[overrides]]
        tags = ["sandbox"]
        fail_on = "never"
        disabled_rules = ["DDORG-SAML-009"]
        "#,
    );
    let mut options = FleetOptions::default();
    options.now = Some(NOW);
    let r = audit_fleet(&fleet, &p, &options).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let (sandbox, prod) = (&r.orgs[0], &r.orgs[1]);
    assert_eq!(sandbox.tags, ["sandbox", "eu"]);
    assert_eq!(sandbox.fail_on, Some(ddorg_audit::FailOn::Never));
    assert!(sandbox
        .not_evaluated
        .iter()
        .any(|n| n.rule == "DDORG-SAML-009"));
    assert!(prod.passed.iter().any(|p| p == "DDORG-SAML-009"));
    assert_eq!(prod.fail_on, None);
    // Both have the medium finding; only prod's counts.
    for org in [sandbox, prod] {
        assert_eq!(org.findings[0].severity, Severity::Medium, "{}", org.name);
    }
    assert_eq!(r.summary.failing_findings, 1);
    assert!(render(&r, Format::Text).contains("tags sandbox, eu"));
    let e =
        Fleet::from_toml_str("[[orgs]]\npublic_id = \"x\"\ntags = [\" \"]\n", &dir).unwrap_err();
    assert!(e.message().contains("empty tag"), "{e}");
}
