//! The API side of the fake: defaults, keys, routing, scripted replies,
//! faults, gzip, keep-alive, throughput.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{get, Client, KEYS, ORG_PATH, SALESFORCE_PATH};
use ddorg_fake::{FakeServer, Fault, Reply, UnknownOrgs, ORG_EXAMPLE, SALESFORCE_EXAMPLE};

fn server() -> FakeServer {
    FakeServer::start().expect("start fake server")
}

#[test]
fn base_url_and_port() {
    let s = server();
    assert_ne!(s.port(), 0);
    assert_eq!(s.base_url(), format!("http://127.0.0.1:{}", s.port()));
}

#[test]
fn examples_are_the_documented_json() {
    let org: serde_json::Value = serde_json::from_str(ORG_EXAMPLE).unwrap();
    assert_eq!(org["org"]["public_id"], "abcdef12345");
    assert_eq!(org["org"]["created"], "2019-09-26T17:28:28Z");
    assert_eq!(
        org["org"]["settings"]["saml_autocreate_users_domains"]["domains"][0],
        "example.com"
    );
    let sf: serde_json::Value = serde_json::from_str(SALESFORCE_EXAMPLE).unwrap();
    assert_eq!(sf["data"][0]["id"], "596da4af-0563-4097-90ff-07230c3f9db3");
    assert_eq!(sf["data"][0]["attributes"]["sfdc_org_type"], "Production");
}

#[test]
fn default_org_reply() {
    let s = server();
    let r = get(s.port(), ORG_PATH);
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), ORG_EXAMPLE);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("content-length"),
        Some(ORG_EXAMPLE.len().to_string().as_str())
    );
    assert_eq!(r.header("x-ratelimit-limit"), Some("1000"));
    assert_eq!(r.header("x-ratelimit-period"), Some("60"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("999"));
    assert_eq!(r.header("x-ratelimit-reset"), Some("42"));
    assert_eq!(r.header("x-ratelimit-name"), Some("org_get"));
    assert_eq!(r.header("connection"), None);
    // A query string does not change routing.
    assert_eq!(
        get(s.port(), "/api/v1/org/abcdef12345?x=1").text(),
        ORG_EXAMPLE
    );
}

#[test]
fn an_unknown_org_id_is_404_unless_told_to_answer_the_example() {
    let s = server();
    let r = get(s.port(), "/api/v1/org/other");
    assert_eq!(r.status, 404);
    assert_eq!(r.text(), r#"{"errors":["Organization not found"]}"#);
    assert_eq!(r.header("x-ratelimit-name"), Some("org_get"));
    // The names the control API, the option and Python use.
    for answer in [UnknownOrgs::NotFound, UnknownOrgs::Example] {
        assert_eq!(UnknownOrgs::from_name(answer.name()), Some(answer));
    }
    assert_eq!(
        UnknownOrgs::from_name("not-found"),
        Some(UnknownOrgs::NotFound)
    );
    s.set_unknown_orgs(UnknownOrgs::Example);
    assert_eq!(get(s.port(), "/api/v1/org/other").text(), ORG_EXAMPLE);
    // A setting of the server, like the latency: reset() keeps it.
    s.reset();
    assert_eq!(get(s.port(), "/api/v1/org/other").text(), ORG_EXAMPLE);
    s.set_unknown_orgs(UnknownOrgs::NotFound);
    assert_eq!(get(s.port(), "/api/v1/org/other").status, 404);
    // An id set with set_org is known.
    s.set_org(
        "other",
        Reply::json(200, r#"{"org":{"public_id":"other"}}"#),
    );
    assert_eq!(get(s.port(), "/api/v1/org/other").status, 200);
}

#[test]
fn default_salesforce_reply() {
    let s = server();
    let r = get(s.port(), SALESFORCE_PATH);
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), SALESFORCE_EXAMPLE);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("1000"));
    assert_eq!(r.header("x-ratelimit-period"), Some("60"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("999"));
    assert_eq!(r.header("x-ratelimit-reset"), Some("42"));
    assert_eq!(r.header("x-ratelimit-name"), Some("salesforce_orgs"));
}

