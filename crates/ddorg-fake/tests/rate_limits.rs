//! Datadog-like rate limits: per key and endpoint, headers on every answer, 429 past the limit.
//!
//! Windows start when a limit is set, so a period of an hour never ends during these tests.

mod common;

use common::{Client, KEYS, ORG_PATH, SALESFORCE_PATH};
use ddorg_fake::{Behavior, Endpoint, FakeServer, Fleet, Reply};
use serde_json::json;

const LIST_PATH: &str = "/api/v1/org";
const HOUR: u64 = 3600;

fn keyed(c: &mut Client, path: &str, api: &str, app: &str) -> common::Response {
    c.request(
        "GET",
        path,
        &[("DD-API-KEY", api), ("DD-APPLICATION-KEY", app)],
        b"",
    )
}

/// The values of every `x-ratelimit-*` header, in order: each must come exactly once.
fn rate_headers(r: &common::Response) -> Vec<(String, String)> {
    let found: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-ratelimit-"))
        .cloned()
        .collect();
    let mut names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), found.len(), "a repeated header: {found:?}");
    found
}

fn num(r: &common::Response, name: &str) -> u64 {
    r.header(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

#[test]
fn every_answer_of_a_limited_endpoint_carries_its_window_and_429_comes_past_the_limit() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(3, HOUR);
    let mut c = Client::connect(s.port());
    for remaining in [2, 1, 0] {
        let r = c.get(ORG_PATH);
        assert_eq!(r.status, 200);
        assert_eq!(rate_headers(&r).len(), 5);
        assert_eq!(num(&r, "x-ratelimit-limit"), 3);
        assert_eq!(num(&r, "x-ratelimit-period"), HOUR);
        assert_eq!(num(&r, "x-ratelimit-remaining"), remaining);
        assert!((1..=HOUR).contains(&num(&r, "x-ratelimit-reset")));
        assert_eq!(r.header("x-ratelimit-name"), Some("org_get"));
    }
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 429);
    assert_eq!(r.json(), json!({"errors": ["Too many requests"]}));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(rate_headers(&r).len(), 5);
    assert_eq!(num(&r, "x-ratelimit-remaining"), 0);
    assert_eq!(num(&r, "x-ratelimit-limit"), 3);
    assert!((1..=HOUR).contains(&num(&r, "x-ratelimit-reset")));
    assert_eq!(c.get(ORG_PATH).status, 429);
    assert_eq!(s.rate_limited_count(), 2);
    let stats = c.request("GET", "/_fake/stats", &[], b"").json();
    assert_eq!(stats["rate_limited"], 2);
    assert_eq!(stats["requests"], 5);
}

#[test]
fn each_key_and_each_endpoint_has_its_own_budget() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(1, HOUR);
    let mut c = Client::connect(s.port());
    assert_eq!(keyed(&mut c, ORG_PATH, "a", "x").status, 200);
    assert_eq!(keyed(&mut c, ORG_PATH, "a", "x").status, 429);
    // The application key does not matter: the budget is the API key's.
    assert_eq!(keyed(&mut c, ORG_PATH, "a", "y").status, 429);
    assert_eq!(keyed(&mut c, ORG_PATH, "b", "x").status, 200);
    for (path, name) in [
        (SALESFORCE_PATH, "salesforce_orgs"),
        (LIST_PATH, "org_list"),
    ] {
        let r = keyed(&mut c, path, "a", "x");
        assert_eq!((r.status, r.header("x-ratelimit-name")), (200, Some(name)));
        assert_eq!(keyed(&mut c, path, "a", "x").status, 429);
    }
    assert_eq!(s.rate_limited_count(), 4);

    // A new limit for one endpoint restarts its counts alone.
    s.set_endpoint_rate_limit(Endpoint::OrgList, 2, 60);
    let r = keyed(&mut c, LIST_PATH, "a", "x");
    assert_eq!(r.status, 200);
    assert_eq!(num(&r, "x-ratelimit-limit"), 2);
    assert_eq!(num(&r, "x-ratelimit-period"), 60);
    assert_eq!(num(&r, "x-ratelimit-remaining"), 1);
    assert_eq!(keyed(&mut c, ORG_PATH, "a", "x").status, 429);
}

