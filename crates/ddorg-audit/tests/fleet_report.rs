//! Text and Markdown reports of fleets: the per-rule rollup, which orgs are detailed, passed
//! lists, Terraform as code, escaping, and a 1,000-org fleet's Markdown under GitHub's 1 MiB.

use ddorg_audit::{
    evaluate, render, render_with, Detail, Format, OrgError, OrgReport, Policy, RenderOptions,
    Report, SalesforceInput,
};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{json, Value};

mod common;

use common::{safe_salesforce, safe_settings, NOW};

/// GitHub's limit on a job summary.
const JOB_SUMMARY_LIMIT: usize = 1_048_576;

/// The postures a fleet of the fake cycles through (ddorg-fake's fleet mode), as settings and
/// the Salesforce list: hardened, SAML off, wide open, a broken JIT role, nulls, SAML
/// unavailable.
fn posture(i: usize) -> (Value, Value) {
    let mut s = safe_settings();
    let mut sf = safe_salesforce();
    match i % 6 {
        1 => {
            s["saml"]["enabled"] = json!(false);
            s["private_widget_share"] = json!(true);
            sf["data"][0]["attributes"]["sfdc_org_type"] = json!("Sandbox");
            sf["data"][0]["attributes"]["instance_url"] =
                json!("https://acme--uat.sandbox.my.salesforce.com");
        }
        2 => {
            s["saml_strict_mode"]["enabled"] = json!(false);
            s["saml_idp_initiated_login"]["enabled"] = json!(true);
            s["saml_autocreate_access_role"] = json!("adm");
            s["saml_autocreate_users_domains"]["domains"] = json!(["example.com", "gmail.com"]);
            s["saml_idp_endpoint"] = json!("http://idp.example.com/saml/sso");
            s["saml_idp_metadata_uploaded"] = json!(false);
            s["saml_idp_metadata_valid_until"] = json!("2024-01-01 00:00:00");
            sf["data"][0]["attributes"]["instance_url"] = json!("http://crm.example.com");
            sf["data"][0]["attributes"]["sfdc_org_type"] = json!("Scratch");
        }
        3 => {
            s["saml_autocreate_access_role"] = json!("ERROR");
            s["saml_idp_metadata_valid_until"] = json!(NOW + 10 * 86_400);
        }
        4 => {
            s["saml"]["enabled"] = Value::Null;
            s["private_widget_share"] = Value::Null;
            s.as_object_mut()
                .unwrap()
                .remove("saml_idp_metadata_valid_until");
        }
        5 => {
            s["saml"]["enabled"] = json!(false);
            s["saml_can_be_enabled"] = json!(false);
            sf = json!({"data": []});
        }
        _ => {}
    }
    (s, sf)
}

fn audited(name: &str, settings: Value, salesforce: Value) -> OrgReport {
    let resp: OrganizationResponse =
        serde_json::from_value(json!({"org": {"settings": settings}})).unwrap();
    let sf: SalesforceIncidentsOrganizationsResponse = serde_json::from_value(salesforce).unwrap();
    let e = evaluate(&resp, SalesforceInput::Listed(&sf), &Policy::default(), NOW);
    OrgReport::audited(
        name,
        &format!("{name}-id"),
        Some("datadoghq.com".into()),
        None,
        e,
    )
}

/// `n` orgs `org-0001`…, cycling through the postures, every 50th one unreachable.
fn fleet(n: usize) -> Report {
    let orgs = (0..n)
        .map(|i| {
            let name = format!("org-{:04}", i + 1);
            if i % 50 == 49 {
                let err = ddorg_core::Error::new(ddorg_core::ErrorKind::Forbidden, "keys revoked");
                OrgReport::failed(
                    &name,
                    &format!("{name}-id"),
                    Some("datadoghq.com".into()),
                    None,
                    OrgError::from_error(&err, Some("get_org")),
                )
            } else {
                let (s, sf) = posture(i);
                audited(&name, s, sf)
            }
        })
        .collect();
    Report::new(Policy::default(), orgs, "2027-01-01T00:00:00Z".into())
}

/// The rollup table's rows: (rule, orgs, not evaluated), read back from the Markdown.
fn rollup_rows(md: &str) -> Vec<(String, usize, usize)> {
    let table = &md[md.find("## Findings by rule").unwrap()..md.find("## How to fix").unwrap()];
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| severity"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let rule = cells[1].trim_start_matches('[');
            let rule = rule.split(']').next().unwrap().to_string();
            (rule, cells[3].parse().unwrap(), cells[4].parse().unwrap())
        })
        .collect()
}

#[test]
fn a_thousand_org_fleet_markdown_fits_a_job_summary_and_its_rollup_counts_every_org() {
    let r = fleet(1000);
    let md = render(&r, Format::Markdown);
    assert!(md.len() < JOB_SUMMARY_LIMIT, "{} bytes", md.len());
    assert!(
        !md.contains("Left out to stay under"),
        "nothing is cut at 1,000 orgs"
    );
    let rows = rollup_rows(&md);
    assert!(rows.len() >= 10, "{rows:?}");
    for (rule, orgs, not_evaluated) in &rows {
        let fired = r
            .orgs
            .iter()
            .filter(|o| o.findings.iter().any(|f| &f.rule == rule))
            .count();
        let missed = r
            .orgs
            .iter()
            .filter(|o| o.not_evaluated.iter().any(|n| &n.rule == rule))
            .count();
        assert_eq!((*orgs, *not_evaluated), (fired, missed), "{rule}");
    }
    let with_findings = r.orgs.iter().filter(|o| !o.findings.is_empty()).count();
    assert!(
        with_findings > 400,
        "many orgs have findings: {with_findings}"
    );
    // Every org with a finding or an error has its section; the others do not.
    for o in &r.orgs {
        let detailed = md.contains(&format!("\n## {}\n", o.name));
        assert_eq!(
            detailed,
            !o.findings.is_empty() || o.error.is_some(),
            "{}",
            o.name
        );
    }
    let hidden = r
        .orgs
        .iter()
        .filter(|o| o.findings.is_empty() && o.error.is_none());
    assert!(md.contains(&format!(
        "{} org(s) without findings or errors are not detailed",
        hidden.count()
    )));
}

