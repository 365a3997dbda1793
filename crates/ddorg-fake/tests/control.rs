//! The HTTP control API under /_fake/, as Python and C tests use it.

mod common;

use std::io::Read;

use common::{get, Client, KEYS, ORG_PATH, SALESFORCE_PATH};
use ddorg_fake::{FakeServer, ProxyMode, TlsCert, ORG_EXAMPLE, SALESFORCE_EXAMPLE};
use serde_json::{json, Value};

fn post(c: &mut Client, path: &str, body: &str) -> common::Response {
    c.request(
        "POST",
        path,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

#[test]
fn enqueue_json_with_every_body_kind() {
    let s = FakeServer::start().unwrap();
    let mut ctl = Client::connect(s.port());
    let reply = json!({
        "status": 429,
        "headers": {"x-ratelimit-reset": "1", "retry-after": "1"},
        "errors": ["Too many requests"],
        "repeat": 2
    });
    let r = post(&mut ctl, "/_fake/enqueue", &reply.to_string());
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("content-length"), None);
    // "hello, fake!" in base64, and a raw 0xff byte.
    let r = post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"body_base64":"aGVsbG8sIGZha2Uh/w==","content_type":"application/octet-stream","headers":[["x-a","1"],["x-a","2"]]}"#,
    );
    assert_eq!(r.status, 204, "{}", r.text());
    post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"json":{"org":{"public_id":"z"}},"status":201}"#,
    );
    post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"body":"<html>","content_type":"text/html","status":502}"#,
    );
    post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"redirect":"http://127.0.0.1:9/x"}"#,
    );
    post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"json":[1,2,3],"gzip":true}"#,
    );

    let mut c = Client::connect(s.port());
    for _ in 0..2 {
        let r = c.get(ORG_PATH);
        assert_eq!(r.status, 429);
        assert_eq!(r.header("x-ratelimit-reset"), Some("1"));
        assert_eq!(r.header("retry-after"), Some("1"));
        assert_eq!(r.json(), json!({"errors": ["Too many requests"]}));
    }
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello, fake!\xff");
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    let xa: Vec<&str> = r
        .headers
        .iter()
        .filter(|(n, _)| n == "x-a")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(xa, ["1", "2"]);
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 201);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"org": {"public_id": "z"}}));
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, r.text().as_str()), (502, "<html>"));
    assert_eq!(r.header("content-type"), Some("text/html"));
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("http://127.0.0.1:9/x"));
    let r = c.get(ORG_PATH);
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert_eq!(plain, "[1,2,3]");
    assert_eq!(c.get(ORG_PATH).text(), ORG_EXAMPLE);
}