#[test]
fn without_limits_the_default_replies_keep_their_fixed_headers() {
    let fixed = |r: &common::Response| {
        (
            num(r, "x-ratelimit-limit"),
            num(r, "x-ratelimit-remaining"),
            num(r, "x-ratelimit-reset"),
        )
    };
    let s = FakeServer::start().unwrap();
    let mut c = Client::connect(s.port());
    assert_eq!(fixed(&c.get(ORG_PATH)), (1000, 999, 42));
    s.set_rate_limit(1, HOUR);
    assert_eq!(fixed(&c.get(ORG_PATH)).0, 1);
    assert_eq!(c.get(ORG_PATH).status, 429);
    s.clear_rate_limits();
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, fixed(&r)), (200, (1000, 999, 42)));
    assert_eq!(s.rate_limited_count(), 1);
    s.set_rate_limit(1, HOUR);
    s.reset();
    assert_eq!(s.rate_limited_count(), 0);
    assert_eq!(fixed(&c.get(ORG_PATH)), (1000, 999, 42));
}

#[test]
fn enqueued_replies_win_over_the_limiter_and_are_not_counted() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(1, HOUR);
    s.enqueue(Reply::errors(429, &["Too many requests"]).rate_limit(1000, 60, 0, 7, "org_get"));
    s.enqueue(Reply::json(200, "{}"));
    let mut c = Client::connect(s.port());
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, num(&r, "x-ratelimit-reset")), (429, 7));
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, rate_headers(&r).len()), (200, 0));
    // The budget is untouched: the first routed request is admitted.
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, num(&r, "x-ratelimit-remaining")), (200, 0));
    // A passthrough reply is routed as usual, so it is counted (and limited).
    s.enqueue(Reply::passthrough().header("x-extra", "1"));
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, r.header("x-extra")), (429, Some("1")));
    assert_eq!(num(&r, "x-ratelimit-limit"), 1);
    assert_eq!(s.rate_limited_count(), 1);
}

#[test]
fn a_scripted_429_keeps_its_headers_and_other_scripted_replies_get_the_limiters() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(5, HOUR);
    s.set_org(
        "throttled",
        Reply::errors(429, &["slow down"]).rate_limit(9, 9, 0, 9, "custom"),
    );
    s.set_org("plain", Reply::json(200, r#"{"org":{}}"#));
    let mut c = Client::connect(s.port());
    let r = c.get("/api/v1/org/throttled");
    assert_eq!(
        (r.status, r.header("x-ratelimit-name")),
        (429, Some("custom"))
    );
    assert_eq!(num(&r, "x-ratelimit-reset"), 9);
    let r = c.get("/api/v1/org/plain");
    assert_eq!(r.status, 200);
    assert_eq!(num(&r, "x-ratelimit-limit"), 5);
    assert_eq!(num(&r, "x-ratelimit-remaining"), 3);
    assert_eq!(s.rate_limited_count(), 0);
}

#[test]
fn requests_refused_for_their_keys_or_method_are_not_counted() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(1, HOUR);
    let mut c = Client::connect(s.port());
    let r = c.request("GET", ORG_PATH, &[("DD-API-KEY", "api-k")], b"");
    assert_eq!((r.status, rate_headers(&r).len()), (403, 0));
    assert_eq!(c.request("POST", ORG_PATH, KEYS, b"").status, 405);
    assert_eq!(c.get("/api/v1/nothing").status, 404);
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, num(&r, "x-ratelimit-remaining")), (200, 0));
}

#[test]
fn a_new_window_admits_the_key_again() {
    let s = FakeServer::start().unwrap();
    s.set_rate_limit(1, 1);
    let mut c = Client::connect(s.port());
    // The first request may fall at the end of a one-second window: go on until one is refused.
    let refused = loop {
        let r = c.get(ORG_PATH);
        if r.status == 429 {
            break r;
        }
    };
    let reset = num(&refused, "x-ratelimit-reset");
    assert_eq!(reset, 1);
    std::thread::sleep(std::time::Duration::from_millis(reset * 1000 + 50));
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, num(&r, "x-ratelimit-remaining")), (200, 0));
}

