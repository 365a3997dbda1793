//! Shared set-up for the integration tests: a fake Datadog and a client pointed at it.
#![allow(dead_code)]

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ddorg_core::{Client, ClientBuilder};
use ddorg_fake::FakeServer;

pub const API_KEY: &str = "test-api-key-0123456789abcdef";
pub const APP_KEY: &str = "test-app-key-fedcba9876543210";

/// Records every retry wait instead of sleeping, so retry tests run instantly.
#[derive(Clone, Default)]
pub struct Waits(pub Arc<Mutex<Vec<Duration>>>);

impl Waits {
    pub fn all(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A builder aimed at `fake`, with both keys and a sleeper that only records.
pub fn builder(fake: &FakeServer, waits: &Waits) -> ClientBuilder {
    let w = waits.clone();
    Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(fake.base_url())
        .sleeper(move |d: Duration| {
            w.0.lock().unwrap().push(d);
            ControlFlow::Continue(())
        })
}

/// A fake and a default client aimed at it.
pub fn setup() -> (FakeServer, Client, Waits) {
    let fake = FakeServer::start().expect("fake server starts");
    let waits = Waits::default();
    let client = builder(&fake, &waits).build().expect("client builds");
    (fake, client, waits)
}
