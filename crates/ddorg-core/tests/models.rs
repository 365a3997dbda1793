//! Real data is messier than the spec: unknown values and fields survive, nulls are tolerated.

use ddorg_core::{
    AccessRole, OrganizationResponse, SalesforceIncidentsOrganizationType,
    SalesforceIncidentsOrganizationsResponse,
};
use serde_json::{json, Value};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(doc: &Value) -> (T, Value) {
    let model: T = serde_json::from_value(doc.clone()).unwrap();
    let back = serde_json::to_value(&model).unwrap();
    (model, back)
}

#[test]
fn unknown_enum_values_and_fields_survive_an_org_round_trip() {
    let doc = json!({
        "org": {
            "name": "A name that is longer than thirty-two chars",
            "public_id": "x",
            "new_top_level": {"nested": [1, 2, {"deep": true}]},
            "settings": {
                "saml": {"enabled": true, "brand_new": "v"},
                "saml_autocreate_access_role": "superadmin",
                "saml_autocreate_users_domains": {"domains": [], "enabled": true, "extra": 1},
                "saml_strict_mode": {"enabled": true},
                "a_future_setting": null
            },
            "billing": {"type": "parent_billing", "plan": "x"}
        },
        "meta": {"page": 1}
    });
    let (model, back) = round_trip::<OrganizationResponse>(&doc);
    assert_eq!(back, doc);
    let org = model.org.as_ref().unwrap();
    assert_eq!(org.name.as_ref().unwrap().chars().count(), 43);
    let s = org.settings.as_ref().unwrap();
    assert_eq!(
        s.saml_autocreate_access_role,
        Some(AccessRole::Unknown("superadmin".into()))
    );
    assert_eq!(
        s.saml_autocreate_access_role.as_ref().unwrap().as_str(),
        "superadmin"
    );
    assert!(s.additional_properties.contains_key("a_future_setting"));
    assert!(model.additional_properties.contains_key("meta"));
}

#[test]
fn every_documented_access_role_decodes_to_its_variant() {
    for (text, role) in [
        ("st", AccessRole::Standard),
        ("adm", AccessRole::Admin),
        ("ro", AccessRole::ReadOnly),
        ("ERROR", AccessRole::Error),
    ] {
        let doc = json!({"org": {"settings": {"saml_autocreate_access_role": text}}});
        let (model, back) = round_trip::<OrganizationResponse>(&doc);
        let s = model.org.unwrap().settings.unwrap();
        assert_eq!(s.saml_autocreate_access_role, Some(role));
        assert_eq!(back, doc);
    }
}

#[test]
fn null_role_and_nulls_where_docs_have_values_decode_as_no_value_and_stay_null() {
    let doc = json!({"org": {
        "name": null, "trial": null, "settings": {"saml_autocreate_access_role": null, "saml": null}
    }});
    let (model, back) = round_trip::<OrganizationResponse>(&doc);
    assert_eq!(back, doc);
    let org = model.org.unwrap();
    assert_eq!(org.name, None);
    assert!(org.name.is_null());
    assert_eq!(org.trial, None);
    assert!(org.public_id.is_absent());
    let s = org.settings.unwrap();
    assert_eq!(s.saml_autocreate_access_role, None);
    assert!(s.saml_autocreate_access_role.is_null());
    assert_eq!(s.saml, None);
    let empty: OrganizationResponse = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty.org, None);
    assert!(empty.org.is_absent());
}

#[test]
fn unknown_type_and_fields_survive_a_salesforce_round_trip() {
    let doc = json!({
        "data": [{
            "id": "x".repeat(150),
            "type": "salesforce-incidents-org-v2",
            "attributes": {"name": "n", "region": "eu", "instance_url": "https://x"},
            "relationships": {"owner": {"id": 1}}
        }],
        "meta": {"total": 1}
    });
    let (model, back) = round_trip::<SalesforceIncidentsOrganizationsResponse>(&doc);
    assert_eq!(back, doc);
    let d = &model.data[0];
    assert_eq!(
        d.id.len(),
        150,
        "documented max length is not enforced on responses"
    );
    assert_eq!(
        d.type_,
        SalesforceIncidentsOrganizationType::Unknown("salesforce-incidents-org-v2".into())
    );
    assert!(d.type_.is_unknown());
    assert!(d.attributes.additional_properties.contains_key("region"));
}

#[test]
fn documented_examples_round_trip_exactly() {
    for (text, is_org) in [
        (ddorg_fake::ORG_EXAMPLE, true),
        (ddorg_fake::SALESFORCE_EXAMPLE, false),
    ] {
        let doc: Value = serde_json::from_str(text).unwrap();
        let back = if is_org {
            round_trip::<OrganizationResponse>(&doc).1
        } else {
            round_trip::<SalesforceIncidentsOrganizationsResponse>(&doc).1
        };
        assert_eq!(back, doc);
    }
}

#[test]
fn from_json_decodes_like_a_response_body_and_names_the_json_path() {
    let resp: SalesforceIncidentsOrganizationsResponse = ddorg_core::from_json(
        r#"{"data":[{"id":"1","type":"salesforce-incidents-org","attributes":{"name":"A"}}]}"#,
    )
    .unwrap();
    assert_eq!(resp.data[0].attributes.name.as_deref(), Some("A"));
    let err = ddorg_core::from_json::<SalesforceIncidentsOrganizationsResponse>(
        r#"{"data":[{"type":"salesforce-incidents-org","attributes":{}}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ddorg_core::ErrorKind::Decode);
    assert!(
        err.message().starts_with("invalid JSON at `data[0]`"),
        "{err}"
    );
    let err = ddorg_core::from_slice::<OrganizationResponse>(b"{} trailing").unwrap_err();
    assert_eq!(err.kind(), ddorg_core::ErrorKind::Decode);
    assert!(ddorg_core::from_json::<OrganizationResponse>("  ").is_err());
}

#[test]
fn models_can_be_built_for_tests_from_default_and_new() {
    use ddorg_core::{
        SalesforceIncidentsOrganizationResponseAttributes,
        SalesforceIncidentsOrganizationResponseData,
    };
    let mut attributes = SalesforceIncidentsOrganizationResponseAttributes::default();
    *attributes.name = Some("Acme".into());
    let list = SalesforceIncidentsOrganizationsResponse::new(vec![
        SalesforceIncidentsOrganizationResponseData::new("id-1", attributes),
    ]);
    let json = serde_json::to_value(&list).unwrap();
    assert_eq!(
        json,
        json!({"data": [{"id": "id-1", "type": "salesforce-incidents-org", "attributes": {"name": "Acme"}}]})
    );
}

#[test]
fn response_into_parts_keeps_status_and_attempts() {
    let mut meta = ddorg_core::ResponseMeta::new(200);
    meta.attempts = 3;
    let resp = ddorg_core::Response::from_parts(OrganizationResponse::default(), meta.clone());
    assert_eq!((resp.status(), resp.attempts()), (200, 3));
    let (value, back) = resp.into_parts();
    assert_eq!(value, OrganizationResponse::default());
    assert_eq!(back, meta);
}