#[test]
fn in_a_fleet_every_org_has_its_own_budget() {
    let s = FakeServer::start().unwrap();
    let fleet = Fleet::generate(20).with_faults();
    s.set_fleet(&fleet);
    s.set_rate_limit(3, HOUR);
    let orgs = fleet.orgs();
    let mut c = Client::connect(s.port());
    let (parent, a, b) = (&orgs[0], &orgs[1], &orgs[2]);
    for o in [a, b] {
        let path = format!("/api/v1/org/{}", o.public_id);
        for remaining in [2, 1, 0] {
            let r = keyed(&mut c, &path, &o.api_key, &o.app_key);
            assert_eq!(
                (r.status, num(&r, "x-ratelimit-remaining")),
                (200, remaining)
            );
        }
        assert_eq!(keyed(&mut c, &path, &o.api_key, &o.app_key).status, 429);
    }
    // The parent reads other orgs on its own key's budget.
    let path = format!("/api/v1/org/{}", a.public_id);
    let r = keyed(&mut c, &path, &parent.api_key, &parent.app_key);
    assert_eq!((r.status, num(&r, "x-ratelimit-remaining")), (200, 2));
    // Unknown keys get 403, uncounted; a burst org's scripted 429s keep their own headers.
    assert_eq!(keyed(&mut c, &path, "nobody", "nobody").status, 403);
    let burst = orgs
        .iter()
        .find(|o| matches!(o.behavior, Behavior::RateLimitBurst(_)))
        .unwrap();
    let path = format!("/api/v1/org/{}", burst.public_id);
    let r = keyed(&mut c, &path, &burst.api_key, &burst.app_key);
    assert_eq!((r.status, num(&r, "x-ratelimit-limit")), (429, 1000));
    assert_eq!(s.rate_limited_count(), 2);
}

#[test]
fn the_control_api_sets_and_clears_limits() {
    let s = FakeServer::start().unwrap();
    let mut c = Client::connect(s.port());
    let post =
        |c: &mut Client, body: &str| c.request("POST", "/_fake/rate_limit", &[], body.as_bytes());
    let r = post(&mut c, r#"{"limit":1,"period":60,"endpoint":"org_list"}"#);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(c.get(LIST_PATH).status, 200);
    assert_eq!(c.get(LIST_PATH).status, 429);
    assert_eq!(num(&c.get(ORG_PATH), "x-ratelimit-limit"), 1000);
    assert_eq!(post(&mut c, r#"{"limit":1,"period":60}"#).status, 204);
    assert_eq!(c.get(ORG_PATH).status, 200);
    assert_eq!(c.get(SALESFORCE_PATH).status, 200);
    assert_eq!(c.get(SALESFORCE_PATH).status, 429);
    assert_eq!(post(&mut c, r#"{"off":true}"#).status, 204);
    assert_eq!(c.get(SALESFORCE_PATH).status, 200);
    assert_eq!(s.rate_limited_count(), 2);
    let r = post(&mut c, r#"{"limit":1,"period":60,"endpoint":"nope"}"#);
    assert_eq!(r.status, 400);
    assert!(
        r.text()
            .contains("unknown endpoint \\\"nope\\\" (known: org_get, org_list, salesforce_orgs)"),
        "{}",
        r.text()
    );
    assert_eq!(post(&mut c, r#"{"limit":1}"#).status, 400);
    assert_eq!(post(&mut c, r#"{"limit":1,"period":0}"#).status, 400);
    assert_eq!(c.request("GET", "/_fake/rate_limit", &[], b"").status, 405);
}

#[test]
fn endpoint_names_are_the_rate_limit_names() {
    let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["org_get", "org_list", "salesforce_orgs"]);
    for &e in Endpoint::ALL {
        assert_eq!(Endpoint::parse(e.name()), Ok(e));
    }
    assert!(Endpoint::parse("org").is_err());
}
