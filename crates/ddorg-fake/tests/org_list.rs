//! `GET /api/v1/org`, the managed orgs: the default, scripted lists, the control API and fleets.

mod common;

use common::{get, Client, KEYS};
use ddorg_fake::{Behavior, FakeServer, Fleet, Reply, ORG_EXAMPLE, ORG_LIST_EXAMPLE};
use serde_json::{json, Value};

const LIST_PATH: &str = "/api/v1/org";

fn keyed(c: &mut Client, path: &str, api: &str, app: &str) -> common::Response {
    c.request(
        "GET",
        path,
        &[("DD-API-KEY", api), ("DD-APPLICATION-KEY", app)],
        b"",
    )
}

#[test]
fn the_default_list_is_the_example_org_alone_with_rate_limit_headers() {
    let s = FakeServer::start().unwrap();
    let r = get(s.port(), LIST_PATH);
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), ORG_LIST_EXAMPLE);
    let org: Value = serde_json::from_str(ORG_EXAMPLE).unwrap();
    assert_eq!(r.json()["orgs"], json!([org["org"]]));
    assert_eq!(r.header("x-ratelimit-name"), Some("org_list"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("999"));
    // A trailing slash is the single-org route with an empty id, which does not exist.
    assert_eq!(get(s.port(), "/api/v1/org/").status, 404);
}

#[test]
fn set_org_list_is_verbatim_persistent_key_checked_and_reset() {
    let s = FakeServer::start().unwrap();
    s.set_org_list(Reply::json(200, r#"{"orgs":null,"x":1}"#));
    let mut c = Client::connect(s.port());
    for _ in 0..2 {
        assert_eq!(c.get(LIST_PATH).text(), r#"{"orgs":null,"x":1}"#);
    }
    assert_eq!(c.request("GET", LIST_PATH, &[], b"").status, 403);
    assert_eq!(c.request("POST", LIST_PATH, KEYS, b"").status, 405);
    s.reset();
    assert_eq!(c.get(LIST_PATH).text(), ORG_LIST_EXAMPLE);
}

#[test]
fn set_orgs_lists_each_org_and_serves_it_by_public_id() {
    let s = FakeServer::start().unwrap();
    s.set_orgs(&[("parent1", "Parent"), ("child01", "Child one")]);
    let mut c = Client::connect(s.port());
    let list = c.get(LIST_PATH).json();
    let ids: Vec<&str> = list["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["public_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["parent1", "child01"]);
    assert_eq!(list["orgs"][1]["name"], "Child one");
    let child = c.get("/api/v1/org/child01").json();
    assert_eq!(child["org"], list["orgs"][1]);
    // Other ids are unknown, the example's excepted.
    assert_eq!(c.get("/api/v1/org/zzz").status, 404);
    assert_eq!(c.get("/api/v1/org/abcdef12345").text(), ORG_EXAMPLE);
}

#[test]
fn control_api_sets_the_list_verbatim_or_from_org_fields() {
    let s = FakeServer::start().unwrap();
    let mut c = Client::connect(s.port());
    let post = |c: &mut Client, path: &str, body: &str| {
        c.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
    };
    let r = post(&mut c, "/_fake/org_list", r#"{"json":{"orgs":[]}}"#);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(c.get(LIST_PATH).text(), r#"{"orgs":[]}"#);

    let r = post(
        &mut c,
        "/_fake/orgs",
        r#"[{"public_id":"p1","name":"Parent"},{"public_id":"c1","name":"Child","trial":true}]"#,
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let list = c.get(LIST_PATH).json();
    assert_eq!(list["orgs"][1]["trial"], true);
    assert_eq!(list["orgs"][1]["created"], "2019-09-26T17:28:28Z");
    assert_eq!(c.get("/api/v1/org/c1").json()["org"]["name"], "Child");

    assert_eq!(
        post(&mut c, "/_fake/orgs", r#"{"public_id":"p1"}"#).status,
        400
    );
    assert_eq!(post(&mut c, "/_fake/org_list", "not json").status, 400);
    assert_eq!(c.request("GET", "/_fake/orgs", &[], b"").status, 405);
    assert_eq!(c.request("GET", "/_fake/org_list", &[], b"").status, 405);
}

#[test]
fn in_a_fleet_the_first_key_lists_and_reads_every_org_and_others_only_their_own() {
    let s = FakeServer::start().unwrap();
    let fleet = Fleet::generate(20).with_faults();
    s.set_fleet(&fleet);
    let orgs = fleet.orgs();
    let (parent, child) = (&orgs[0], &orgs[3]);
    let mut c = Client::connect(s.port());

    let list = keyed(&mut c, LIST_PATH, &parent.api_key, &parent.app_key).json();
    let listed: Vec<&str> = list["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["public_id"].as_str().unwrap())
        .collect();
    let all: Vec<&str> = orgs.iter().map(|o| o.public_id.as_str()).collect();
    assert_eq!(listed, all);

    let own = keyed(&mut c, LIST_PATH, &child.api_key, &child.app_key).json();
    assert_eq!(own["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(own["orgs"][0], list["orgs"][3]);

    // The parent reads a child as the child's keys do; a child cannot read another org.
    let path = format!("/api/v1/org/{}", child.public_id);
    let by_parent = keyed(&mut c, &path, &parent.api_key, &parent.app_key);
    let by_child = keyed(&mut c, &path, &child.api_key, &child.app_key);
    assert_eq!((by_parent.status, by_parent.text()), (200, by_child.text()));
    assert_eq!(by_parent.json()["org"], list["orgs"][3]);
    let other = format!("/api/v1/org/{}", orgs[4].public_id);
    assert_eq!(
        keyed(&mut c, &other, &child.api_key, &child.app_key).status,
        404
    );

    // A deleted org answers 404 to the parent too; a revoked child key does not stop the parent.
    let deleted = orgs
        .iter()
        .find(|o| o.behavior == Behavior::NotFound)
        .unwrap();
    let path = format!("/api/v1/org/{}", deleted.public_id);
    assert_eq!(
        keyed(&mut c, &path, &parent.api_key, &parent.app_key).status,
        404
    );
    let revoked = orgs
        .iter()
        .find(|o| o.behavior == Behavior::Forbidden)
        .unwrap();
    let path = format!("/api/v1/org/{}", revoked.public_id);
    assert_eq!(
        keyed(&mut c, &path, &parent.api_key, &parent.app_key).status,
        200
    );
    assert_eq!(keyed(&mut c, LIST_PATH, "nobody", "nobody").status, 403);
}
