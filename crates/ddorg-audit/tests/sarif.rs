//! SARIF as GitHub code scanning needs it: a physical location per result (the org's line in the
//! fleet file), fingerprints that survive edits of the file, rules GitHub can show, messages
//! that name the org, drift as `baselineState`. scripts/test-sarif runs Microsoft's validator.

use ddorg_audit::{
    apply_baseline, evaluate, render, Baseline, Format, OrgError, OrgReport, Policy, Report,
    SalesforceInput, SourceLocation, RULES,
};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{json, Value};

mod common;

use common::{safe_salesforce, safe_settings, NOW};

/// An org whose JIT role is Admin (DDORG-SAML-004) and whose widgets are public (SHARE-001),
/// defined at `line` of `fleets/prod.toml` (or by no file).
fn org(name: &str, line: Option<u32>, share: bool) -> OrgReport {
    let mut settings = safe_settings();
    settings["saml_autocreate_access_role"] = json!("adm");
    settings["private_widget_share"] = json!(share);
    let resp: OrganizationResponse =
        serde_json::from_value(json!({"org": {"settings": settings}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse =
        serde_json::from_value(safe_salesforce()).unwrap();
    let e = evaluate(&resp, SalesforceInput::Listed(&sf), &Policy::default(), NOW);
    let id = format!("{name}-id");
    let mut r = OrgReport::audited(name, &id, Some("datadoghq.eu".into()), None, e);
    r.source = line.map(|l| SourceLocation::new("fleets/prod.toml", l));
    r
}

fn sarif(orgs: Vec<OrgReport>) -> Value {
    let r = Report::new(Policy::default(), orgs, "2027-01-01T00:00:00Z".into());
    serde_json::from_str(&render(&r, Format::Sarif)).unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn every_result_is_at_its_orgs_table_in_the_fleet_file_and_keeps_its_logical_location() {
    let log = sarif(vec![
        org("prod", Some(12), true),
        org("dev", Some(20), false),
    ]);
    let rs = results(&log);
    assert!(rs.len() >= 3, "prod: SAML-004 and SHARE-001; dev: SAML-004");
    for r in rs {
        let line = if r["properties"]["org"] == "prod" {
            12
        } else {
            20
        };
        let loc = &r["locations"][0];
        let physical = &loc["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "fleets/prod.toml");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], line);
        assert_eq!(loc["logicalLocations"][0]["kind"], "resource");
    }
    let dev = rs.iter().find(|r| r["properties"]["org"] == "dev").unwrap();
    assert_eq!(
        dev["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "datadoghq.eu/dev-id"
    );
    assert_eq!(
        log["runs"][0]["automationDetails"]["id"],
        "ddorg/audit/fleet/fleets/prod.toml/"
    );
}

#[test]
fn a_single_org_is_at_line_1_of_its_documented_path() {
    let log = sarif(vec![org("abc123", None, false)]);
    let physical = &results(&log)[0]["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], ".ddorg/orgs/abc123-id");
    assert_eq!(physical["region"]["startLine"], 1);
    assert_eq!(
        log["runs"][0]["automationDetails"]["id"],
        "ddorg/audit/org/abc123-id/"
    );
}

#[test]
fn fingerprints_follow_the_org_rule_and_subject_not_the_line() {
    let hash = |log: &Value, i: usize| {
        results(log)[i]["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = sarif(vec![org("prod", Some(5), true)]);
    let moved = sarif(vec![org("prod", Some(50), true)]);
    assert_eq!(
        hash(&before, 0),
        hash(&moved, 0),
        "same finding, moved in the file"
    );
    assert_eq!(hash(&before, 1), hash(&moved, 1));
    assert_ne!(hash(&before, 0), hash(&before, 1), "another rule");
    let other = sarif(vec![org("stage", Some(5), true)]);
    assert_ne!(hash(&before, 0), hash(&other, 0), "another org");
    assert_eq!(
        results(&before)[0]["partialFingerprints"]["ddorgFinding/v1"],
        "prod-id/DDORG-SAML-004/"
    );
}

#[test]
fn messages_name_the_org_and_the_observed_value() {
    let log = sarif(vec![org("prod", Some(5), false)]);
    let text = results(&log)[0]["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("prod (public ID prod-id): "), "{text}");
    assert!(
        text.contains("Observed: ")
            && text.contains("settings.saml_autocreate_access_role = \"adm\""),
        "{text}"
    );
}

#[test]
fn rules_carry_what_github_shows() {
    let log = sarif(vec![]);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "ddorg");
    assert!(driver["fullName"]
        .as_str()
        .unwrap()
        .starts_with("ddorg audit "));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (rule, r) in rules.iter().zip(RULES) {
        assert_eq!(rule["id"], r.id);
        assert!(!rule["name"].as_str().unwrap().is_empty());
        assert_eq!(rule["shortDescription"]["text"], r.title);
        assert_eq!(rule["fullDescription"]["text"], r.rationale);
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains(r.remediation.text));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**Fix**"));
        assert_eq!(rule["helpUri"], r.reference);
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert_eq!(tags[0], "security");
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&score), "{}: {score}", r.id);
    }
}

#[test]
fn with_a_baseline_results_are_new_unchanged_or_absent() {
    // The baseline: prod shared its widgets (now fixed), and had no Admin JIT role finding.
    let mut was = org("prod", Some(5), true);
    was.findings.retain(|f| f.rule != "DDORG-SAML-004");
    let kept: Vec<String> = was
        .findings
        .iter()
        .map(|f| f.rule.clone())
        .filter(|r| r != "DDORG-SHARE-001")
        .collect();
    let before = Report::new(Policy::default(), vec![was], "2026-12-01T00:00:00Z".into());
    let baseline = Baseline::from_json(&before.to_json()).unwrap();
    let mut now = Report::new(
        Policy::default(),
        vec![org("prod", Some(5), false)],
        "2027-01-01T00:00:00Z".into(),
    );
    apply_baseline(&mut now, &baseline);
    let log: Value = serde_json::from_str(&render(&now, Format::Sarif)).unwrap();
    let states: Vec<(&str, &str)> = results(&log)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap(),
            )
        })
        .collect();
    let mut expected = vec![("DDORG-SAML-004", "new")];
    expected.extend(kept.iter().map(|r| (r.as_str(), "unchanged")));
    expected.push(("DDORG-SHARE-001", "absent"));
    let mut states = states;
    let absent = states.iter().position(|s| s.1 == "absent").unwrap();
    assert_eq!(
        absent,
        states.len() - 1,
        "the baseline's findings come last"
    );
    states[..absent].sort();
    expected[..absent].sort();
    assert_eq!(states, expected);
    // Without a baseline, no result says anything about one.
    let plain = sarif(vec![org("prod", Some(5), true)]);
    assert!(results(&plain)
        .iter()
        .all(|r| r.get("baselineState").is_none()));
}

#[test]
fn orgs_that_could_not_be_audited_are_error_notifications_at_their_line() {
    let err = ddorg_core::Error::new(ddorg_core::ErrorKind::Forbidden, "forbidden");
    let mut lost = OrgReport::failed(
        "lost",
        "lost-id",
        Some("datadoghq.com".into()),
        None,
        OrgError::from_error(&err, Some("get_org")),
    );
    lost.source = Some(SourceLocation::new("fleets/prod.toml", 30));
    let log = sarif(vec![org("prod", Some(5), false), lost]);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let errors: Vec<&Value> = inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "error")
        .collect();
    assert_eq!(errors.len(), 1);
    let text = errors[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("lost (public ID lost-id) could not be audited"),
        "{text}"
    );
    let physical = &errors[0]["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "fleets/prod.toml");
    assert_eq!(physical["region"]["startLine"], 30);
}
