//! Bodies of `GET /api/v1/org` ("List your managed organizations") built from org objects.

use serde_json::{json, Map, Value};

use std::sync::Arc;

use crate::reply::Reply;
use crate::state::Shared;
use crate::ORG_EXAMPLE;

/// The rate-limit headers every default org-list reply carries (as the other endpoints do).
pub(crate) fn with_rate_limit(reply: Reply) -> Reply {
    reply.rate_limit(1000, 60, 999, 42, "org_list")
}

/// [`ORG_EXAMPLE`]'s organization with these fields replaced (e.g. `public_id` and `name`).
pub(crate) fn example_org(fields: &Map<String, Value>) -> Value {
    let mut org: Value = serde_json::from_str(ORG_EXAMPLE).expect("the org example is JSON");
    let mut org = org["org"].take();
    if let Some(obj) = org.as_object_mut() {
        for (k, v) in fields {
            obj.insert(k.clone(), v.clone());
        }
    }
    org
}

/// `{"orgs":[...]}` as text.
pub(crate) fn list_body(orgs: Vec<Value>) -> String {
    json!({ "orgs": orgs }).to_string()
}

/// Lists these org objects on `GET /api/v1/org` and serves each one's `{"org": ...}` on
/// `GET /api/v1/org/<its public_id>`: what [`FakeServer::set_orgs`](crate::FakeServer::set_orgs)
/// and `POST /_fake/orgs` do.
pub(crate) fn install(shared: &Shared, orgs: Vec<Value>) {
    let singles: Vec<(String, Arc<_>)> = orgs
        .iter()
        .filter_map(|org| {
            let id = org.get("public_id")?.as_str()?.to_string();
            let body = json!({ "org": org }).to_string();
            let reply = Reply::json(200, &body).rate_limit(1000, 60, 999, 42, "org_get");
            Some((id, Arc::new(reply.prepare())))
        })
        .collect();
    let list = Arc::new(with_rate_limit(Reply::json(200, &list_body(orgs))).prepare());
    let mut st = shared.state();
    st.org_list = Some(list);
    st.orgs.extend(singles);
}

/// Reads the control body of `POST /_fake/orgs`: an array of objects, each merged over the
/// example org.
pub(crate) fn orgs_from_value(v: &Value) -> Result<Vec<Value>, String> {
    const EXPECTED: &str = r#"expected [{"public_id": "...", "name": "..."}, ...]"#;
    let items = v.as_array().ok_or(EXPECTED)?;
    items
        .iter()
        .map(|item| {
            item.as_object()
                .map(example_org)
                .ok_or(EXPECTED.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_example_is_the_org_example_listed_alone() {
        let list: Value = serde_json::from_str(crate::ORG_LIST_EXAMPLE).unwrap();
        let org: Value = serde_json::from_str(ORG_EXAMPLE).unwrap();
        assert_eq!(list, json!({"orgs": [org["org"]]}));
        assert_eq!(example_org(&Map::new()), org["org"]);
    }

    #[test]
    fn control_orgs_override_the_example_fields() {
        let orgs = orgs_from_value(&json!([{"public_id": "c1", "name": "Child"}])).unwrap();
        assert_eq!(orgs[0]["public_id"], "c1");
        assert_eq!(orgs[0]["name"], "Child");
        assert_eq!(orgs[0]["created"], "2019-09-26T17:28:28Z");
        assert!(orgs_from_value(&json!({"public_id": "c1"})).is_err());
        assert!(orgs_from_value(&json!(["c1"])).is_err());
    }
}
