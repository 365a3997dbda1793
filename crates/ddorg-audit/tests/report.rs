//! Reports: summary and exit codes, the JSON form read back as a baseline, drift, every format.

use ddorg_audit::{
    apply_baseline, evaluate, render, Baseline, FailOn, Format, OrgError, OrgReport, Outcome,
    Policy, Report, SalesforceInput, Severity, RULES,
};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{json, Value};

mod common;

use common::{safe_salesforce, safe_settings as settings, NOW};

fn org(name: &str, settings: Value) -> OrgReport {
    let resp: OrganizationResponse =
        serde_json::from_value(json!({"org": {"settings": settings}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse =
        serde_json::from_value(safe_salesforce()).unwrap();
    let e = evaluate(&resp, SalesforceInput::Listed(&sf), &Policy::default(), NOW);
    OrgReport::audited(
        name,
        &format!("{name}-id"),
        Some("datadoghq.com".into()),
        None,
        e,
    )
}

fn failed(name: &str) -> OrgReport {
    let err = ddorg_core::Error::new(ddorg_core::ErrorKind::Timeout, "request timed out");
    OrgReport::failed(
        name,
        "gone-id",
        Some("datadoghq.com".into()),
        None,
        OrgError::from_error(&err, Some("get_org")),
    )
}

fn report(orgs: Vec<OrgReport>) -> Report {
    Report::new(Policy::default(), orgs, "2027-01-01T00:00:00Z".into())
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

#[test]
fn exit_code_follows_fail_on_and_errors_win() {
    let clean = report(vec![org("a", settings())]);
    assert_eq!(
        (clean.exit_code(), clean.summary.outcome),
        (0, Outcome::Pass)
    );

    let medium = report(vec![org(
        "a",
        with(settings(), "private_widget_share", json!(true)),
    )]);
    assert_eq!(
        medium.exit_code(),
        0,
        "medium is below the default fail_on high"
    );
    let mut strict = medium.clone();
    strict.set_fail_on(FailOn::AtOrAbove(Severity::Medium));
    assert_eq!(
        (strict.exit_code(), strict.summary.failing_findings),
        (1, 1)
    );
    assert_eq!(
        strict.policy.fail_on.as_str(),
        "medium",
        "the effective policy is recorded"
    );

    let critical = report(vec![org(
        "a",
        with(settings(), "saml_autocreate_access_role", json!("adm")),
    )]);
    assert_eq!(critical.exit_code(), 1);
    assert_eq!(critical.summary.findings.critical, 1);
    let mut never = critical.clone();
    never.set_fail_on(FailOn::Never);
    assert_eq!(never.exit_code(), 0);

    let broken = report(vec![
        org(
            "a",
            with(settings(), "saml_autocreate_access_role", json!("adm")),
        ),
        failed("b"),
    ]);
    assert_eq!(
        (broken.exit_code(), broken.summary.outcome),
        (9, Outcome::Incomplete)
    );
    assert_eq!((broken.summary.audited, broken.summary.errors), (1, 1));
}

#[test]
fn the_json_report_starts_with_its_version_and_reads_back() {
    let r = report(vec![
        org("a", with(settings(), "private_widget_share", json!(true))),
        failed("b"),
    ]);
    let text = r.to_json();
    assert!(
        text.starts_with("{\n  \"ddorg_audit\": 1,"),
        "{}",
        &text[..40]
    );
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
    let v: Value = serde_json::from_str(&text).unwrap();
    let a = &v["orgs"][0];
    assert_eq!(a["status"], "audited");
    assert_eq!(a["findings"][0]["rule"], "DDORG-SHARE-001");
    assert_eq!(
        a["findings"][0]["evidence"]["settings.private_widget_share"],
        true
    );
    assert_eq!(a["passed"].as_array().unwrap().len(), RULES.len() - 1);
    assert_eq!(v["orgs"][1]["error"]["kind"], "timeout");
    assert_eq!(v["summary"]["findings"]["medium"], 1);
    assert_eq!(v["policy"]["allowed_autocreate_roles"], json!(["ro", "st"]));
    Baseline::from_json(&text).unwrap();
}

#[test]
fn a_baseline_must_be_a_version_1_report() {
    assert!(Baseline::from_json("{}")
        .unwrap_err()
        .message()
        .contains("ddorg_audit"));
    assert!(Baseline::from_json(r#"{"ddorg_audit": 2, "orgs": []}"#)
        .unwrap_err()
        .message()
        .contains("version 2"));
    assert!(Baseline::from_json("not json").is_err());
}

#[test]
fn drift_lists_new_and_resolved_findings_and_changed_settings_with_nulls() {
    let before = report(vec![
        org("a", with(settings(), "private_widget_share", json!(true))),
        org("gone", settings()),
    ]);
    let mut after_settings = with(settings(), "saml_autocreate_access_role", json!("adm"));
    after_settings["saml_idp_metadata_valid_until"] = Value::Null;
    after_settings["saml_strict_mode"]["enabled"] = json!(false);
    let mut after = report(vec![org("a", after_settings), org("new", settings())]);
    after.set_fail_on(FailOn::AtOrAbove(Severity::Critical));
    let baseline = Baseline::from_json(&before.to_json()).unwrap();
    apply_baseline(&mut after, &baseline);

    let d = after.orgs[0].drift.as_ref().unwrap();
    assert!(d.in_baseline && d.baseline_audited);
    let new: Vec<&str> = d.new_findings.iter().map(|f| f.rule.as_str()).collect();
    // The Admin role is DDORG-SAML-004's finding only (DDORG-SAML-006 does not repeat it).
    assert_eq!(new, ["DDORG-SAML-002", "DDORG-SAML-004"]);
    let resolved: Vec<&str> = d
        .resolved_findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(resolved, ["DDORG-SHARE-001"]);
    let change = |field: &str| {
        d.changed_settings
            .iter()
            .find(|c| c.field == field)
            .cloned()
    };
    let c = change("settings.saml_idp_metadata_valid_until").unwrap();
    assert_eq!(
        (c.old, c.new),
        (Some(json!("2028-01-01T00:00:00Z")), Some(Value::Null))
    );
    let c = change("settings.saml_autocreate_access_role").unwrap();
    assert_eq!((c.old, c.new), (Some(json!("ro")), Some(json!("adm"))));
    assert!(
        change("settings.saml.enabled").is_none(),
        "unchanged settings are not listed"
    );

    let n = after.orgs[1].drift.as_ref().unwrap();
    assert!(!n.in_baseline);
    assert_eq!(after.baseline.as_ref().unwrap().orgs_missing, ["gone"]);
    assert_eq!(after.summary.resolved_findings, Some(1));
    assert_eq!(after.summary.new_findings.unwrap().critical, 1);
    assert_eq!(after.exit_code(), 1);

    // A null (or absent) value serializes so that it reads back the same.
    let v: Value = serde_json::from_str(&after.to_json()).unwrap();
    let changed = v["orgs"][0]["drift"]["changed_settings"]
        .as_array()
        .unwrap();
    let valid = changed
        .iter()
        .find(|c| c["field"] == "settings.saml_idp_metadata_valid_until")
        .unwrap();
    assert_eq!(valid["new"], Value::Null);
    assert!(valid.as_object().unwrap().contains_key("new"));
    let back: Report = serde_json::from_str(&after.to_json()).unwrap();
    assert_eq!(back, after);
}

#[test]
fn with_a_baseline_only_new_findings_fail() {
    let bad = with(settings(), "saml_autocreate_access_role", json!("adm"));
    let before = report(vec![org("a", bad.clone())]);
    let mut after = report(vec![org("a", bad)]);
    assert_eq!(after.exit_code(), 1);
    apply_baseline(&mut after, &Baseline::from_json(&before.to_json()).unwrap());
    assert_eq!(
        after.exit_code(),
        0,
        "the critical finding is known from the baseline"
    );
    assert_eq!(after.summary.findings.critical, 1, "it is still reported");
}

#[test]
fn a_finding_not_evaluated_now_is_not_resolved() {
    let before = report(vec![org(
        "a",
        with(settings(), "private_widget_share", json!(true)),
    )]);
    let mut after = report(vec![org(
        "a",
        with(settings(), "private_widget_share", Value::Null),
    )]);
    apply_baseline(&mut after, &Baseline::from_json(&before.to_json()).unwrap());
    assert!(after.orgs[0]
        .drift
        .as_ref()
        .unwrap()
        .resolved_findings
        .is_empty());
}

#[test]
fn sarif_is_one_run_with_every_rule_and_a_logical_location_per_result() {
    let r = report(vec![
        org(
            "a",
            with(settings(), "saml_autocreate_access_role", json!("adm")),
        ),
        failed("b"),
    ]);
    let v: Value = serde_json::from_str(&render(&r, Format::Sarif)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, RULES.iter().map(|r| r.id).collect::<Vec<_>>());
    for rule in rules {
        assert!(rule["shortDescription"]["text"].is_string() && rule["helpUri"].is_string());
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), r.orgs[0].findings.len());
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(res["ruleId"], rules[i]["id"]);
        assert!(["error", "warning", "note", "none"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].is_string());
        let loc = &res["locations"][0]["logicalLocations"][0];
        assert_eq!(loc["name"], "a");
        assert_eq!(loc["fullyQualifiedName"], "datadoghq.com/a-id");
    }
    assert_eq!(results[0]["level"], "error");
    let inv = &runs[0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["level"] == "error"));
}

#[test]
fn text_and_markdown_show_findings_by_severity_and_a_summary() {
    let r = report(vec![
        org(
            "prod",
            with(
                with(settings(), "private_widget_share", json!(true)),
                "saml_autocreate_access_role",
                json!("adm"),
            ),
        ),
        failed("lost\u{1b}[31m"),
    ]);
    let text = render(&r, Format::Text);
    let crit = text.find("CRITICAL  DDORG-SAML-004").unwrap();
    let med = text.find("MEDIUM    DDORG-SHARE-001").unwrap();
    assert!(crit < med, "{text}");
    assert!(
        text.contains("evidence: settings.saml.enabled = true"),
        "{text}"
    );
    assert!(text.contains("Terraform: settings { saml_autocreate_access_role = \"ro\" }"));
    assert!(text.contains("result: incomplete"), "{text}");
    assert!(!text.contains('\u{1b}'), "control characters are escaped");
    let md = render(&r, Format::Markdown);
    assert!(md.starts_with("# ddorg audit\n"));
    assert!(
        md.contains("| critical | [DDORG-SAML-004](https://docs.datadoghq.com/"),
        "{md}"
    );
    assert!(
        md.contains("**Could not be fully audited**: timeout"),
        "{md}"
    );
    assert!(!md.contains('\u{1b}'));
}

#[test]
fn an_org_that_could_not_be_audited_shows_its_error_and_no_drift_in_text_and_markdown() {
    let base = report(vec![org("prod", settings()), org("lost", settings())]);
    let baseline = Baseline::from_json(&base.to_json()).unwrap();
    let mut r = report(vec![
        org(
            "prod",
            with(settings(), "private_widget_share", json!(true)),
        ),
        failed("lost"),
    ]);
    apply_baseline(&mut r, &baseline);
    let text = render(&r, Format::Text);
    let lost = &text[text.find("== lost").unwrap()..text.find("Summary").unwrap()];
    assert_eq!(
        lost,
        "== lost (public ID gone-id, site datadoghq.com): could not be fully audited: timeout: \
         request timed out\n\n"
    );
    assert!(
        text.contains("drift: 1 new, 0 resolved, 1 setting(s) changed"),
        "{text}"
    );
    let md = render(&r, Format::Markdown);
    let lost = &md[md.find("## lost").unwrap()..];
    assert_eq!(
        lost,
        "## lost\n\n**Could not be fully audited**: timeout: request timed out\n\n"
    );
    assert!(
        md.contains("Since the baseline: 1 new, 0 resolved, 1 setting(s) changed."),
        "{md}"
    );
}

#[test]
fn drift_names_each_new_and_resolved_finding_and_the_gone_orgs_in_every_format() {
    let before = report(vec![
        org("a", with(settings(), "private_widget_share", json!(true))),
        org("b", settings()),
        org("gone", settings()),
    ]);
    let mut after = report(vec![
        org("a", settings()),
        org(
            "b",
            with(settings(), "saml_autocreate_access_role", json!("adm")),
        ),
    ]);
    apply_baseline(&mut after, &Baseline::from_json(&before.to_json()).unwrap());

    let v: Value = serde_json::from_str(&render(&after, Format::Json)).unwrap();
    let b = &v["baseline"];
    assert_eq!(b["orgs_missing"], json!(["gone"]));
    let rules = |list: &Value| -> Vec<(String, String, String)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert!(f["title"].as_str().is_some_and(|t| !t.is_empty()), "{f}");
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("org"), s("rule"), s("severity"))
            })
            .collect()
    };
    let named = |org: &str, rule: &str, sev: &str| (org.into(), rule.into(), sev.into());
    assert_eq!(
        rules(&b["new_findings"]),
        // SAML-006 is not also fired for the Admin role SAML-004 reports.
        [named("b", "DDORG-SAML-004", "critical")]
    );
    assert_eq!(
        rules(&b["resolved_findings"]),
        [named("a", "DDORG-SHARE-001", "medium")]
    );
    assert_eq!(b["new_findings"][0]["public_id"], "b-id");
    let back: Report = serde_json::from_str(&after.to_json()).unwrap();
    assert_eq!(back, after);

    let text = render(&after, Format::Text);
    for line in [
        "  new       b: CRITICAL  DDORG-SAML-004  Just-in-time provisioning gives new users the Admin role",
        "  resolved  a: MEDIUM    DDORG-SHARE-001  Users can share widgets outside Datadog",
        "  gone      gone",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let md = render(&after, Format::Markdown);
    for line in [
        "| new | critical | b | DDORG-SAML-004 | Just-in-time provisioning gives new users the Admin role |",
        "| resolved | medium | a | DDORG-SHARE-001 | Users can share widgets outside Datadog |",
        "Only in the baseline (1): gone.",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }

    // One org: its own section names them.
    let before = report(vec![org(
        "a",
        with(settings(), "private_widget_share", json!(true)),
    )]);
    let mut after = report(vec![org(
        "a",
        with(settings(), "saml_autocreate_access_role", json!("adm")),
    )]);
    apply_baseline(&mut after, &Baseline::from_json(&before.to_json()).unwrap());
    let text = render(&after, Format::Text);
    assert!(
        text.contains("  resolved  MEDIUM    DDORG-SHARE-001  Users can share"),
        "{text}"
    );
    let md = render(&after, Format::Markdown);
    assert!(
        md.contains("- new: critical DDORG-SAML-004 Just-in-time"),
        "{md}"
    );
    assert!(
        md.contains("- resolved: medium DDORG-SHARE-001 Users can share"),
        "{md}"
    );
}
