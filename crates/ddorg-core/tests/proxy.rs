//! Proxies as the client meets them: credentials sent as `Proxy-Authorization` (and never
//! shown), and `NO_PROXY` honoured, with nothing leaving this machine (0.0.0.0 needs no DNS).
//! The fault matrix covers the failures (tests/faults.json).

use ddorg_core::Client;
use ddorg_fake::{FakeServer, Listen, ProxyMode};

fn ca_file(fake: &FakeServer, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ddorg-proxy-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, fake.ca_pem().unwrap()).unwrap();
    path
}

#[test]
fn proxy_credentials_go_in_proxy_authorization_and_nowhere_else() {
    let fake = FakeServer::start().unwrap();
    let proxy = fake.listen(Listen::Proxy(ProxyMode::Inspect)).unwrap();
    let client = Client::builder()
        .api_key("k")
        .app_key("a")
        .base_url("https://api.datadoghq.com")
        .proxy(format!("http://alice:hunter2@127.0.0.1:{}", proxy.port))
        .ca_bundle(ca_file(&fake, "auth"))
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("hunter2"));
    let org = client.get_org("abcdef12345").unwrap();
    assert_eq!(org.attempts(), 1);

    let connects = fake.proxy_requests();
    assert_eq!(connects.len(), 1);
    assert_eq!(connects[0].method, "CONNECT");
    assert_eq!(connects[0].path, "api.datadoghq.com:443");
    // base64("alice:hunter2")
    assert_eq!(
        connects[0].header("proxy-authorization"),
        Some("Basic YWxpY2U6aHVudGVyMg==")
    );
    // Inside the tunnel, the API request carries the keys and no proxy credentials.
    let api = fake.requests();
    assert_eq!(api[0].header("dd-api-key"), Some("k"));
    assert_eq!(api[0].header("proxy-authorization"), None);
}

#[test]
fn no_proxy_lists_the_host_so_the_environment_proxy_is_not_used() {
    let fake = FakeServer::start().unwrap();
    let proxy = fake.listen(Listen::Proxy(ProxyMode::AuthRequired)).unwrap();
    std::env::set_var("HTTPS_PROXY", &proxy.url);
    let build = || {
        Client::builder()
            .api_key("k")
            .app_key("a")
            .base_url("https://0.0.0.0:1")
            .max_retries(0)
            .build()
            .unwrap()
    };
    let through_proxy = build().get_org("x").unwrap_err();
    assert!(
        through_proxy.message().contains("HTTP 407"),
        "{through_proxy}"
    );
    std::env::set_var("NO_PROXY", "localhost, 0.0.0.0");
    let direct = build().get_org("x").unwrap_err();
    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("NO_PROXY");
    assert!(!direct.message().contains("proxy"), "{direct}");
    assert!(direct.message().contains("0.0.0.0:1"), "{direct}");
    assert_eq!(fake.proxy_requests().len(), 1);
}