#[test]
fn set_org_set_salesforce_and_require_keys_over_http() {
    let s = FakeServer::start().unwrap();
    let mut ctl = Client::connect(s.port());
    assert_eq!(
        post(
            &mut ctl,
            "/_fake/org/a%2Fb",
            r#"{"status":404,"errors":["Org not found"]}"#
        )
        .status,
        204
    );
    assert_eq!(
        post(&mut ctl, "/_fake/salesforce", r#"{"json":{"data":[]}}"#).status,
        204
    );
    let mut c = Client::connect(s.port());
    let r = c.get("/api/v1/org/a%2Fb");
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"errors": ["Org not found"]}))
    );
    assert_eq!(c.get("/api/v1/org/abcdef12345").text(), ORG_EXAMPLE);
    assert_eq!(
        c.get("/api/v1/org/ab").status,
        404,
        "an id nothing was set for"
    );
    assert_eq!(
        post(&mut ctl, "/_fake/unknown_orgs", r#"{"answer":"example"}"#).status,
        204
    );
    assert_eq!(c.get("/api/v1/org/ab").text(), ORG_EXAMPLE);
    for bad in [
        r#"{"answer":"maybe"}"#,
        r#"{}"#,
        r#"{"answer":"example","x":1}"#,
    ] {
        let r = post(&mut ctl, "/_fake/unknown_orgs", bad);
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(c.get(SALESFORCE_PATH).json(), json!({"data": []}));

    let r = post(
        &mut ctl,
        "/_fake/require_keys",
        r#"{"api_key":"A","app_key":"B"}"#,
    );
    assert_eq!(r.status, 204);
    assert_eq!(c.get("/api/v1/org/ab").status, 403);
    let r = c.request(
        "GET",
        "/api/v1/org/ab",
        &[("dd-api-key", "A"), ("dd-application-key", "B")],
        b"",
    );
    assert_eq!(r.status, 200);

    // Reset clears all of it.
    assert_eq!(post(&mut ctl, "/_fake/reset", "").status, 204);
    // The set_org reply is gone; unknown_orgs stays "example", as the latency stays.
    assert_eq!(c.get("/api/v1/org/a%2Fb").text(), ORG_EXAMPLE);
    assert_eq!(
        post(&mut ctl, "/_fake/unknown_orgs", r#"{"answer":"not_found"}"#).status,
        204
    );
    assert_eq!(c.get("/api/v1/org/a%2Fb").status, 404, "unknown again");
    assert_eq!(c.get(SALESFORCE_PATH).text(), SALESFORCE_EXAMPLE);
}

#[test]
fn requests_log_and_stats_as_json() {
    let s = FakeServer::start().unwrap();
    let mut c = Client::connect(s.port());
    c.request("GET", "/api/v1/org/a%2Fb?x=1", KEYS, b"");
    c.request("DELETE", SALESFORCE_PATH, &[("X-Custom", "v")], b"");
    let r = c.request("GET", "/_fake/requests", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let log = r.json();
    assert_eq!(
        log,
        json!([
            {"method": "GET", "path": "/api/v1/org/a%2Fb?x=1", "headers": [
                ["host", "fake"], ["dd-api-key", "api-k"], ["dd-application-key", "app-k"]]},
            {"method": "DELETE", "path": SALESFORCE_PATH, "headers": [
                ["host", "fake"], ["x-custom", "v"]]}
        ])
    );
    let _other_connection = get(s.port(), ORG_PATH);
    let stats = c.request("GET", "/_fake/stats", &[], b"").json();
    assert_eq!(
        stats,
        json!({"requests": 3, "connections": 2, "tls_handshakes": 0, "rate_limited": 0})
    );

    assert_eq!(c.request("POST", "/_fake/reset", &[], b"").status, 204);
    assert_eq!(
        c.request("GET", "/_fake/requests", &[], b"").json(),
        json!([])
    );
    assert_eq!(
        c.request("GET", "/_fake/stats", &[], b"").json(),
        json!({"requests": 0, "connections": 2, "tls_handshakes": 0, "rate_limited": 0})
    );
    assert!(s.requests().is_empty());
}

#[test]
fn bad_control_requests_get_400_405_404_with_messages() {
    let s = FakeServer::start().unwrap();
    let mut ctl = Client::connect(s.port());
    for (path, body, needle) in [
        ("/_fake/enqueue", "not json", "not valid JSON"),
        ("/_fake/enqueue", "[1]", "JSON object"),
        ("/_fake/enqueue", r#"{"status":"x"}"#, "status"),
        ("/_fake/enqueue", r#"{"fault":"nope"}"#, "unknown fault"),
        (
            "/_fake/enqueue",
            r#"{"body":"a","errors":["b"]}"#,
            "at most one",
        ),
        ("/_fake/enqueue", r#"{"body_base64":"***"}"#, "base64"),
        ("/_fake/enqueue", r#"{"statsu":200}"#, "unknown reply field"),
        ("/_fake/org/", "{}", "missing org id"),
        ("/_fake/require_keys", r#"{"api_key":"a"}"#, "app_key"),
    ] {
        let r = post(&mut ctl, path, body);
        assert_eq!(r.status, 400, "{path} {body}");
        let msg = r.json()["errors"][0].as_str().unwrap().to_string();
        assert!(msg.contains(needle), "{path} {body}: {msg}");
    }
    assert_eq!(ctl.request("GET", "/_fake/enqueue", &[], b"").status, 405);
    assert_eq!(ctl.request("POST", "/_fake/stats", &[], b"").status, 405);
    assert_eq!(ctl.request("GET", "/_fake/org/x", &[], b"").status, 405);
    assert_eq!(ctl.request("GET", "/_fake/nothing", &[], b"").status, 404);
    // Nothing was queued or recorded by any of it.
    assert_eq!(get(s.port(), ORG_PATH).text(), ORG_EXAMPLE);
    assert_eq!(s.request_count(), 1);
}

#[test]
fn faults_and_delays_via_control_api() {
    let s = FakeServer::start().unwrap();
    let mut ctl = Client::connect(s.port());
    let r = post(
        &mut ctl,
        "/_fake/enqueue",
        r#"{"fault":"close_without_response","delay_ms":10}"#,
    );
    assert_eq!(r.status, 204);
    let mut c = Client::connect(s.port());
    c.send("GET", ORG_PATH, KEYS, b"").unwrap();
    assert!(c.read_to_eof().is_empty());
    let log: Value = ctl.request("GET", "/_fake/requests", &[], b"").json();
    assert_eq!(log.as_array().unwrap().len(), 1);
}

#[test]
fn listen_opens_tls_and_proxy_listeners_until_reset() {
    let s = FakeServer::start().unwrap();
    let mut ctl = Client::connect(s.port());
    let ca = ctl.request("GET", "/_fake/ca", &[], b"").text();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
    assert_eq!(ca, s.ca_pem().unwrap(), "one CA per server");

    let r = post(&mut ctl, "/_fake/listen", r#"{"tls":"expired"}"#).json();
    assert_eq!(r["url"], format!("https://localhost:{}", r["port"]));
    assert_eq!(r["ca_pem"], ca.as_str());
    let r = post(&mut ctl, "/_fake/listen", r#"{"proxy":"auth_required"}"#).json();
    let proxy_port = r["port"].as_u64().unwrap() as u16;
    assert_eq!(r["url"], format!("http://127.0.0.1:{proxy_port}"));

    // The proxy answers CONNECT with 407 and records what it was sent.
    let mut p = Client::connect(proxy_port);
    let reply = p.request(
        "CONNECT",
        "api.datadoghq.com:443",
        &[("proxy-authorization", "Basic dTpw")],
        b"",
    );
    assert_eq!(reply.status, 407);
    let seen = ctl.request("GET", "/_fake/proxy_requests", &[], b"").json();
    assert_eq!(seen[0]["method"], "CONNECT");
    assert_eq!(seen[0]["path"], "api.datadoghq.com:443");
    assert_eq!(
        s.proxy_requests()[0].header("proxy-authorization"),
        Some("Basic dTpw")
    );

    // An unknown name is refused with the list of known ones.
    let r = post(&mut ctl, "/_fake/listen", r#"{"tls":"nope"}"#);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["errors"][0],
        r#"unknown tls certificate "nope" (known: valid, expired, wrong_host, self_signed)"#
    );
    let r = post(&mut ctl, "/_fake/listen", r#"{"proxy":"nope"}"#);
    assert_eq!(
        r.json()["errors"][0],
        r#"unknown proxy mode "nope" (known: inspect, trickle, silent, auth_required)"#
    );
    for bad in [r#"{"tls":"valid","proxy":"inspect"}"#, "[]"] {
        assert_eq!(post(&mut ctl, "/_fake/listen", bad).status, 400, "{bad}");
    }
    assert_eq!(post(&mut ctl, "/_fake/reset", "").status, 204);
    assert!(s.proxy_requests().is_empty());
    // Reset closed the extra listeners.
    let closed = std::net::TcpStream::connect(("127.0.0.1", proxy_port))
        .map(|mut c| c.read(&mut [0u8; 1]).unwrap_or(0))
        .unwrap_or(0);
    assert_eq!(closed, 0);
}

#[test]
fn listener_names_round_trip() {
    for &cert in TlsCert::ALL {
        assert_eq!(TlsCert::parse(cert.name()), Ok(cert));
        assert_eq!(
            TlsCert::from_name(&cert.name().replace('_', "-")),
            Some(cert)
        );
    }
    for &mode in ProxyMode::ALL {
        assert_eq!(ProxyMode::parse(mode.name()), Ok(mode));
    }
    assert_eq!(TlsCert::ALL.len(), 4);
    assert_eq!(ProxyMode::ALL.len(), 4);
}
