//! Pacing by the rate-limit headers, against the fake's Datadog-like limits: a spent window is
//! waited for, never sent into a 429, and clients given one pacer share their key's budget.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{builder, Waits, API_KEY, APP_KEY};
use ddorg_core::{Client, ClientBuilder, ErrorKind, Pacer};
use ddorg_fake::FakeServer;

/// The fake's windows in these tests: short, so a real wait for one is short too.
const PERIOD: u64 = 2;

/// A sleeper that records each wait and really waits it, so the fake's window really ends.
fn sleeping(fake: &FakeServer, waits: &Waits, api_key: &str) -> ClientBuilder {
    let w = waits.clone();
    Client::builder()
        .api_key(api_key)
        .app_key(APP_KEY)
        .base_url(fake.base_url())
        .sleeper(move |d: Duration| {
            w.0.lock().unwrap().push(d);
            std::thread::sleep(d);
            ControlFlow::Continue(())
        })
}

#[test]
fn a_spent_window_is_waited_for_instead_of_sent_into_a_429() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(1, PERIOD);
    let waits = Waits::default();
    let client = sleeping(&fake, &waits, API_KEY).build().unwrap();
    client.get_org("abcdef12345").unwrap();
    let second = client.get_org("abcdef12345").unwrap();
    assert_eq!(second.attempts(), 1, "sent once, after the wait");
    assert_eq!(fake.rate_limited_count(), 0);
    assert_eq!(fake.request_count(), 2);
    let w = waits.all();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0] > Duration::ZERO && w[0] <= Duration::from_secs(PERIOD + 1),
        "{w:?}"
    );
}

#[test]
fn a_wait_past_the_deadline_is_a_rate_limited_error_and_nothing_is_sent() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(1, 3600);
    let waits = Waits::default();
    let client = builder(&fake, &waits)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    client.get_org("abcdef12345").unwrap();
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!((err.status(), err.attempts()), (None, 0));
    assert!(err.message().starts_with("not sent:"), "{err}");
    assert!(err.message().contains("deadline"), "{err}");
    let rl = err.rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.period, rl.remaining),
        (Some(1), Some(3600), Some(0))
    );
    assert_eq!(fake.request_count(), 1, "the second call sent nothing");
    assert_eq!(fake.rate_limited_count(), 0);
    assert!(waits.all().is_empty());
    // Each endpoint has its own budget.
    client.list_salesforce_organizations().unwrap();
}

#[test]
fn clients_given_one_pacer_share_the_budget_of_their_key_only() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(1, PERIOD);
    let pacer = Pacer::new();
    let (first_waits, second_waits, other_waits) =
        (Waits::default(), Waits::default(), Waits::default());
    let first = sleeping(&fake, &first_waits, API_KEY)
        .pacer(pacer.clone())
        .build()
        .unwrap();
    let second = sleeping(&fake, &second_waits, API_KEY)
        .pacer(pacer.clone())
        .build()
        .unwrap();
    let other = sleeping(&fake, &other_waits, "another-api-key-0123")
        .pacer(pacer)
        .build()
        .unwrap();
    first.get_org("abcdef12345").unwrap();
    other.get_org("abcdef12345").unwrap();
    assert!(
        other_waits.all().is_empty(),
        "another key has its own budget"
    );
    assert_eq!(second.get_org("abcdef12345").unwrap().attempts(), 1);
    assert_eq!(second_waits.all().len(), 1, "the shared budget was spent");
    assert!(first_waits.all().is_empty());
    assert_eq!(fake.rate_limited_count(), 0);
}

#[test]
fn clones_share_their_clients_pacer_across_threads() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(4, PERIOD);
    let waits = Waits::default();
    let client = sleeping(&fake, &waits, API_KEY).build().unwrap();
    // The first answer tells the budget: three left in this window.
    client.get_org("abcdef12345").unwrap();
    std::thread::scope(|s| {
        for _ in 0..6 {
            let c = client.clone();
            s.spawn(move || c.get_org("abcdef12345").unwrap());
        }
    });
    assert_eq!(fake.rate_limited_count(), 0);
    assert_eq!(fake.request_count(), 7);
    assert!(!waits.all().is_empty(), "three waited for the next window");
}

#[test]
fn a_pacer_for_many_clients_sends_a_keys_first_request_alone() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(2, PERIOD);
    let pacer = Pacer::new();
    let waits = Waits::default();
    let clients: Vec<Client> = (0..6)
        .map(|_| {
            sleeping(&fake, &waits, API_KEY)
                .pacer(pacer.clone())
                .build()
                .unwrap()
        })
        .collect();
    std::thread::scope(|s| {
        for c in &clients {
            s.spawn(move || c.get_org("abcdef12345").unwrap());
        }
    });
    assert_eq!(fake.rate_limited_count(), 0, "no burst into the limit");
    assert_eq!(fake.request_count(), 6);
}

#[test]
fn a_clients_own_pacer_does_not_hold_back_its_first_concurrent_calls() {
    let fake = FakeServer::start().unwrap();
    fake.set_org(
        "slow",
        ddorg_fake::Reply::json(200, r#"{"org":{}}"#).delay(Duration::from_secs(1)),
    );
    let client = Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let answered = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            let (c, answered) = (client.clone(), &answered);
            s.spawn(move || {
                c.get_org("slow").unwrap();
                answered.fetch_add(1, Ordering::SeqCst);
            });
        }
        while fake.request_count() < 4 {
            std::thread::sleep(Duration::from_millis(5));
        }
        // All four reached the fake before any was answered: none waited for a first answer.
        assert_eq!(answered.load(Ordering::SeqCst), 0);
    });
}
