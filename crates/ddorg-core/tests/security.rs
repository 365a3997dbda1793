//! Keys never leave for another host and never appear in any output.

mod common;

use std::sync::Mutex;

use common::{builder, setup, Waits, API_KEY, APP_KEY};
use ddorg_core::{Client, ErrorKind};
use ddorg_fake::{FakeServer, Fault, Reply};

#[test]
fn a_redirect_to_another_host_is_refused_and_keys_never_reach_it() {
    let (fake, client, _) = setup();
    let elsewhere = FakeServer::start().unwrap();
    for status in [301, 302, 303, 307, 308] {
        fake.enqueue(Reply::redirect(
            status,
            &format!("{}/api/v1/org/abcdef12345", elsewhere.base_url()),
        ));
        let err = client.get_org("abcdef12345").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedStatus, "{status}");
        assert_eq!(err.status(), Some(status));
        assert!(err.to_string().contains("redirect"), "{err}");
    }
    assert_eq!(
        elsewhere.request_count(),
        0,
        "the second host was never contacted"
    );
    // A relative redirect on the same host is refused the same way: Datadog never redirects API calls.
    fake.enqueue(Reply::redirect(302, "/api/v1/org/other"));
    assert_eq!(
        client.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::UnexpectedStatus
    );
    assert_eq!(fake.request_count(), 6);
}

struct Capture(Mutex<Vec<String>>);
impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, r: &log::Record) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", r.target(), r.args()));
    }
    fn flush(&self) {}
}
static LOGS: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn keys_never_appear_in_debug_display_errors_or_logs() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let fake = FakeServer::start().unwrap();
    let waits = Waits::default();
    let client = builder(&fake, &waits).build().unwrap();
    let mut outputs = vec![
        format!("{client:?}"),
        format!("{:?}", builder(&fake, &waits)),
    ];

    let replies = [
        Reply::errors(400, &["bad"]),
        Reply::errors(401, &["no"]),
        Reply::errors(403, &["Forbidden"]),
        Reply::errors(404, &["Not found"]),
        Reply::errors(429, &["slow down"])
            .rate_limit(1, 1, 0, 0, "x")
            .repeat(4),
        Reply::errors(503, &["down"]).repeat(4),
        Reply::errors(418, &["teapot"]),
        Reply::json(200, "not json"),
        Reply::json(200, ddorg_fake::ORG_EXAMPLE)
            .fault(Fault::ResetMidBody)
            .repeat(4),
        Reply::redirect(302, "http://127.0.0.1:1/x"),
        Reply::json(
            200,
            &format!(r#"{{"org":{{"description":"{}"}}}}"#, "x".repeat(64)),
        ),
    ];
    let small = builder(&fake, &waits).max_body_size(32).build().unwrap();
    for (i, reply) in replies.into_iter().enumerate() {
        fake.enqueue(reply);
        let c = if i == 10 { &small } else { &client };
        let err = c.get_org("abcdef12345").unwrap_err();
        outputs.push(format!("{err} {err:?}"));
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            outputs.push(format!("{s} {s:?}"));
            source = s.source();
        }
    }
    let ok = client.get_org("abcdef12345").unwrap();
    outputs.push(format!("{ok:?}"));
    for bad in [
        Client::builder()
            .api_key(format!("{API_KEY}\n"))
            .app_key(APP_KEY)
            .build(),
        Client::builder()
            .api_key(API_KEY)
            .app_key(format!("{APP_KEY}\r"))
            .build(),
        Client::builder()
            .api_key(API_KEY)
            .app_key(APP_KEY)
            .base_url("http://example.com")
            .build(),
        Client::builder()
            .api_key(API_KEY)
            .app_key(APP_KEY)
            .base_url("http://127.0.0.1:1")
            .max_retries(0)
            .build()
            .and_then(|c| c.get_org("x").map(|_| c)),
    ] {
        outputs.push(format!("{:?}", bad.unwrap_err()));
    }
    let logs = LOGS.0.lock().unwrap().clone();
    assert!(
        logs.iter().any(|l| l.contains("retrying")),
        "retry decisions are logged"
    );
    assert!(
        logs.iter().any(|l| l.contains("attempt")),
        "attempts are logged"
    );
    outputs.extend(logs);
    for out in &outputs {
        assert!(!out.contains(API_KEY), "API key leaked: {out}");
        assert!(!out.contains(APP_KEY), "app key leaked: {out}");
    }
}
