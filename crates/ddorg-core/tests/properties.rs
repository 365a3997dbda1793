//! Properties of the response models, over generated JSON: whatever comes, decoding never
//! panics; and every valid document, unknown fields and enum values included, survives
//! decode → encode → decode unchanged.

use ddorg_core::{
    OrganizationListResponse, OrganizationResponse, SalesforceIncidentsOrganizationsResponse,
};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// 256 cases per property: enough to find shallow bugs in a few seconds. `PROPTEST_CASES=100000`
/// runs a long search.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

/// Any JSON value: scalars of every kind (any Unicode in strings and keys), nested arrays and
/// objects up to a few levels.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON shaped roughly like the responses: arbitrary values where the models expect their known
/// fields, so the decoder's typed paths (not just its first check) meet wrong types and nulls.
fn arb_near_miss() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "org",
        "settings",
        "saml",
        "enabled",
        "name",
        "trial",
        "billing",
        "type",
        "domains",
        "saml_autocreate_access_role",
        "saml_autocreate_users_domains",
        "data",
        "attributes",
        "id",
        "sfdc_org_id",
        "instance_url",
    ];
    let leaf = arb_json();
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(KEYS).prop_map(String::from),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Decodes through both entry points (a `Value` and text), which must agree, and when decoding
/// succeeds checks that decode → encode → decode is the identity on the model.
fn decodes_without_panic<T>(doc: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let from_value = serde_json::from_value::<T>(doc.clone());
    let from_text = serde_json::from_str::<T>(&doc.to_string());
    prop_assert_eq!(from_value.is_ok(), from_text.is_ok());
    if let (Ok(a), Ok(b)) = (&from_value, &from_text) {
        prop_assert_eq!(a, b);
        let again: T = serde_json::from_value(serde_json::to_value(a).unwrap()).unwrap();
        prop_assert_eq!(&again, a);
    }
    Ok(())
}

// ---- valid documents: known fields with valid values, unknown fields with any value

/// An object with any subset of `known` fields, each with a valid value or `null` (which must come
/// back as `null`, not disappear), plus unknown fields holding any JSON, null included.
fn object(known: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let names: Vec<&'static str> = known.iter().map(|(k, _)| *k).collect();
    let fields: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = known
        .into_iter()
        .map(|(k, s)| {
            let value_or_null = prop_oneof![4 => s, 1 => Just(Value::Null)];
            prop::option::of(value_or_null.prop_map(move |v| (k, v))).boxed()
        })
        .collect();
    let extra = prop::collection::btree_map(
        any::<String>().prop_filter("not a known field", move |k| !names.contains(&k.as_str())),
        arb_json(),
        0..3,
    );
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut map: Map<String, Value> = extra.into_iter().collect();
            for (k, v) in fields.into_iter().flatten() {
                map.insert(k.to_string(), v);
            }
            Value::Object(map)
        })
        .boxed()
}

fn string() -> BoxedStrategy<Value> {
    any::<String>().prop_map(Value::String).boxed()
}

fn boolean() -> BoxedStrategy<Value> {
    any::<bool>().prop_map(Value::Bool).boxed()
}

