//! A fake HTTP `CONNECT` proxy: one that inspects TLS (as corporate proxies do) and serves the
//! fake API inside the tunnel, and ones that misbehave, for the clients' proxy tests.

use std::io::{self, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

/// How a proxy listener ([`Listen::Proxy`](crate::Listen::Proxy)) answers a `CONNECT`.
///
/// Every mode first reads the whole `CONNECT` request and records it
/// ([`FakeServer::proxy_requests`](crate::FakeServer::proxy_requests)). In the control API the
/// modes are `"inspect"`, `"trickle"`, `"silent"` and `"auth_required"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyMode {
    /// Answers `200`, then speaks TLS inside the tunnel with a certificate for the requested
    /// host issued by the server's CA (as a TLS-inspecting proxy does) and serves the fake API
    /// there, scripted like the server itself.
    Inspect,
    /// Answers `200` with a padded 100-byte reply head, one byte every 100 ms (10 s in all):
    /// a client that restarts its timeout with every byte waits for all of it.
    Trickle,
    /// Never answers; closes when the client does.
    Silent,
    /// Answers `407 Proxy Authentication Required` and closes.
    AuthRequired,
}

impl ProxyMode {
    /// Every mode, in the order documented above.
    pub const ALL: &'static [ProxyMode] = &[
        ProxyMode::Inspect,
        ProxyMode::Trickle,
        ProxyMode::Silent,
        ProxyMode::AuthRequired,
    ];

    /// The snake_case name used by the control API.
    pub fn name(self) -> &'static str {
        match self {
            ProxyMode::Inspect => "inspect",
            ProxyMode::Trickle => "trickle",
            ProxyMode::Silent => "silent",
            ProxyMode::AuthRequired => "auth_required",
        }
    }

    /// Parses a name (see [`ProxyMode::name`]); `None` if unknown.
    pub fn from_name(name: &str) -> Option<ProxyMode> {
        ProxyMode::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// [`ProxyMode::from_name`], with an error that lists the known names: the message every
    /// front end (control API, Python's `ddorg.testing`) shows for an unknown one.
    pub fn parse(name: &str) -> Result<ProxyMode, String> {
        ProxyMode::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = ProxyMode::ALL.iter().map(|m| m.name()).collect();
            format!("unknown proxy mode {name:?} (known: {})", known.join(", "))
        })
    }
}

/// The gap between two bytes of a [`ProxyMode::Trickle`] reply.
const TRICKLE_GAP: Duration = Duration::from_millis(100);

/// The trickled reply: a 200 padded to 100 bytes.
fn trickle_reply() -> Vec<u8> {
    let mut head = b"HTTP/1.1 200 Connection established\r\nx-padding: ".to_vec();
    head.resize(96, b'.');
    head.extend_from_slice(b"\r\n\r\n");
    head
}

/// What became of a `CONNECT`: the host to impersonate inside the tunnel, or nothing more to do.
pub(crate) enum Outcome {
    Tunnel {
        host: String,
        reader: BufReader<TcpStream>,
    },
    Done,
}

/// Answers the `CONNECT` already read on `reader` (whose target is `target`) as `mode` says.
pub(crate) fn answer(
    mode: ProxyMode,
    target: &str,
    mut reader: BufReader<TcpStream>,
) -> io::Result<Outcome> {
    let mut stream = reader.get_ref().try_clone()?;
    match mode {
        ProxyMode::Inspect => {
            stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
            let host = match target.rsplit_once(':') {
                Some((host, port)) if port.parse::<u16>().is_ok() => host,
                _ => target,
            };
            Ok(Outcome::Tunnel {
                host: host.trim_matches(['[', ']']).to_string(),
                reader,
            })
        }
        ProxyMode::Trickle => {
            for byte in trickle_reply() {
                stream.write_all(&[byte])?;
                thread::sleep(TRICKLE_GAP);
            }
            // The tunnel then goes nowhere: hold it until the client gives up.
            let _ = io::copy(&mut reader, &mut io::sink());
            Ok(Outcome::Done)
        }
        ProxyMode::Silent => {
            let _ = io::copy(&mut reader, &mut io::sink());
            Ok(Outcome::Done)
        }
        ProxyMode::AuthRequired => {
            stream.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  proxy-authenticate: Basic realm=\"ddorg-fake\"\r\n\
                  content-length: 0\r\nconnection: close\r\n\r\n",
            )?;
            let _ = reader.read(&mut [0u8; 1]);
            Ok(Outcome::Done)
        }
    }
}

/// The reply to anything but `CONNECT` on a proxy port.
pub(crate) fn refuse(mut stream: &TcpStream) -> io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 405 Method Not Allowed\r\nallow: CONNECT\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )
}
