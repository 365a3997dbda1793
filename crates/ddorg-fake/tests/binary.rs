//! The `ddorg-fake` binary, as Python and C tests start it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{get, Client, KEYS, ORG_PATH};
use ddorg_fake::ORG_EXAMPLE;

const BIN: &str = env!("CARGO_BIN_EXE_ddorg-fake");

/// Kills the child when a test fails halfway.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, u16) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start ddorg-fake");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port: u16 = line
        .strip_prefix("PORT ")
        .and_then(|p| p.strip_suffix('\n'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("expected `PORT <n>\\n`, got {line:?}"));
    (Running(child), port)
}

#[test]
fn prints_port_and_serves() {
    let (_child, port) = spawn(&[]);
    assert_ne!(port, 0);
    assert_eq!(get(port, ORG_PATH).text(), ORG_EXAMPLE);
    let mut c = Client::connect(port);
    let r = c.request("POST", "/_fake/enqueue", &[], br#"{"status":503}"#);
    assert_eq!(r.status, 204);
    assert_eq!(c.get(ORG_PATH).status, 503);
    let stats = c.request("GET", "/_fake/stats", &[], b"").json();
    assert_eq!(stats["requests"], 2);
}

#[test]
fn require_keys_and_exit_on_eof() {
    let (mut child, port) = spawn(&["--require-keys", "A", "B", "--exit-on-eof", "--no-record"]);
    let mut c = Client::connect(port);
    assert_eq!(c.request("GET", ORG_PATH, KEYS, b"").status, 403);
    let good = [("DD-API-KEY", "A"), ("DD-APPLICATION-KEY", "B")];
    assert_eq!(c.request("GET", ORG_PATH, &good, b"").status, 200);
    assert_eq!(c.request("GET", "/_fake/requests", &[], b"").text(), "[]");
    // Closing stdin stops it.
    drop(child.0.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "ddorg-fake did not exit on EOF");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn latency_holds_back_every_answer() {
    let (_child, port) = spawn(&["--latency", "120"]);
    let mut c = Client::connect(port);
    assert_eq!(c.get(ORG_PATH).status, 200);
    let started = Instant::now();
    assert_eq!(c.get(ORG_PATH).status, 200);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(120), "{elapsed:?}");
}

#[test]
fn rate_limits_for_every_endpoint_or_one() {
    let (_child, port) = spawn(&["--rate-limit", "2/60", "--rate-limit", "org_list=1/30"]);
    let mut c = Client::connect(port);
    let r = c.get(ORG_PATH);
    assert_eq!(r.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("1"));
    assert_eq!(c.get(ORG_PATH).status, 200);
    assert_eq!(c.get(ORG_PATH).status, 429);
    let r = c.get("/api/v1/org");
    assert_eq!(r.header("x-ratelimit-period"), Some("30"));
    assert_eq!(c.get("/api/v1/org").status, 429);
    let stats = c.request("GET", "/_fake/stats", &[], b"").json();
    assert_eq!(stats["rate_limited"], 2);
}

#[test]
fn fixed_port() {
    // Find a free port, release it, and ask the binary for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_child, got) = spawn(&["--port", &port.to_string()]);
    assert_eq!(got, port);
    assert_eq!(get(port, ORG_PATH).status, 200);
}

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: ddorg-fake"));
    for args in [
        &["--port"][..],
        &["--port", "x"],
        &["--require-keys", "a"],
        &["--latency"],
        &["--latency", "-5"],
        &["--latency", "3600001"],
        &["--rate-limit"],
        &["--rate-limit", "10"],
        &["--rate-limit", "10/0"],
        &["--rate-limit", "x/60"],
        &["--rate-limit", "org=10/60"],
        &["--bogus"],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
    let mut child = Command::new(BIN)
        .args(["--exit-on-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"bye").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PORT "));
}

#[test]
fn tls_writes_its_ca_where_asked_and_speaks_only_tls() {
    let dir = std::env::temp_dir().join(format!("ddorg-fake-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let (_child, port) = spawn(&[
        "--tls",
        "--tls-cert",
        "expired",
        "--tls-ca-out",
        ca.to_str().unwrap(),
    ]);
    let pem = std::fs::read_to_string(&ca).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    // A plain-HTTP request gets no HTTP answer from a TLS port (an alert, a reset or nothing).
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = std::io::Read::read_to_end(&mut c, &mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1"), "{answer:?}");
    std::fs::remove_dir_all(&dir).unwrap();

    let out = Command::new(BIN)
        .args(["--tls-cert", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
