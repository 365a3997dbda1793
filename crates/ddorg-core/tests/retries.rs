//! The retry rules, counted by the fake's request log; waits are recorded, never slept.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{builder, setup, Waits};
use ddorg_core::{ErrorKind, RetryPolicy};
use ddorg_fake::{FakeServer, Fault, Reply};

fn rate_limited(reset: u64) -> Reply {
    Reply::errors(429, &["Too many requests"]).rate_limit(100, 60, 0, reset, "org_get")
}

#[test]
fn org_get_retries_429_honoring_reset() {
    let (fake, client, waits) = setup();
    fake.enqueue(rate_limited(7).repeat(2));
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(resp.attempts(), 3);
    assert_eq!(fake.request_count(), 3);
    assert_eq!(
        waits.all(),
        [Duration::from_secs(7), Duration::from_secs(7)]
    );
}

#[test]
fn rate_limit_waits_are_capped() {
    let fake = FakeServer::start().unwrap();
    let waits = Waits::default();
    let client = builder(&fake, &waits)
        .retry_policy(RetryPolicy::default().max_rate_limit_wait(Duration::from_secs(2)))
        .build()
        .unwrap();
    fake.enqueue(rate_limited(3600));
    client.get_org("abcdef12345").unwrap();
    assert_eq!(waits.all(), [Duration::from_secs(2)]);
}

#[test]
fn persistent_429_is_rate_limited_with_details_and_attempt_count() {
    let (fake, client, waits) = setup();
    fake.enqueue(rate_limited(1).repeat(10));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.attempts(), 4, "1 attempt + 3 retries by default");
    assert_eq!(fake.request_count(), 4);
    assert_eq!(waits.all().len(), 3);
    assert_eq!(err.rate_limit().unwrap().reset, Some(1));
    assert_eq!(err.errors(), ["Too many requests"]);
}

#[test]
fn transient_5xx_are_retried_with_growing_backoff() {
    for status in [500, 502, 503, 504] {
        let fake = FakeServer::start().unwrap();
        let waits = Waits::default();
        let client = builder(&fake, &waits)
            .retry_policy(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(100))
                    .max_retries(3),
            )
            .build()
            .unwrap();
        fake.enqueue(Reply::errors(status, &["oops"]).repeat(3));
        let resp = client.list_salesforce_organizations().unwrap();
        assert_eq!(resp.attempts(), 4, "{status}");
        let w = waits.all();
        assert_eq!(w.len(), 3);
        for (i, d) in w.iter().enumerate() {
            let full = Duration::from_millis(100 << i);
            assert!(*d >= full / 2 && *d <= full, "{status}: wait {i} = {d:?}");
        }
    }
}

#[test]
fn persistent_5xx_is_a_server_error_after_the_retries() {
    let (fake, client, _) = setup();
    fake.enqueue(Reply::errors(503, &["Service Unavailable"]).repeat(10));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), 4);
}

#[test]
fn other_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 418, 501] {
        let (fake, client, waits) = setup();
        fake.enqueue(Reply::errors(status, &["no"]).repeat(5));
        let err = client.get_org("abcdef12345").unwrap_err();
        assert_eq!(err.attempts(), 1, "{status}");
        assert_eq!(fake.request_count(), 1, "{status}");
        assert!(waits.all().is_empty());
    }
}

#[test]
fn decode_errors_are_not_retried() {
    let (fake, client, _) = setup();
    fake.enqueue(Reply::json(200, "not json").repeat(5));
    assert_eq!(
        client.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::Decode
    );
    assert_eq!(fake.request_count(), 1);
}

#[test]
fn connection_failures_are_retried() {
    let (fake, client, waits) = setup();
    fake.enqueue(Reply::json(200, "{}").fault(Fault::CloseWithoutResponse));
    fake.enqueue(Reply::json(200, "{}").fault(Fault::ResetMidBody));
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(resp.attempts(), 3);
    assert_eq!(waits.all().len(), 2);
}

#[test]
fn max_retries_zero_makes_exactly_one_attempt() {
    let fake = FakeServer::start().unwrap();
    let client = builder(&fake, &Waits::default())
        .max_retries(0)
        .build()
        .unwrap();
    fake.enqueue(Reply::errors(503, &["down"]).repeat(5));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(fake.request_count(), 1);
}

#[test]
fn a_wait_that_would_pass_the_deadline_is_not_taken() {
    let fake = FakeServer::start().unwrap();
    let waits = Waits::default();
    let client = builder(&fake, &waits)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    fake.enqueue(rate_limited(30).repeat(5));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.attempts(), 1);
    assert!(waits.all().is_empty());
}

#[test]
fn a_sleeper_that_breaks_abandons_the_retries() {
    let fake = FakeServer::start().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let client = ddorg_core::Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .sleeper(move |_d: Duration| {
            seen.fetch_add(1, Ordering::SeqCst);
            ControlFlow::Break(())
        })
        .build()
        .unwrap();
    fake.enqueue(rate_limited(5).repeat(5));
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.attempts(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn real_sleeps_are_used_by_default() {
    let fake = FakeServer::start().unwrap();
    let client = ddorg_core::Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(40)))
        .build()
        .unwrap();
    fake.enqueue(Reply::errors(503, &["down"]));
    let started = std::time::Instant::now();
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(resp.attempts(), 2, "the 503 was retried");
    assert_eq!(fake.request_count(), 2);
    // Equal jitter waits at least half the 40 ms backoff: a lower bound, so never flaky. With no
    // sleeper injected, only a real sleep can account for it.
    assert!(started.elapsed() >= Duration::from_millis(20));
}
