//! `Client::from_env` and the proxy variables, one behaviour per test. The environment is
//! process-wide, so every test holds one lock while it sets variables, and starts from none.
//! Nothing here leaves the machine: every address is a loopback fake (or `0.0.0.0`, which is
//! this host but not a loopback name, so the proxy rules apply to it).

use std::sync::{Mutex, MutexGuard};

use ddorg_core::{Client, ClientBuilder, ErrorKind, Site};
use ddorg_fake::FakeServer;

const VARS: &[&str] = &[
    "DD_API_KEY",
    "DD_APP_KEY",
    "DD_SITE",
    "DDORG_BASE_URL",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Holds the environment for one test, cleared of every variable ddorg reads.
struct Env(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Env {
    fn clean() -> Env {
        static LOCK: Mutex<()> = Mutex::new(());
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        for v in VARS {
            std::env::remove_var(v);
        }
        Env(guard)
    }

    fn set(&self, name: &str, value: &str) -> &Env {
        std::env::set_var(name, value);
        self
    }

    fn keys(&self) -> &Env {
        self.set("DD_API_KEY", "env-api-key")
            .set("DD_APP_KEY", "env-app-key")
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for v in VARS {
            std::env::remove_var(v);
        }
    }
}

#[test]
fn a_missing_api_key_is_a_config_error_naming_dd_api_key() {
    let _env = Env::clean();
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DD_API_KEY"), "{err}");
}

#[test]
fn a_missing_app_key_is_a_config_error_naming_dd_app_key() {
    let env = Env::clean();
    env.set("DD_API_KEY", "env-api-key");
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DD_APP_KEY"), "{err}");
}

#[test]
fn dd_site_picks_the_api_host() {
    let env = Env::clean();
    env.keys().set("DD_SITE", "us5.datadoghq.com");
    let c = Client::from_env().unwrap();
    assert_eq!(c.base_url(), "https://api.us5.datadoghq.com");
    assert_eq!(c.site(), Some(Site::Us5));
}

#[test]
fn an_unknown_dd_site_is_a_config_error_listing_the_sites() {
    let env = Env::clean();
    env.keys().set("DD_SITE", "datadoghq.moon");
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DD_SITE"), "{err}");
    assert!(err.to_string().contains("ap1.datadoghq.com"), "{err}");
}

#[test]
fn a_site_or_base_url_set_in_code_makes_a_bad_dd_site_irrelevant() {
    let env = Env::clean();
    env.keys().set("DD_SITE", "datadoghq.moon");
    let c = ClientBuilder::from_env().site(Site::Us3).build().unwrap();
    assert_eq!(c.base_url(), "https://api.us3.datadoghq.com");
    let c = ClientBuilder::from_env()
        .base_url("https://dd.example.com")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://dd.example.com");
}

#[test]
fn ddorg_base_url_wins_over_dd_site_and_the_keys_are_sent() {
    let fake = FakeServer::start().unwrap();
    let env = Env::clean();
    env.keys()
        .set("DD_SITE", "datadoghq.eu")
        .set("DDORG_BASE_URL", &fake.base_url());
    let c = Client::from_env().unwrap();
    assert_eq!(c.base_url(), fake.base_url());
    assert_eq!(c.site(), None);
    c.get_org("abcdef12345").unwrap();
    let r = &fake.requests()[0];
    assert_eq!(r.header("dd-api-key"), Some("env-api-key"));
    assert_eq!(r.header("dd-application-key"), Some("env-app-key"));
}

#[test]
fn builder_settings_win_over_the_environment() {
    let fake = FakeServer::start().unwrap();
    let env = Env::clean();
    env.keys().set("DDORG_BASE_URL", &fake.base_url());
    let c = ClientBuilder::from_env()
        .base_url("https://api.datadoghq.eu")
        .api_key("code-api-key")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://api.datadoghq.eu");
    assert_eq!(fake.request_count(), 0, "building makes no request");
}

#[test]
fn https_proxy_is_used_for_a_host_that_is_not_loopback() {
    let proxy = FakeServer::start().unwrap();
    let env = Env::clean();
    env.keys().set("HTTPS_PROXY", &proxy.base_url());
    // 0.0.0.0 is this machine, but not a loopback name: the proxy applies to it.
    let c = ClientBuilder::from_env()
        .base_url("https://0.0.0.0:9")
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(
        c.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::Network
    );
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].path, "0.0.0.0:9");
}

#[test]
fn no_proxy_exempts_a_host_from_https_proxy() {
    let proxy = FakeServer::start().unwrap();
    let env = Env::clean();
    env.keys()
        .set("HTTPS_PROXY", &proxy.base_url())
        .set("NO_PROXY", "0.0.0.0");
    let c = ClientBuilder::from_env()
        .base_url("https://0.0.0.0:9")
        .max_retries(0)
        .build()
        .unwrap();
    // Straight to 0.0.0.0:9, where nothing listens: refused, and the proxy never hears of it.
    assert_eq!(
        c.get_org("abcdef12345").unwrap_err().kind(),
        ErrorKind::Network
    );
    assert_eq!(
        proxy.request_count(),
        0,
        "the NO_PROXY host went through the proxy"
    );
}

#[test]
fn loopback_base_urls_ignore_https_proxy() {
    let fake = FakeServer::start().unwrap();
    let proxy = FakeServer::start().unwrap();
    let env = Env::clean();
    env.keys()
        .set("HTTPS_PROXY", &proxy.base_url())
        .set("DDORG_BASE_URL", &fake.base_url());
    Client::from_env().unwrap().get_org("abcdef12345").unwrap();
    assert_eq!(proxy.request_count(), 0);
    assert_eq!(fake.request_count(), 1);
}
