//! Real response shapes (tests/fixtures) come back from the client exactly as received: same
//! keys, same nulls, same values.

mod common;

use std::fs;
use std::path::PathBuf;

use ddorg_core::{
    OrganizationListResponse, OrganizationResponse, SalesforceIncidentsOrganizationsResponse,
};
use ddorg_fake::Reply;
use serde_json::Value;

fn fixtures(kind: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(kind);
    let mut out: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    assert!(out.len() >= 2, "fixtures missing in {}", dir.display());
    out
}

#[test]
fn every_org_fixture_serializes_back_to_the_json_received() {
    let (fake, client, _) = common::setup();
    for (name, text) in fixtures("org") {
        fake.enqueue(Reply::json(200, &text));
        let resp = client
            .get_org("abc")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let received: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_value(resp.value()).unwrap(),
            received,
            "{name}"
        );
        // Each nested object on its own too (what a report or `settings.to_dict()` writes).
        if let Some(org) = resp.org.as_ref() {
            if let Some(settings) = org.settings.as_ref() {
                assert_eq!(
                    serde_json::to_value(settings).unwrap(),
                    received["org"]["settings"],
                    "{name}"
                );
            }
        }
        let again: OrganizationResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(&again, resp.value(), "{name}");
    }
}

#[test]
fn every_org_fixture_listed_serializes_back_to_the_json_received() {
    let (fake, client, _) = common::setup();
    // Every fixture's org in one list, plus list-level nulls and unknown fields.
    let orgs: Vec<Value> = fixtures("org")
        .iter()
        .map(|(_, text)| serde_json::from_str::<Value>(text).unwrap()["org"].clone())
        .filter(|org| !org.is_null())
        .collect();
    let bodies = [
        serde_json::json!({ "orgs": orgs, "paging": {"total": 7} }).to_string(),
        r#"{"orgs":null}"#.to_string(),
        r#"{"orgs":[]}"#.to_string(),
        "{}".to_string(),
        ddorg_fake::ORG_LIST_EXAMPLE.to_string(),
    ];
    for text in bodies {
        fake.enqueue(Reply::json(200, &text));
        let resp = client.list_orgs().unwrap_or_else(|e| panic!("{text}: {e}"));
        let received: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_value(resp.value()).unwrap(),
            received,
            "{text}"
        );
        let again: OrganizationListResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(&again, resp.value(), "{text}");
    }
    // A null in the list is not an organization: a decode error naming where it is.
    fake.enqueue(Reply::json(200, r#"{"orgs":[{"name":"a"},null]}"#));
    let err = client.list_orgs().unwrap_err();
    assert_eq!(err.kind(), ddorg_core::ErrorKind::Decode);
    assert!(err.message().contains("orgs[1]"), "{}", err.message());
}

#[test]
fn every_salesforce_fixture_serializes_back_to_the_json_received() {
    let (fake, client, _) = common::setup();
    for (name, text) in fixtures("salesforce").into_iter().chain([(
        "the fake's example".to_string(),
        ddorg_fake::SALESFORCE_EXAMPLE.to_string(),
    )]) {
        fake.enqueue(Reply::json(200, &text));
        let resp = client
            .list_salesforce_organizations()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let received: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_value(resp.value()).unwrap(),
            received,
            "{name}"
        );
        let again: SalesforceIncidentsOrganizationsResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(&again, resp.value(), "{name}");
    }
}

#[test]
fn the_terraform_recording_reads_simply_and_keeps_its_nulls() {
    let text = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/org/terraform_child_org.json"),
    )
    .unwrap();
    let resp: OrganizationResponse = serde_json::from_str(&text).unwrap();
    let org = resp.org.as_ref().unwrap();
    assert_eq!(org.public_id.as_deref(), Some("fasjyydbcgwwc2uc"));
    assert!(org.description.is_null());
    assert!(org.trial.is_absent());
    let settings = org.settings.as_ref().unwrap();
    assert!(settings.saml_login_url.is_null());
    assert_eq!(settings.saml_can_be_enabled, Some(true));
    assert_eq!(
        settings.additional_properties["manage_reports"],
        Value::from("false")
    );
    assert_eq!(
        settings.additional_properties["saml_idp_metadata_valid_until"],
        Value::Null
    );
}