/// A documented enum value or any other string (kept as `Unknown`).
fn open_enum(documented: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(documented).prop_map(|s| Value::String(s.to_string())),
        any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

fn enabled() -> BoxedStrategy<Value> {
    object(vec![("enabled", boolean())])
}

fn valid_org_response() -> BoxedStrategy<Value> {
    let settings = object(vec![
        ("private_widget_share", boolean()),
        ("saml", enabled()),
        (
            "saml_autocreate_access_role",
            open_enum(&["st", "adm", "ro", "ERROR"]),
        ),
        (
            "saml_autocreate_users_domains",
            object(vec![
                (
                    "domains",
                    prop::collection::vec(any::<String>().prop_map(Value::String), 0..4)
                        .prop_map(Value::Array)
                        .boxed(),
                ),
                ("enabled", boolean()),
            ]),
        ),
        ("saml_can_be_enabled", boolean()),
        ("saml_idp_endpoint", string()),
        ("saml_idp_initiated_login", enabled()),
        ("saml_idp_metadata_uploaded", boolean()),
        ("saml_login_url", string()),
        ("saml_strict_mode", enabled()),
    ]);
    let org = object(vec![
        ("billing", object(vec![("type", string())])),
        ("created", string()),
        ("description", string()),
        ("name", string()),
        ("public_id", string()),
        ("settings", settings),
        ("subscription", object(vec![("type", string())])),
        ("trial", boolean()),
    ]);
    object(vec![("org", org)])
}

/// `{"orgs": [...]}` of valid organizations (the `org` objects of valid org responses), with the
/// list absent, null or empty at times, and unknown fields beside it.
fn valid_org_list_response() -> BoxedStrategy<Value> {
    let orgs = prop::collection::vec(valid_org_response(), 0..4).prop_map(|docs| {
        let orgs: Vec<Value> = docs
            .into_iter()
            .filter_map(|d| d.get("org").filter(|o| o.is_object()).cloned())
            .collect();
        Value::Array(orgs)
    });
    let orgs = prop_oneof![1 => Just(None), 1 => Just(Some(Value::Null)), 6 => orgs.prop_map(Some)];
    (orgs, object(vec![]))
        .prop_map(|(orgs, extra)| {
            let mut map = match extra {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            map.remove("orgs");
            if let Some(orgs) = orgs {
                map.insert("orgs".into(), orgs);
            }
            Value::Object(map)
        })
        .boxed()
}

fn valid_salesforce_response() -> BoxedStrategy<Value> {
    let attributes = object(vec![
        ("instance_url", string()),
        ("name", string()),
        ("sfdc_org_id", string()),
        ("sfdc_org_type", string()),
    ]);
    // The three required fields are always there; unknown ones may join them.
    let item = (
        attributes,
        any::<String>(),
        open_enum(&["salesforce-incidents-org"]),
        object(vec![]),
    )
        .prop_map(|(attributes, id, type_, extra)| {
            let mut map = match extra {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            map.retain(|k, _| !["attributes", "id", "type"].contains(&k.as_str()));
            map.insert("attributes".into(), attributes);
            map.insert("id".into(), Value::String(id));
            map.insert("type".into(), type_);
            Value::Object(map)
        });
    (prop::collection::vec(item, 0..4), object(vec![]))
        .prop_map(|(data, extra)| {
            let mut map = match extra {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            map.insert("data".into(), Value::Array(data));
            Value::Object(map)
        })
        .boxed()
}

/// A valid document decodes, encodes back to exactly the same JSON, and decodes to the same model.
fn round_trips<T>(doc: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let model: T = serde_json::from_str(&doc.to_string())
        .map_err(|e| TestCaseError::fail(format!("a valid document failed to decode: {e}")))?;
    let encoded = serde_json::to_value(&model).unwrap();
    prop_assert_eq!(&encoded, doc);
    let again: T = serde_json::from_value(encoded).unwrap();
    prop_assert_eq!(again, model);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_json_never_panics_the_org_decoder(doc in arb_json()) {
        decodes_without_panic::<OrganizationResponse>(&doc)?;
    }

    #[test]
    fn any_json_never_panics_the_org_list_decoder(doc in arb_json()) {
        decodes_without_panic::<OrganizationListResponse>(&doc)?;
        decodes_without_panic::<OrganizationListResponse>(&serde_json::json!({"orgs": [doc]}))?;
    }

    #[test]
    fn any_json_never_panics_the_salesforce_decoder(doc in arb_json()) {
        decodes_without_panic::<SalesforceIncidentsOrganizationsResponse>(&doc)?;
    }

    #[test]
    fn near_miss_json_never_panics_either_decoder(doc in arb_near_miss()) {
        decodes_without_panic::<OrganizationResponse>(&doc)?;
        decodes_without_panic::<SalesforceIncidentsOrganizationsResponse>(&doc)?;
        // The same shapes one level down, where the typed fields are.
        decodes_without_panic::<OrganizationResponse>(&serde_json::json!({"org": doc.clone()}))?;
        decodes_without_panic::<SalesforceIncidentsOrganizationsResponse>(
            &serde_json::json!({"data": [doc]}),
        )?;
    }

    #[test]
    fn any_bytes_never_panic_either_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<OrganizationResponse>(&bytes);
        let _ = serde_json::from_slice::<SalesforceIncidentsOrganizationsResponse>(&bytes);
    }

    #[test]
    fn damaged_valid_documents_never_panic(
        doc in valid_org_response(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut text = doc.to_string().into_bytes();
        let at = flip.index(text.len());
        text[at] = byte;
        text.truncate(cut.index(text.len() + 1).max(at));
        let _ = serde_json::from_slice::<OrganizationResponse>(&text);
    }

    #[test]
    fn valid_org_documents_round_trip(doc in valid_org_response()) {
        round_trips::<OrganizationResponse>(&doc)?;
    }

    #[test]
    fn valid_org_list_documents_round_trip(doc in valid_org_list_response()) {
        round_trips::<OrganizationListResponse>(&doc)?;
    }

    #[test]
    fn valid_salesforce_documents_round_trip(doc in valid_salesforce_response()) {
        round_trips::<SalesforceIncidentsOrganizationsResponse>(&doc)?;
    }
}
