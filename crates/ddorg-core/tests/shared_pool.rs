//! Clients that connect the same way share their connections, whatever their keys; clients that
//! connect differently (another proxy or proxy credentials, other trusted roots) never do.

use std::path::PathBuf;

use ddorg_core::{Client, ClientBuilder, ErrorKind};
use ddorg_fake::{FakeServer, Listen, ProxyMode};

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddorg-shared-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn client(base_url: &str, api_key: &str, ca_bundle: &PathBuf) -> ClientBuilder {
    Client::builder()
        .api_key(api_key)
        .app_key(format!("{api_key}-app"))
        .base_url(base_url)
        .ca_bundle(ca_bundle)
        .max_retries(0)
}

#[test]
fn clients_with_different_keys_take_turns_on_one_connection_each_sending_its_own_keys() {
    let fake = FakeServer::start_tls().unwrap();
    let ca = temp_file("keys.pem", &fake.ca_pem().unwrap());
    let alice = client(&fake.base_url(), "alice", &ca).build().unwrap();
    let bob = client(&fake.base_url(), "bob", &ca).build().unwrap();
    for c in [&alice, &bob, &alice, &bob] {
        c.get_org("abcdef12345").unwrap();
    }
    assert_eq!(fake.tls_handshake_count(), 1);
    assert_eq!(fake.connection_count(), 1);
    let sent: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| {
            (
                r.header("dd-api-key").unwrap().to_string(),
                r.header("dd-application-key").unwrap().to_string(),
            )
        })
        .collect();
    let pair = |k: &str| (k.to_string(), format!("{k}-app"));
    assert_eq!(
        sent,
        [pair("alice"), pair("bob"), pair("alice"), pair("bob")]
    );
}

#[test]
fn a_connection_verified_with_some_roots_is_never_lent_to_a_client_trusting_others() {
    let fake = FakeServer::start_tls().unwrap();
    let fake_ca = fake.ca_pem().unwrap();
    let other_ca = FakeServer::start_tls().unwrap().ca_pem().unwrap();
    let url = fake.base_url();
    let trusting = client(&url, "a", &temp_file("ca.pem", &fake_ca))
        .build()
        .unwrap();
    trusting.get_org("abcdef12345").unwrap();
    assert_eq!(fake.tls_handshake_count(), 1);

    // Its own handshake, which fails: the pooled connection was verified with other roots.
    let distrusting = client(&url, "b", &temp_file("other.pem", &other_ca))
        .build()
        .unwrap();
    let err = distrusting.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");

    // Roots that trust the server too, but are other roots: a connection of their own.
    let both = temp_file("both.pem", &format!("{fake_ca}{other_ca}"));
    client(&url, "c", &both)
        .build()
        .unwrap()
        .get_org("abcdef12345")
        .unwrap();
    assert_eq!(fake.tls_handshake_count(), 2);

    // The same roots from another file are the same roots: the first client's connection.
    let copy = temp_file("copy.pem", &fake_ca);
    client(&url, "d", &copy)
        .build()
        .unwrap()
        .get_org("abcdef12345")
        .unwrap();
    trusting.get_org("abcdef12345").unwrap();
    assert_eq!(fake.tls_handshake_count(), 2);
}

#[test]
fn a_tunnel_is_never_lent_to_a_direct_client_nor_to_one_with_other_proxy_credentials() {
    let fake = FakeServer::start().unwrap();
    let proxy = fake.listen(Listen::Proxy(ProxyMode::Inspect)).unwrap();
    let ca = temp_file("proxy.pem", &fake.ca_pem().unwrap());
    // Not a loopback host, so the proxy is used (and 0.0.0.0 needs no DNS); only the inspecting
    // proxy presents a certificate for it.
    let url = "https://0.0.0.0:1";
    let through = |user: &str| {
        client(url, user, &ca)
            .proxy(format!("http://{user}:pw@127.0.0.1:{}", proxy.port))
            .build()
            .unwrap()
    };
    let (alice, bob) = (through("alice"), through("bob"));
    for c in [&alice, &bob, &alice, &bob] {
        c.get_org("abcdef12345").unwrap();
    }
    let authorizations: Vec<_> = fake
        .proxy_requests()
        .iter()
        .map(|r| r.header("proxy-authorization").unwrap().to_string())
        .collect();
    // base64("alice:pw"), base64("bob:pw"): one tunnel each, each reused.
    assert_eq!(
        authorizations,
        ["Basic YWxpY2U6cHc=", "Basic Ym9iOnB3"],
        "one tunnel per proxy login"
    );

    // A direct client with everything else the same makes its own connection (to port 1,
    // where nothing listens) instead of borrowing a tunnel.
    let direct = client(url, "carol", &ca).no_proxy().build().unwrap();
    let err = direct.get_org("abcdef12345").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert_eq!(fake.proxy_requests().len(), 2);
}
