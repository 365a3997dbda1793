//! `Client::from_env`: one test in its own binary, since the environment is process-wide.

use ddorg_core::{Client, ErrorKind};
use ddorg_fake::FakeServer;

#[test]
fn from_env_reads_keys_site_and_base_url() {
    let vars = ["DD_API_KEY", "DD_APP_KEY", "DD_SITE", "DDORG_BASE_URL"];
    for v in vars {
        std::env::remove_var(v);
    }
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DD_API_KEY"), "{err}");

    std::env::set_var("DD_API_KEY", "env-api-key");
    let err = Client::from_env().unwrap_err();
    assert!(err.to_string().contains("DD_APP_KEY"), "{err}");

    std::env::set_var("DD_APP_KEY", "env-app-key");
    std::env::set_var("DD_SITE", "us5.datadoghq.com");
    let c = Client::from_env().unwrap();
    assert_eq!(c.base_url(), "https://api.us5.datadoghq.com");

    std::env::set_var("DD_SITE", "datadoghq.moon");
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DD_SITE"), "{err}");
    assert!(err.to_string().contains("ap1.datadoghq.com"), "{err}");
    // A site or base URL given in code makes a bad DD_SITE irrelevant.
    let c = ddorg_core::ClientBuilder::from_env()
        .site(ddorg_core::Site::Us3)
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://api.us3.datadoghq.com");
    let c = ddorg_core::ClientBuilder::from_env()
        .base_url("https://dd.example.com")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://dd.example.com");
    std::env::set_var("DD_SITE", "datadoghq.eu");

    let fake = FakeServer::start().unwrap();
    std::env::set_var("DDORG_BASE_URL", fake.base_url());
    let c = Client::from_env().unwrap();
    assert_eq!(c.base_url(), fake.base_url());
    assert_eq!(c.site(), None);
    c.get_org("abc").unwrap();
    let r = &fake.requests()[0];
    assert_eq!(r.header("dd-api-key"), Some("env-api-key"));
    assert_eq!(r.header("dd-application-key"), Some("env-app-key"));

    // Builder settings win over the environment.
    let c = ddorg_core::ClientBuilder::from_env()
        .base_url("https://api.datadoghq.eu")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://api.datadoghq.eu");

    // HTTPS_PROXY is honored, and NO_PROXY exempts a host from it.
    std::env::remove_var("DDORG_BASE_URL");
    let proxy = FakeServer::start().unwrap();
    std::env::set_var("HTTPS_PROXY", proxy.base_url());
    let c = ddorg_core::ClientBuilder::from_env()
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(c.get_org("abc").unwrap_err().kind(), ErrorKind::Network);
    assert_eq!(proxy.requests()[0].method, "CONNECT");
    assert_eq!(proxy.requests()[0].path, "api.datadoghq.eu:443");
    std::env::set_var("NO_PROXY", "api.datadoghq.eu");
    let c = ddorg_core::ClientBuilder::from_env()
        .max_retries(0)
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let _ = c.get_org("abc");
    assert_eq!(
        proxy.request_count(),
        1,
        "NO_PROXY host went around the proxy"
    );
    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("NO_PROXY");
    for v in vars {
        std::env::remove_var(v);
    }
}