#[test]
fn missing_or_empty_keys_get_403() {
    let s = server();
    let mut c = Client::connect(s.port());
    for headers in [
        &[][..],
        &[("DD-API-KEY", "k")][..],
        &[("DD-APPLICATION-KEY", "a")][..],
        &[("DD-API-KEY", ""), ("DD-APPLICATION-KEY", "a")][..],
        &[("DD-API-KEY", "k"), ("DD-APPLICATION-KEY", "  ")][..],
    ] {
        for path in [ORG_PATH, SALESFORCE_PATH] {
            let r = c.request("GET", path, headers, b"");
            assert_eq!(r.status, 403, "{headers:?} {path}");
            assert_eq!(r.text(), r#"{"errors":["Forbidden"]}"#);
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
    }
    // Header names are case-insensitive.
    let r = c.request(
        "GET",
        ORG_PATH,
        &[("dd-api-key", "k"), ("Dd-Application-Key", "a")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.request_count(), 11);
}

#[test]
fn require_keys_accepts_only_those_keys() {
    let s = server();
    s.require_keys("good-api", "good-app");
    let mut c = Client::connect(s.port());
    let r = c.request("GET", ORG_PATH, KEYS, b"");
    assert_eq!(r.status, 403);
    assert_eq!(r.text(), r#"{"errors":["Forbidden"]}"#);
    let r = c.request(
        "GET",
        ORG_PATH,
        &[("DD-API-KEY", "good-api"), ("DD-APPLICATION-KEY", "wrong")],
        b"",
    );
    assert_eq!(r.status, 403);
    let good = [
        ("DD-API-KEY", "good-api"),
        ("DD-APPLICATION-KEY", "good-app"),
    ];
    assert_eq!(c.request("GET", ORG_PATH, &good, b"").status, 200);
    assert_eq!(c.request("GET", SALESFORCE_PATH, &good, b"").status, 200);
    s.reset();
    assert_eq!(c.request("GET", ORG_PATH, KEYS, b"").status, 200);
}

#[test]
fn unknown_paths_404_and_wrong_methods_405() {
    let s = server();
    let mut c = Client::connect(s.port());
    for path in [
        "/",
        "/api/v1/org/",
        "/api/v1/orgs",
        "/api/v1/org/abc/def",
        "/api/v1/org/abc/",
        "/api/v2/integration/salesforce-incidents/organizations/",
        "/api/v2/integration/salesforce-incidents/organizations/x",
        "/API/V1/ORG/abc",
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.text(), r#"{"errors":["Not Found"]}"#);
    }
    for (method, path) in [
        ("POST", ORG_PATH),
        ("DELETE", ORG_PATH),
        ("PUT", SALESFORCE_PATH),
        ("POST", SALESFORCE_PATH),
        ("POST", "/api/v1/org"),
    ] {
        let r = c.request(method, path, KEYS, b"{\"a\":1}");
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.text(), r#"{"errors":["Method Not Allowed"]}"#);
    }
    // The connection survived all of that, including request bodies.
    assert_eq!(c.get(ORG_PATH).status, 200);
    assert_eq!(s.connection_count(), 1);
}

#[test]
fn percent_encoded_ids_route_to_the_decoded_id() {
    let s = server();
    s.set_org("a/b", Reply::json(200, r#"{"org":{"public_id":"a/b"}}"#));
    s.set_org("x y", Reply::errors(404, &["Org not found"]));
    let mut c = Client::connect(s.port());
    let r = c.get("/api/v1/org/a%2Fb");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"org":{"public_id":"a/b"}}"#);
    // Lowercase escapes decode the same.
    assert_eq!(
        c.get("/api/v1/org/a%2fb").text(),
        r#"{"org":{"public_id":"a/b"}}"#
    );
    // An unescaped slash is a different (unknown) route, not the id "a/b".
    assert_eq!(c.get("/api/v1/org/a/b").status, 404);
    assert_eq!(c.get("/api/v1/org/x%20y").status, 404);
    assert_eq!(
        c.get("/api/v1/org/x%20y").text(),
        r#"{"errors":["Org not found"]}"#
    );
    // Other ids are unknown; an escaped path never reaches salesforce: it is an org id.
    assert_eq!(c.get("/api/v1/org/a").status, 404);
    let sneaky = "/api/v1/org/..%2F..%2Fv2%2Fintegration%2Fsalesforce-incidents%2Forganizations";
    assert_eq!(
        c.get(sneaky).text(),
        r#"{"errors":["Organization not found"]}"#
    );
    // The log keeps the raw target.
    assert_eq!(s.requests()[0].path, "/api/v1/org/a%2Fb");
}

#[test]
fn set_org_and_set_salesforce_are_persistent_but_key_checked() {
    let s = server();
    s.set_org("abcdef12345", Reply::errors(400, &["bad"]));
    s.set_salesforce(Reply::json(200, r#"{"data":[]}"#).header("x-extra", "1"));
    let mut c = Client::connect(s.port());
    for _ in 0..3 {
        assert_eq!(c.get(ORG_PATH).status, 400);
        let r = c.get(SALESFORCE_PATH);
        assert_eq!(r.text(), r#"{"data":[]}"#);
        assert_eq!(r.header("x-extra"), Some("1"));
        assert_eq!(r.header("x-ratelimit-name"), None);
    }
    assert_eq!(c.request("GET", ORG_PATH, &[], b"").status, 403);
    assert_eq!(c.request("POST", SALESFORCE_PATH, KEYS, b"").status, 405);
    s.reset();
    assert_eq!(c.get(ORG_PATH).text(), ORG_EXAMPLE);
    assert_eq!(c.get(SALESFORCE_PATH).text(), SALESFORCE_EXAMPLE);
}

#[test]
fn enqueued_replies_are_fifo_with_repeat_and_beat_everything() {
    let s = server();
    s.require_keys("only", "this");
    s.set_org("abcdef12345", Reply::status(418));
    s.enqueue(
        Reply::errors(429, &["slow down"])
            .rate_limit(10, 60, 0, 3, "org_get")
            .repeat(2),
    );
    s.enqueue(Reply::json(500, "{}"));
    s.enqueue(Reply::status(503).body("plain").content_type("text/plain"));
    let mut c = Client::connect(s.port());
    // Queued replies ignore path, method and keys.
    let r = c.request("GET", ORG_PATH, &[], b"");
    assert_eq!(r.status, 429);
    assert_eq!(r.text(), r#"{"errors":["slow down"]}"#);
    assert_eq!(r.header("x-ratelimit-limit"), Some("10"));
    assert_eq!(r.header("x-ratelimit-period"), Some("60"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(r.header("x-ratelimit-reset"), Some("3"));
    assert_eq!(r.header("x-ratelimit-name"), Some("org_get"));
    assert_eq!(c.request("POST", "/nowhere", &[], b"x").status, 429);
    assert_eq!(c.get(SALESFORCE_PATH).status, 500);
    let r = c.get(ORG_PATH);
    assert_eq!((r.status, r.text().as_str()), (503, "plain"));
    assert_eq!(r.header("content-type"), Some("text/plain"));
    // Queue drained: key check, then the persistent reply.
    assert_eq!(c.get(ORG_PATH).status, 403);
    let good = [("DD-API-KEY", "only"), ("DD-APPLICATION-KEY", "this")];
    assert_eq!(c.request("GET", ORG_PATH, &good, b"").status, 418);
    assert_eq!(s.request_count(), 6);
}

#[test]
fn reply_builders_render_as_documented() {
    let s = server();
    s.enqueue(Reply::redirect(307, "http://127.0.0.1:1/elsewhere"));
    s.enqueue(Reply::status(204).body("dropped"));
    s.enqueue(Reply::json(200, "{}").header("Content-Length", "1"));
    let mut c = Client::connect(s.port());
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("http://127.0.0.1:1/elsewhere"));
    assert_eq!(r.header("content-length"), Some("0"));
    let r = c.get(ORG_PATH);
    assert_eq!(r.status, 204);
    assert_eq!(r.header("content-length"), None);
    // A user content-length replaces the real one (here: a lying server).
    let r = c.get(ORG_PATH);
    assert_eq!(r.header("content-length"), Some("1"));
    assert_eq!(r.body, b"{");
}

#[test]
fn connection_close_reply_header_closes_the_connection() {
    let s = server();
    s.enqueue(Reply::status(200).header("Connection", "close"));
    let mut c = Client::connect(s.port());
    let r = c.get(ORG_PATH);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.read_to_eof().is_empty());
}

#[test]
fn client_connection_close_is_honoured() {
    let s = server();
    let mut c = Client::connect(s.port());
    let r = c.request(
        "GET",
        ORG_PATH,
        &[KEYS[0], KEYS[1], ("Connection", "close")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.read_to_eof().is_empty());
}

#[test]
fn http10_closes_unless_keep_alive() {
    let s = server();
    let mut stream = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    stream
        .write_all(b"GET /api/v1/org/abcdef12345 HTTP/1.0\r\ndd-api-key: k\r\ndd-application-key: a\r\n\r\n")
        .unwrap();
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    assert!(all.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(all.ends_with(ORG_EXAMPLE));
}

#[test]
fn head_requests_get_headers_only() {
    let s = server();
    s.enqueue(Reply::json(200, ORG_EXAMPLE));
    let mut c = Client::connect(s.port());
    c.send("HEAD", ORG_PATH, KEYS, b"").unwrap();
    let r = c.read_response_to(true).unwrap();
    assert_eq!(
        r.header("content-length"),
        Some(ORG_EXAMPLE.len().to_string().as_str())
    );
    // The next response follows immediately, so no body bytes were sent.
    assert_eq!(c.get(ORG_PATH).text(), ORG_EXAMPLE);
}

#[test]
fn delay_holds_back_the_whole_response() {
    let s = server();
    s.enqueue(Reply::json(200, "{}").delay(Duration::from_millis(300)));
    let mut c = Client::connect(s.port());
    let start = Instant::now();
    c.send("GET", ORG_PATH, KEYS, b"").unwrap();
    c.set_read_timeout(Duration::from_millis(100));
    assert!(
        c.read_response().is_err(),
        "nothing may arrive during the delay"
    );
    c.set_read_timeout(Duration::from_secs(20));
    let r = c.read_response().unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.text(), "{}");
    // The delay applied once; the default is immediate again.
    assert_eq!(c.get(ORG_PATH).text(), ORG_EXAMPLE);
}

fn fault_bytes(fault: Fault, body: &str) -> Vec<u8> {
    let s = server();
    s.enqueue(Reply::json(200, body).fault(fault));
    let mut c = Client::connect(s.port());
    c.send("GET", ORG_PATH, KEYS, b"").unwrap();
    let got = c.read_to_eof();
    assert_eq!(s.request_count(), 1);
    got
}

fn split_head(bytes: &[u8]) -> (String, Vec<u8>) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete headers")
        + 4;
    (
        String::from_utf8(bytes[..end].to_vec()).unwrap(),
        bytes[end..].to_vec(),
    )
}

const BODY_100: &str = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789";

#[test]
fn fault_close_without_response() {
    assert!(fault_bytes(Fault::CloseWithoutResponse, BODY_100).is_empty());
}

#[test]
fn fault_reset_mid_headers() {
    assert_eq!(
        fault_bytes(Fault::ResetMidHeaders, BODY_100),
        b"HTTP/1.1 200 OK\r\ncontent-ty"
    );
}

#[test]
fn fault_reset_mid_body() {
    let (head, body) = split_head(&fault_bytes(Fault::ResetMidBody, BODY_100));
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains("content-length: 100\r\n"), "{head}");
    assert_eq!(body, &BODY_100.as_bytes()[..50]);
}

#[test]
fn fault_truncated_body() {
    let (head, body) = split_head(&fault_bytes(Fault::TruncatedBody, BODY_100));
    assert!(head.contains("content-length: 100\r\n"), "{head}");
    assert_eq!(body, &BODY_100.as_bytes()[..95]);
}

#[test]
fn fault_close_after_response() {
    let s = server();
    s.enqueue(Reply::json(200, BODY_100).fault(Fault::CloseAfterResponse));
    let mut c = Client::connect(s.port());
    let r = c.get(ORG_PATH);
    assert_eq!(r.text(), BODY_100);
    assert_eq!(
        r.header("connection"),
        None,
        "must look like a keep-alive response"
    );
    // The pooled connection is dead: the next request finds EOF.
    let _ = c.send("GET", ORG_PATH, KEYS, b"");
    assert!(c.read_response().is_err());
    // A new connection works.
    assert_eq!(get(s.port(), ORG_PATH).text(), ORG_EXAMPLE);
    assert_eq!(s.connection_count(), 2);
}

#[test]
fn faults_from_json_and_after_delay() {
    let s = server();
    s.enqueue(
        Reply::from_json(r#"{"fault":"truncated_body","body":"abcdefghij","delay_ms":50}"#)
            .unwrap(),
    );
    let mut c = Client::connect(s.port());
    let start = Instant::now();
    c.send("GET", ORG_PATH, KEYS, b"").unwrap();
    let (_, body) = split_head(&c.read_to_eof());
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(body, b"abcde");
}

#[test]
fn gzip_replies_decode_to_the_original() {
    use flate2::read::GzDecoder;
    let s = server();
    s.enqueue(Reply::json(200, ORG_EXAMPLE).gzip());
    s.set_salesforce(Reply::json(200, SALESFORCE_EXAMPLE).gzip());
    let mut c = Client::connect(s.port());
    for (path, want) in [
        (ORG_PATH, ORG_EXAMPLE),
        (SALESFORCE_PATH, SALESFORCE_EXAMPLE),
    ] {
        let r = c.get(path);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_ne!(r.body, want.as_bytes());
        let mut plain = String::new();
        GzDecoder::new(&r.body[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, want);
    }
}

#[test]
fn keep_alive_reuses_one_connection() {
    let s = server();
    let mut c = Client::connect(s.port());
    assert_eq!(c.get(ORG_PATH).status, 200);
    assert_eq!(c.get(SALESFORCE_PATH).status, 200);
    assert_eq!(s.connection_count(), 1);
    assert_eq!(s.request_count(), 2);
    let _second = get(s.port(), ORG_PATH);
    assert_eq!(s.connection_count(), 2);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let s = server();
    s.enqueue(Reply::status(201));
    let mut stream = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    let one =
        "GET /api/v1/org/abcdef12345 HTTP/1.1\r\ndd-api-key: k\r\ndd-application-key: a\r\n\r\n";
    let last =
        "GET /nope HTTP/1.1\r\ndd-api-key: k\r\ndd-application-key: a\r\nconnection: close\r\n\r\n";
    stream
        .write_all(format!("{one}{one}{last}").as_bytes())
        .unwrap();
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    let statuses: Vec<&str> = all.split("HTTP/1.1 ").skip(1).map(|r| &r[..3]).collect();
    assert_eq!(statuses, ["201", "200", "404"]);
}

#[test]
fn request_bodies_are_discarded_including_chunked_and_expect_continue() {
    let s = server();
    let mut stream = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    stream
        .write_all(
            b"POST /x HTTP/1.1\r\ndd-api-key: k\r\ndd-application-key: a\r\n\
              transfer-encoding: chunked\r\n\r\n4\r\nGET \r\n0\r\n\r\n\
              POST /y HTTP/1.1\r\ndd-api-key: k\r\ndd-application-key: a\r\n\
              content-length: 5\r\nexpect: 100-continue\r\nconnection: close\r\n\r\nhello",
        )
        .unwrap();
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    assert!(all.starts_with("HTTP/1.1 404 Not Found\r\n"), "{all}");
    assert!(
        all.contains("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404"),
        "{all}"
    );
    let paths: Vec<String> = s.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/x", "/y"]);
}

#[test]
fn oversized_or_malformed_requests_are_closed() {
    let s = server();
    let mut stream = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    let mut req = b"GET /api/v1/org/x HTTP/1.1\r\n".to_vec();
    for i in 0..2000 {
        req.extend_from_slice(format!("x-filler-{i}: {}\r\n", "y".repeat(40)).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    assert!(req.len() > 64 * 1024);
    let _ = stream.write_all(&req);
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    assert!(all.is_empty());

    let mut stream = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    stream.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    assert!(all.is_empty());
    assert_eq!(s.request_count(), 0);
}

#[test]
fn requests_are_recorded_in_order_with_lowercased_headers() {
    let s = server();
    let mut c = Client::connect(s.port());
    c.request(
        "GET",
        "/api/v1/org/a%2Fb?q=1",
        &[
            ("DD-API-KEY", "k1"),
            ("DD-APPLICATION-KEY", "a1"),
            ("X-Thing", " v "),
        ],
        b"",
    );
    c.request("POST", SALESFORCE_PATH, KEYS, b"body");
    // Control requests are not recorded.
    c.request("GET", "/_fake/stats", &[], b"");
    let log = s.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(s.request_count(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/api/v1/org/a%2Fb?q=1");
    assert_eq!(log[0].header("dd-api-key"), Some("k1"));
    assert_eq!(log[0].header("X-THING"), Some("v"));
    assert_eq!(log[0].header("missing"), None);
    assert_eq!(
        log[0].headers,
        vec![
            ("host".to_string(), "fake".to_string()),
            ("dd-api-key".to_string(), "k1".to_string()),
            ("dd-application-key".to_string(), "a1".to_string()),
            ("x-thing".to_string(), "v".to_string()),
        ]
    );
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].header("content-length"), Some("4"));
    s.reset();
    assert!(s.requests().is_empty());
    assert_eq!(s.request_count(), 0);
    assert_eq!(s.connection_count(), 1);
}

#[test]
fn recording_can_be_turned_off() {
    let s = server();
    s.set_recording(false);
    get(s.port(), ORG_PATH);
    assert!(s.requests().is_empty());
    assert_eq!(s.request_count(), 1);
    s.set_recording(true);
    get(s.port(), ORG_PATH);
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn concurrent_connections_are_served_in_parallel() {
    let s = server();
    // A slow reply must not hold up other connections.
    s.enqueue(Reply::status(200).delay(Duration::from_millis(2000)));
    let mut slow = Client::connect(s.port());
    slow.send("GET", ORG_PATH, KEYS, b"").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let start = Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let port = s.port();
            std::thread::spawn(move || {
                let mut c = Client::connect(port);
                for _ in 0..20 {
                    assert_eq!(c.get(ORG_PATH).status, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Generous bound: the machine may be busy; serial service would take 2s+.
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(slow.read_response().unwrap().status, 200);
    assert_eq!(s.request_count(), 161);
}

#[test]
fn drop_stops_the_server_and_closes_idle_connections() {
    let s = server();
    let port = s.port();
    let mut idle = Client::connect(port);
    assert_eq!(idle.get(ORG_PATH).status, 200);
    drop(s);
    // The kept-alive connection is shut down...
    assert!(idle.read_to_eof().is_empty());
    // ...and nobody accepts new ones.
    let refused = TcpStream::connect(("127.0.0.1", port))
        .and_then(|mut c| {
            c.set_read_timeout(Some(Duration::from_secs(5)))?;
            c.write_all(b"GET / HTTP/1.1\r\n\r\n")?;
            let mut buf = [0u8; 1];
            match c.read(&mut buf)? {
                0 => Err(std::io::Error::other("closed")),
                _ => Ok(()),
            }
        })
        .is_err();
    assert!(refused);
}

#[test]
fn start_on_a_chosen_address() {
    let s = FakeServer::start_on("127.0.0.1:0").unwrap();
    assert_eq!(get(s.port(), ORG_PATH).status, 200);
    assert!(FakeServer::start_on("not an address").is_err());
}

#[test]
fn throughput_sanity_2000_keep_alive_requests() {
    let s = server();
    let mut c = Client::connect(s.port());
    let start = Instant::now();
    for i in 0..2000 {
        let path = if i % 2 == 0 {
            ORG_PATH
        } else {
            SALESFORCE_PATH
        };
        let r = c.get(path);
        assert_eq!(r.status, 200);
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "2000 keep-alive requests in {:.3}s: {:.0} req/s (1 connection, 1 client thread)",
        secs,
        2000.0 / secs
    );
    assert_eq!(s.request_count(), 2000);
    assert_eq!(s.connection_count(), 1);
}

#[test]
fn a_reply_with_only_a_delay_passes_the_usual_answer_through() {
    let s = server();
    s.enqueue(Reply::from_json(r#"{"delay_ms": 150, "headers": {"x-extra": "1"}}"#).unwrap());
    let started = Instant::now();
    let r = get(s.port(), ORG_PATH);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), ORG_EXAMPLE);
    assert_eq!(r.header("x-ratelimit-name"), Some("org_get"));
    assert_eq!(r.header("x-extra"), Some("1"));

    // It passes through whatever the request would have got: a persistent reply, a 404.
    s.set_org("gone", Reply::errors(404, &["Organization not found"]));
    s.enqueue(
        Reply::passthrough()
            .delay(Duration::from_millis(1))
            .repeat(2),
    );
    assert_eq!(get(s.port(), "/api/v1/org/gone").status, 404);
    assert_eq!(get(s.port(), "/api/v1/nothing/here").status, 404);
    assert_eq!(get(s.port(), SALESFORCE_PATH).text(), SALESFORCE_EXAMPLE);

    // A body setting without a body is a mistake, not a passthrough.
    assert!(Reply::from_json(r#"{"gzip": true}"#)
        .unwrap_err()
        .contains("needs a body"));
    // A status alone is still an empty reply of that status.
    s.enqueue(Reply::from_json(r#"{"status": 200}"#).unwrap());
    assert_eq!(get(s.port(), ORG_PATH).text(), "");
}
