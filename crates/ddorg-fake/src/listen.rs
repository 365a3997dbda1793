//! The listeners a [`FakeServer`](crate::FakeServer) can open besides its own: HTTPS with a
//! chosen certificate, and `CONNECT` proxies, all sharing the server's scripting and history.

use std::io::{self, BufReader, BufWriter};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;

use crate::connection::{accept_loop, serve_connection, serve_http};
use crate::http;
use crate::latency::Delayed;
use crate::proxy::{self, Outcome, ProxyMode};
use crate::server::connect_ip;
use crate::state::Shared;
use crate::tls::{TlsCert, TlsHalf};

/// A listener to open with [`FakeServer::listen`](crate::FakeServer::listen).
///
/// In the control API (`POST /_fake/listen`) it is `{"tls": "<cert>"}` (see [`TlsCert`]) or
/// `{"proxy": "<mode>"}` (see [`ProxyMode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Listen {
    /// HTTPS presenting this certificate, serving the fake API.
    Tls(TlsCert),
    /// An HTTP proxy answering `CONNECT` this way.
    Proxy(ProxyMode),
}

impl Listen {
    pub(crate) fn from_value(v: &Value) -> Result<Listen, String> {
        let obj = v
            .as_object()
            .ok_or("expected {\"tls\": ..} or {\"proxy\": ..}")?;
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        match (obj.len(), text("tls"), text("proxy")) {
            (1, Some(cert), None) => TlsCert::parse(cert).map(Listen::Tls),
            (1, None, Some(mode)) => ProxyMode::parse(mode).map(Listen::Proxy),
            _ => Err("expected {\"tls\": \"<certificate>\"} or {\"proxy\": \"<mode>\"}".into()),
        }
    }
}

/// Where a listener opened with [`FakeServer::listen`](crate::FakeServer::listen) listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listening {
    /// Its port on `127.0.0.1`.
    pub port: u16,
    /// `https://localhost:<port>` for HTTPS (the name its certificates are for), else
    /// `http://127.0.0.1:<port>` (a proxy URL).
    pub url: String,
}

/// How a listener serves each connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Plain,
    Tls(TlsCert),
    Proxy(ProxyMode),
}

pub(crate) fn url(kind: Kind, addr: SocketAddr) -> String {
    let ip = connect_ip(addr.ip());
    let host = match (kind, ip) {
        (Kind::Tls(_), ip) if ip.is_loopback() => "localhost".to_string(),
        (_, std::net::IpAddr::V6(v6)) => format!("[{v6}]"),
        (_, ip) => ip.to_string(),
    };
    let scheme = if let Kind::Tls(_) = kind {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}:{}", addr.port())
}

/// An open extra listener.
pub(crate) struct Extra {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Extra {
    pub(crate) fn open(shared: Arc<Shared>, how: Listen) -> io::Result<(Extra, Listening)> {
        let kind = match how {
            Listen::Tls(cert) => Kind::Tls(cert),
            Listen::Proxy(mode) => Kind::Proxy(mode),
        };
        // Made now, so that a failure is this call's, not a connection's.
        shared.authority()?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("ddorg-fake-accept".into())
            .spawn(move || accept_loop(listener, shared, kind, Some(thread_stop)))?;
        let listening = Listening {
            port: addr.port(),
            url: url(kind, addr),
        };
        Ok((Extra { addr, stop, thread }, listening))
    }

    /// Stops accepting (connections already open finish on their own).
    pub(crate) fn close(self) {
        self.stop.store(true, Ordering::SeqCst);
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2)).is_ok();
        if woke {
            let _ = self.thread.join();
        }
    }
}

/// Serves one accepted connection as its listener's kind says.
pub(crate) fn serve(shared: &Arc<Shared>, kind: Kind, stream: TcpStream) -> io::Result<()> {
    match kind {
        Kind::Plain => serve_connection(shared, stream),
        Kind::Tls(cert) => {
            let config = shared.authority()?.config(cert)?;
            serve_tls(shared, config, stream)
        }
        Kind::Proxy(mode) => serve_proxy(shared, mode, stream),
    }
}

fn serve_tls(
    shared: &Arc<Shared>,
    config: Arc<rustls::ServerConfig>,
    stream: TcpStream,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let delayed = Delayed::new(stream, Arc::clone(&shared.latency));
    let half = TlsHalf::accept(config, delayed, Arc::clone(&shared.tls_handshakes))?;
    let result = serve_http(
        shared,
        BufReader::with_capacity(16 * 1024, half.clone()),
        BufWriter::with_capacity(16 * 1024, half.clone()),
    );
    half.close();
    result
}

fn serve_proxy(shared: &Arc<Shared>, mode: ProxyMode, stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::with_capacity(16 * 1024, stream.try_clone()?);
    let mut line = Vec::new();
    let Ok(req) = http::read_request(&mut reader, &mut line) else {
        return Ok(());
    };
    if req.method != "CONNECT" {
        return proxy::refuse(&stream);
    }
    shared.record_connect(&req);
    match proxy::answer(mode, &req.target, reader)? {
        Outcome::Done => Ok(()),
        Outcome::Tunnel { host, reader } => {
            if !reader.buffer().is_empty() {
                return Ok(()); // A client that does not wait for the 200 is not one we serve.
            }
            let config = shared.authority()?.config_for_host(&host)?;
            drop(reader);
            serve_tls(shared, config, stream)
        }
    }
}
