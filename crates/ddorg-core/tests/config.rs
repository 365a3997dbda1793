//! Configuration problems are `Config` errors found before any request.

mod common;

use ddorg_core::{Client, ErrorKind, Site};
use ddorg_fake::FakeServer;

#[test]
fn missing_keys_fail_before_any_request() {
    let fake = FakeServer::start().unwrap();
    for (api, app) in [
        (None, Some("k")),
        (Some("k"), None),
        (None, None),
        (Some(""), Some("k")),
    ] {
        let mut b = Client::builder().base_url(fake.base_url());
        if let Some(k) = api {
            b = b.api_key(k);
        }
        if let Some(k) = app {
            b = b.app_key(k);
        }
        let err = b.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert_eq!(err.attempts(), 0);
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn keys_with_control_characters_are_config_errors() {
    for bad in ["abc\r\nX-Injected: 1", "abc\n", "a\tb", "a\0b"] {
        let err = Client::builder()
            .api_key(bad)
            .app_key("ok")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad:?}");
        assert!(!err.to_string().contains("Injected"));
        let err = Client::builder()
            .api_key("ok")
            .app_key(bad)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad:?}");
    }
}

#[test]
fn each_site_resolves_to_its_documented_api_host() {
    let expected = [
        (Site::Us1, "https://api.datadoghq.com"),
        (Site::Us3, "https://api.us3.datadoghq.com"),
        (Site::Us5, "https://api.us5.datadoghq.com"),
        (Site::Ap1, "https://api.ap1.datadoghq.com"),
        (Site::Ap2, "https://api.ap2.datadoghq.com"),
        (Site::Uk1, "https://api.uk1.datadoghq.com"),
        (Site::Eu1, "https://api.datadoghq.eu"),
        (Site::Gov, "https://api.ddog-gov.com"),
        (Site::Gov2, "https://api.us2.ddog-gov.com"),
    ];
    for (site, url) in expected {
        let c = Client::builder()
            .api_key("k")
            .app_key("k")
            .site(site)
            .build()
            .unwrap();
        assert_eq!(c.base_url(), url);
        assert_eq!(c.site(), Some(site));
    }
    let c = Client::builder().api_key("k").app_key("k").build().unwrap();
    assert_eq!(c.base_url(), "https://api.datadoghq.com");
}

#[test]
fn unsafe_base_urls_and_bad_proxies_are_config_errors() {
    for url in [
        "http://api.datadoghq.com",
        "http://192.168.1.10:8080",
        "https://user:pass@api.datadoghq.com",
        "api.datadoghq.com",
    ] {
        let err = Client::builder()
            .api_key("k")
            .app_key("k")
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(!err.to_string().contains("pass@"), "{err}");
    }
    let err = Client::builder()
        .api_key("k")
        .app_key("k")
        .proxy("::not a proxy::")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[test]
fn zero_and_overflowing_timeouts_are_config_errors() {
    let err = Client::builder()
        .api_key("k")
        .app_key("k")
        .timeout(std::time::Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    for huge in [
        std::time::Duration::MAX,
        std::time::Duration::from_secs(366 * 86_400),
    ] {
        let err = Client::builder()
            .api_key("k")
            .app_key("k")
            .timeout(huge)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let err = Client::builder()
            .api_key("k")
            .app_key("k")
            .connect_timeout(huge)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }
}

#[test]
fn user_agent_can_be_replaced_and_appended() {
    let fake = FakeServer::start().unwrap();
    let c = Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .user_agent("ddorg-python/0.1.0")
        .append_user_agent("audit-bot/2.0")
        .build()
        .unwrap();
    c.get_org("abcdef12345").unwrap();
    assert_eq!(
        fake.requests()[0].header("user-agent"),
        Some("ddorg-python/0.1.0 audit-bot/2.0")
    );
}

#[test]
fn a_configured_proxy_is_used_for_https_sites() {
    // The fake plays the proxy: the client must ask it to CONNECT to the real API host, and the
    // keys must not be visible to it (they travel inside the TLS tunnel, which never opens here).
    let proxy = FakeServer::start().unwrap();
    let client = Client::builder()
        .api_key("proxy-test-api-key")
        .app_key("proxy-test-app-key")
        .site(Site::Eu1)
        .proxy(proxy.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err:?}");
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].method, "CONNECT");
    assert_eq!(reqs[0].path, "api.datadoghq.eu:443");
    assert!(reqs[0]
        .headers
        .iter()
        .all(|(_, v)| !v.contains("proxy-test")));
}

#[test]
fn loopback_base_urls_never_use_the_proxy() {
    let fake = FakeServer::start().unwrap();
    let proxy = FakeServer::start().unwrap();
    let client = Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .proxy(proxy.base_url())
        .build()
        .unwrap();
    client.get_org("abcdef12345").unwrap();
    assert_eq!(proxy.request_count(), 0);
    assert_eq!(fake.request_count(), 1);
}

#[test]
fn every_option_reads_back_from_the_client() {
    let c = Client::builder()
        .api_key("k")
        .app_key("k")
        .site(Site::Ap2)
        .timeout(std::time::Duration::from_secs(7))
        .connect_timeout(std::time::Duration::from_secs(3))
        .max_retries(5)
        .max_body_size(1024)
        .user_agent("a/1")
        .append_user_agent("b/2")
        .build()
        .unwrap();
    assert_eq!(c.site(), Some(Site::Ap2));
    assert_eq!(c.base_url(), "https://api.ap2.datadoghq.com");
    assert_eq!(c.timeout(), std::time::Duration::from_secs(7));
    assert_eq!(c.connect_timeout(), std::time::Duration::from_secs(3));
    assert_eq!(c.max_retries(), 5);
    assert_eq!(c.retry_policy().retries(), 5);
    assert_eq!(c.max_body_size(), 1024);
    assert_eq!(c.user_agent(), "a/1 b/2");
}

#[test]
fn a_zero_body_cap_is_a_config_error_before_any_request() {
    let fake = FakeServer::start().unwrap();
    let err = Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .max_body_size(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("at least 1 byte"), "{err}");
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn timeouts_of_exactly_365_days_are_accepted() {
    let c = Client::builder()
        .api_key("k")
        .app_key("k")
        .timeout(ddorg_core::limits::MAX_TIMEOUT)
        .connect_timeout(ddorg_core::limits::MAX_TIMEOUT)
        .build()
        .unwrap();
    assert_eq!(c.timeout(), ddorg_core::limits::MAX_TIMEOUT);
}