#[test]
fn a_fleet_too_large_for_a_job_summary_is_cut_with_a_note_and_full_detail_is_not() {
    let r = fleet(6000);
    let md = render(&r, Format::Markdown);
    assert!(md.len() < JOB_SUMMARY_LIMIT, "{} bytes", md.len());
    let note = &md[md.find("_Left out to stay under").unwrap()..];
    assert!(note.contains("the JSON report has every org"), "{note}");
    assert!(
        md.contains("## Findings by rule"),
        "the rollup is never cut"
    );
    let full = render_with(
        &r,
        Format::Markdown,
        &RenderOptions::new().detail(Detail::Full),
    );
    assert!(full.len() > JOB_SUMMARY_LIMIT && !full.contains("Left out"));
}

#[test]
fn full_detail_shows_every_org_and_each_finding_with_its_fix() {
    let r = fleet(12);
    let summary = render(&r, Format::Markdown);
    let full = render_with(
        &r,
        Format::Markdown,
        &RenderOptions::new().detail(Detail::Full),
    );
    assert!(!summary.contains("\n## org-0001\n") && full.contains("\n## org-0001\n"));
    let wide_open = |md: &str| md[md.find("\n## org-0003\n").unwrap()..].to_string();
    assert!(
        wide_open(&full).contains("**Fix DDORG-SAML-004**"),
        "{full}"
    );
    assert!(
        !wide_open(&summary).contains("**Fix"),
        "the rollup has the fixes once"
    );
    let text = render(&r, Format::Text);
    let text_full = render_with(&r, Format::Text, &RenderOptions::new().detail(Detail::Full));
    assert!(!text.contains("== org-0001 ") && text_full.contains("== org-0001 "));
    assert!(text.contains("not shown: 4 org(s) without findings or errors (--detail full"));
    assert!(text.starts_with("ddorg audit ") && text.contains("\nFindings by rule\n"));
    let rollup = &text[text.find("Findings by rule").unwrap()..text.find("\n== ").unwrap()];
    assert!(
        rollup.contains("  CRITICAL  DDORG-SAML-004   2 org(s)"),
        "{rollup}"
    );
    assert!(rollup.contains("on org-0003, org-0009\n"), "{rollup}");
}

#[test]
fn passed_rules_are_listed_only_with_show_passed() {
    let r = fleet(3);
    let passed = RenderOptions::new().show_passed(true);
    for format in [Format::Text, Format::Markdown] {
        let plain = render(&r, format);
        let shown = render_with(&r, format, &passed);
        let marker = if format == Format::Text {
            "\npassed: "
        } else {
            "<summary>Passed ("
        };
        assert!(!plain.contains(marker), "{plain}");
        assert!(shown.contains(marker), "{shown}");
    }
}

#[test]
fn terraform_fixes_are_code_blocks_in_markdown_and_prose_stays_prose() {
    let r = fleet(6);
    let md = render(&r, Format::Markdown);
    assert!(
        md.contains("```hcl\nsettings { saml_autocreate_access_role = \"ro\" }\n```"),
        "{md}"
    );
    assert!(!md.contains("Terraform: settings"), "{md}");
    assert!(
        md.contains("Terraform: none: datadog\\_organization\\_settings"),
        "{md}"
    );
}

#[test]
fn server_text_is_escaped_in_the_rollup_and_the_sections() {
    let (s, sf) = posture(2);
    let evil = "x|y\u{1b}[2J<img src=a>*b*";
    let r = Report::new(
        Policy::default(),
        vec![audited(evil, s.clone(), sf.clone()), audited("ok", s, sf)],
        "2027-01-01T00:00:00Z".into(),
    );
    let md = render(&r, Format::Markdown);
    let unescaped = md.replace("\\<", "");
    assert!(!md.contains('\u{1b}') && !unescaped.contains("<img") && !md.contains("x|y"));
    assert!(
        md.contains("x\\|y\\\\u{1b}\\[2J\\<img src=a\\>\\*b\\*, ok |"),
        "{md}"
    );
    let text = render(&r, Format::Text);
    assert!(
        !text.contains('\u{1b}') && text.contains("on x|y\\u{1b}[2J"),
        "{text}"
    );
}

#[test]
fn one_org_has_no_rollup_and_its_fixes_inline() {
    let (s, sf) = posture(2);
    let r = Report::new(
        Policy::default(),
        vec![audited("solo", s, sf)],
        "2027-01-01T00:00:00Z".into(),
    );
    let md = render(&r, Format::Markdown);
    assert!(!md.contains("## Findings by rule") && md.contains("**Fix DDORG-SAML-004**"));
    let text = render(&r, Format::Text);
    assert!(
        !text.contains("Findings by rule") && text.contains("fix: "),
        "{text}"
    );
}
