//! Every failure a response or a connection can produce ends in the right typed error.

mod common;

use std::time::{Duration, Instant};

use common::{builder, Waits};
use ddorg_core::ErrorKind;
use ddorg_fake::{FakeServer, Fault, Reply};

fn no_retry_client(fake: &FakeServer) -> ddorg_core::Client {
    builder(fake, &Waits::default())
        .max_retries(0)
        .build()
        .unwrap()
}

#[test]
fn client_errors_map_to_their_kinds_with_datadog_messages() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    for (status, kind) in [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Unauthorized),
        (403, ErrorKind::Forbidden),
        (404, ErrorKind::NotFound),
        (405, ErrorKind::UnexpectedStatus),
        (418, ErrorKind::UnexpectedStatus),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (501, ErrorKind::Server),
        (503, ErrorKind::Server),
    ] {
        fake.enqueue(Reply::errors(status, &["first problem", "second problem"]));
        let err = client.get_org("abcdef12345").unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.errors(), ["first problem", "second problem"]);
        assert_eq!(err.attempts(), 1);
        let line = err.to_string();
        assert!(line.contains(&format!("HTTP {status}")), "{line}");
        assert!(line.contains("first problem; second problem"), "{line}");
        assert!(!line.contains('\n'));
    }
}

#[test]
fn error_statuses_without_a_body_or_with_another_shape_still_type_correctly() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    fake.enqueue(Reply::status(404));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.errors().is_empty());
    assert_eq!(err.to_string(), "not found (HTTP 404)");

    fake.enqueue(Reply::json(
        403,
        r#"{"errors":[{"status":"403","title":"Forbidden","detail":"Missing integrations_read"}]}"#,
    ));
    let err = client.list_salesforce_organizations().unwrap_err();
    assert_eq!(err.errors(), ["Forbidden: Missing integrations_read"]);

    fake.enqueue(Reply::status(502).content_type("text/html").body(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
    ));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.errors().len(), 1);
    assert!(
        err.errors()[0].starts_with("502 Bad Gateway"),
        "{:?}",
        err.errors()
    );
    assert!(!err.errors()[0].contains('<'));
}

#[test]
fn bodies_that_are_not_the_documented_json_are_decode_errors() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    let cases: [(Reply, &str); 7] = [
        (
            Reply::status(200)
                .content_type("text/html")
                .body("<html>hi</html>"),
            "text/html",
        ),
        (Reply::status(200), "empty response body"),
        (Reply::json(200, r#"{"org": {"name": "x""#), "EOF"),
        (Reply::json(200, "not json"), "expected"),
        (Reply::json(200, "[1, 2]"), "invalid type"),
        (
            Reply::json(200, r#"{"org": {"trial": "yes"}}"#),
            "`org.trial`",
        ),
        (
            Reply::json(200, r#"{"org": {"settings": {"saml": {"enabled": 1}}}}"#),
            "`org.settings.saml.enabled`",
        ),
    ];
    for (reply, needle) in cases {
        fake.enqueue(reply);
        let err = client.get_org("abcdef12345").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{needle}: {err}");
        assert_eq!(err.status(), Some(200));
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

#[test]
fn missing_required_fields_name_the_json_path() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    fake.enqueue(Reply::json(200, r#"{"links": {}}"#));
    let err = client.list_salesforce_organizations().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("missing field `data`"), "{err}");
    fake.enqueue(Reply::json(200, r#"{"data":[{"id":"a","type":"salesforce-incidents-org","attributes":{}},{"type":"salesforce-incidents-org","attributes":{}}]}"#));
    let err = client.list_salesforce_organizations().unwrap_err();
    assert!(err.to_string().contains("data[1]"), "{err}");
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}

#[test]
fn deeply_nested_json_is_a_decode_error_not_a_stack_overflow() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    let deep = format!(
        r#"{{"org":{{"x":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    fake.enqueue(Reply::json(200, &deep));
    assert_eq!(
        client.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[test]
fn a_corrupt_gzip_body_is_a_decode_error() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    fake.enqueue(
        Reply::status(200)
            .header("content-encoding", "gzip")
            .content_type("application/json")
            .body(&b"\x1f\x8b\x08\x00garbage-not-deflate"[..]),
    );
    let err = client.get_org("abcdef12345").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode), "{err:?}");
}

#[test]
fn a_body_over_the_cap_is_response_too_large() {
    let fake = FakeServer::start().unwrap();
    let client = builder(&fake, &Waits::default())
        .max_body_size(1024)
        .build()
        .unwrap();
    let big = format!(r#"{{"org":{{"description":"{}"}}}}"#, "x".repeat(4096));
    fake.enqueue(Reply::json(200, &big));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert!(err.to_string().contains("1024"), "{err}");
    // The same limit applies after decompression: a small gzip body that inflates past it.
    fake.enqueue(Reply::json(200, &big).gzip());
    assert_eq!(
        client.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
}

#[test]
fn a_slow_server_is_a_timeout_well_before_it_answers() {
    let fake = FakeServer::start().unwrap();
    let client = builder(&fake, &Waits::default())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    fake.enqueue(Reply::json(200, ddorg_fake::ORG_EXAMPLE).delay(Duration::from_secs(10)));
    let started = Instant::now();
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_refused_port_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = ddorg_core::Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err:?}");
    assert_eq!(err.status(), None);
}

#[test]
fn connection_faults_are_network_errors() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    for fault in [
        Fault::CloseWithoutResponse,
        Fault::ResetMidHeaders,
        Fault::ResetMidBody,
        Fault::TruncatedBody,
    ] {
        fake.enqueue(Reply::json(200, ddorg_fake::ORG_EXAMPLE).fault(fault));
        let err = client.get_org("abcdef12345").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Network, "{fault:?}: {err:?}");
    }
}

#[test]
fn a_connection_closed_between_calls_does_not_fail_the_next_call() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    fake.enqueue(Reply::json(200, ddorg_fake::ORG_EXAMPLE).fault(Fault::CloseAfterResponse));
    client.get_org("abcdef12345").unwrap();
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(
        resp.org.as_ref().unwrap().name.as_deref(),
        Some("New child org")
    );
}

#[test]
fn rate_limit_info_is_kept_on_errors() {
    let fake = FakeServer::start().unwrap();
    let client = no_retry_client(&fake);
    fake.enqueue(Reply::errors(429, &["Too many requests"]).rate_limit(100, 60, 0, 17, "org_get"));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let rl = err.rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.period, rl.remaining, rl.reset),
        (Some(100), Some(60), Some(0), Some(17))
    );
    assert_eq!(rl.name.as_deref(), Some("org_get"));
}
