//! `set_latency` / `--latency` / `POST /_fake/latency`: every server flight is held back.
//!
//! Only lower bounds on elapsed time are asserted: a slow machine cannot break them. That parallel
//! connections wait at the same time is a speed, measured by the fleet benchmark, not asserted here.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use common::{Client, ORG_PATH};
use ddorg_fake::FakeServer;

const LATENCY: Duration = Duration::from_millis(150);

#[test]
fn a_kept_alive_request_waits_one_latency_and_a_new_connection_two() {
    let s = FakeServer::start().unwrap();
    s.set_latency(LATENCY);
    assert_eq!(s.latency(), LATENCY);
    let started = Instant::now();
    let mut c = Client::connect(s.port());
    assert_eq!(c.get(ORG_PATH).status, 200);
    let first = started.elapsed();
    assert!(
        first >= LATENCY * 2,
        "a new connection answered after {first:?}"
    );
    let again = Instant::now();
    assert_eq!(c.get(ORG_PATH).status, 200);
    let second = again.elapsed();
    assert!(
        second >= LATENCY,
        "a kept-alive request answered after {second:?}"
    );
}

#[test]
fn a_new_tls_connection_pays_tcp_the_tls_handshake_and_the_request() {
    let s = FakeServer::start_tls().unwrap();
    s.set_latency(LATENCY);
    let conn = common::tls_connection(&s.ca_pem().unwrap());

    let started = Instant::now();
    let tcp = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    let handshake = started.elapsed();
    assert!(
        handshake >= LATENCY * 2,
        "TCP and TLS handshakes took {handshake:?}"
    );
    tls.write_all(
        b"GET /api/v1/org/abcdef12345 HTTP/1.1\r\nhost: localhost\r\ndd-api-key: k\r\n\
          dd-application-key: a\r\nconnection: close\r\n\r\n",
    )
    .unwrap();
    let mut response = Vec::new();
    // The fake ends with close_notify; an abrupt end would be an error here.
    tls.read_to_end(&mut response).unwrap();
    assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));
    let total = started.elapsed();
    assert!(
        total >= LATENCY * 3,
        "the first TLS answer came after {total:?}"
    );
}

#[test]
fn parallel_connections_are_each_held_back_and_all_answered() {
    const CONNECTIONS: u32 = 16;
    let latency = Duration::from_millis(200);
    let s = FakeServer::start().unwrap();
    s.set_latency(latency);
    let port = s.port();
    let started = Instant::now();
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|_| thread::spawn(move || Client::connect(port).get(ORG_PATH).status))
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= latency * 2, "{elapsed:?}");
    assert_eq!(s.request_count(), CONNECTIONS as usize);
}

#[test]
fn control_api_sets_the_latency_and_rejects_bad_values() {
    let s = FakeServer::start().unwrap();
    let mut c = Client::connect(s.port());
    let post =
        |c: &mut Client, body: &str| c.request("POST", "/_fake/latency", &[], body.as_bytes());
    assert_eq!(post(&mut c, r#"{"ms":25}"#).status, 204);
    assert_eq!(s.latency(), Duration::from_millis(25));
    // Seconds, as Python's set_latency(seconds) takes them.
    assert_eq!(post(&mut c, r#"{"seconds":0.04}"#).status, 204);
    assert_eq!(s.latency(), Duration::from_millis(40));
    for bad in [
        r#"{"ms":-1}"#,
        r#"{"ms":"5"}"#,
        r#"{}"#,
        r#"{"ms":5,"x":1}"#,
        r#"{"ms":5,"seconds":1}"#,
        r#"{"seconds":3601}"#,
        "[5]",
    ] {
        let r = post(&mut c, bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(
            r.text()
                .contains(r#"{\"seconds\": <0 to 3600>} or {\"ms\": <0 to 3600000>}"#),
            "{}",
            r.text()
        );
    }
    assert_eq!(post(&mut c, r#"{"ms":0}"#).status, 204);
    assert_eq!(s.latency(), Duration::ZERO);
    assert_eq!(c.request("GET", "/_fake/latency", &[], b"").status, 405);
}

#[test]
fn reset_keeps_the_latency() {
    let s = FakeServer::start().unwrap();
    s.set_latency(LATENCY);
    s.reset();
    assert_eq!(s.latency(), LATENCY);
}
