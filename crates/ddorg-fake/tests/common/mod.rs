//! A minimal blocking HTTP/1.1 client over a plain `TcpStream`, so the tests
//! see exactly what the server puts on the wire.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Valid-looking Datadog keys (the server accepts any non-empty ones).
pub const KEYS: &[(&str, &str)] = &[("DD-API-KEY", "api-k"), ("DD-APPLICATION-KEY", "app-k")];

pub const ORG_PATH: &str = "/api/v1/org/abcdef12345";
pub const SALESFORCE_PATH: &str = "/api/v2/integration/salesforce-incidents/organizations";

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    pub fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    pub fn set_read_timeout(&self, d: Duration) {
        self.writer.set_read_timeout(Some(d)).unwrap();
    }

    /// Writes a request; adds `host` and, when there is a body, `content-length`.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<()> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nhost: fake\r\n");
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        if !body.is_empty() {
            req.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.writer.write_all(&bytes)
    }

    /// Reads one response framed by `content-length` (or bodiless).
    pub fn read_response(&mut self) -> io::Result<Response> {
        self.read_response_to(false)
    }

    pub fn read_response_to(&mut self, head_request: bool) -> io::Result<Response> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "EOF before status line",
            ));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad status line {line:?}"),
                )
            })?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "EOF in headers",
                ));
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                break;
            }
            let (n, v) = l.split_once(':').ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad header {l:?}"))
            })?;
            headers.push((n.to_ascii_lowercase(), v.trim().to_string()));
        }
        let mut resp = Response {
            status,
            headers,
            body: Vec::new(),
        };
        assert!(
            resp.header("transfer-encoding").is_none(),
            "server must never send chunked responses"
        );
        if !head_request {
            if let Some(len) = resp.header("content-length") {
                let len: usize = len.parse().unwrap();
                let mut body = vec![0; len];
                self.reader.read_exact(&mut body)?;
                resp.body = body;
            }
        }
        Ok(resp)
    }

    /// Sends a request and reads its response, panicking on I/O errors.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        self.send(method, path, headers, body)
            .expect("send request");
        self.read_response().expect("read response")
    }

    /// `GET path` with valid keys.
    pub fn get(&mut self, path: &str) -> Response {
        self.request("GET", path, KEYS, b"")
    }

    /// Everything until the server closes the connection.
    pub fn read_to_eof(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest).expect("read until EOF");
        rest
    }
}

/// One request on a fresh connection.
pub fn get(port: u16, path: &str) -> Response {
    Client::connect(port).get(path)
}

/// A TLS client connection (not yet connected) for "localhost" that trusts only `ca_pem`, the
/// fake's CA (`FakeServer::ca_pem`).
pub fn tls_connection(ca_pem: &str) -> rustls::ClientConnection {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap()
}
