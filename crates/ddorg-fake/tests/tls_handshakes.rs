//! `tls_handshake_count` / `tls_handshakes` in `GET /_fake/stats`: every TLS handshake the fake
//! completes is counted once, however many requests its connection then carries.

use std::io::{Read, Write};
use std::net::TcpStream;

mod common;

use ddorg_fake::FakeServer;
use rustls::{ClientConnection, StreamOwned};

/// A TLS connection to the fake trusting `ca_pem`, handshake done (or its error).
fn connect(
    s: &FakeServer,
    ca_pem: &str,
) -> Result<StreamOwned<ClientConnection, TcpStream>, rustls::Error> {
    let conn = common::tls_connection(ca_pem);
    let tcp = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    let mut tls = StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
            return Err(e
                .into_inner()
                .and_then(|e| e.downcast::<rustls::Error>().ok())
                .map_or(rustls::Error::General("handshake".into()), |e| *e));
        }
    }
    Ok(tls)
}

/// One request on `tls`; the body of the answer (read by its content-length).
fn get(tls: &mut StreamOwned<ClientConnection, TcpStream>, path: &str) -> String {
    write!(
        tls,
        "GET {path} HTTP/1.1\r\nhost: localhost\r\ndd-api-key: k\r\ndd-application-key: a\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        tls.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; len];
    tls.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

#[test]
fn each_tls_connection_is_one_handshake_whatever_it_carries() {
    let s = FakeServer::start_tls().unwrap();
    let ca = s.ca_pem().unwrap();
    assert_eq!(s.tls_handshake_count(), 0);
    let mut first = connect(&s, &ca).unwrap();
    for _ in 0..3 {
        get(&mut first, "/api/v1/org/abcdef12345");
    }
    assert_eq!(s.tls_handshake_count(), 1);
    let mut second = connect(&s, &ca).unwrap();
    get(&mut second, "/api/v1/org/abcdef12345");
    assert_eq!(s.tls_handshake_count(), 2);
    assert_eq!(s.connection_count(), 2);
}

#[test]
fn a_refused_handshake_is_not_counted() {
    let s = FakeServer::start_tls().unwrap();
    let other_ca = FakeServer::start_tls().unwrap().ca_pem().unwrap();
    assert!(connect(&s, &other_ca).is_err());
    assert_eq!(s.tls_handshake_count(), 0);
    assert!(s.connection_count() >= 1);
}

#[test]
fn the_control_api_shows_the_count_and_reset_clears_it() {
    let s = FakeServer::start_tls().unwrap();
    let mut tls = connect(&s, &s.ca_pem().unwrap()).unwrap();
    let stats = get(&mut tls, "/_fake/stats");
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["tls_handshakes"], 1, "{stats}");
    s.reset();
    assert_eq!(s.tls_handshake_count(), 0);
    // The connection stays open and is not counted again.
    let stats: serde_json::Value = serde_json::from_str(&get(&mut tls, "/_fake/stats")).unwrap();
    assert_eq!(stats["tls_handshakes"], 0, "{stats}");
    assert_eq!(stats["connections"], 1, "{stats}");
}
