//! HTTPS for the fake: a CA generated when first needed, leaf certificates for every
//! [`TlsCert`] mode and for any host a proxy is asked to reach, and the server side of TLS.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::latency::Delayed;

/// Which certificate an HTTPS listener presents.
///
/// Every mode except [`TlsCert::SelfSigned`] is issued by the server's own CA
/// ([`FakeServer::ca_pem`](crate::FakeServer::ca_pem)), so a client that trusts that CA fails
/// only for the reason the mode names. In the control API and on the command line the modes are
/// `"valid"`, `"expired"`, `"wrong_host"` and `"self_signed"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsCert {
    /// For `localhost`, `127.0.0.1` and `::1`, valid from yesterday for a year.
    Valid,
    /// For the same names, but it expired yesterday.
    Expired,
    /// Valid, but only for `wrong-host.ddorg-fake.invalid`.
    WrongHost,
    /// For `localhost`, `127.0.0.1` and `::1`, signed by its own key instead of the CA.
    SelfSigned,
}

impl TlsCert {
    /// Every certificate mode, in the order documented above.
    pub const ALL: &'static [TlsCert] = &[
        TlsCert::Valid,
        TlsCert::Expired,
        TlsCert::WrongHost,
        TlsCert::SelfSigned,
    ];

    /// The snake_case name used by the control API and `--tls-cert`.
    pub fn name(self) -> &'static str {
        match self {
            TlsCert::Valid => "valid",
            TlsCert::Expired => "expired",
            TlsCert::WrongHost => "wrong_host",
            TlsCert::SelfSigned => "self_signed",
        }
    }

    /// Parses a name (see [`TlsCert::name`]; `-` is accepted for `_`); `None` if unknown.
    pub fn from_name(name: &str) -> Option<TlsCert> {
        let name = name.replace('-', "_");
        TlsCert::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// [`TlsCert::from_name`], with an error that lists the known names: the message every
    /// front end (control API, Python's `ddorg.testing`) shows for an unknown one.
    pub fn parse(name: &str) -> Result<TlsCert, String> {
        TlsCert::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = TlsCert::ALL.iter().map(|c| c.name()).collect();
            format!(
                "unknown tls certificate {name:?} (known: {})",
                known.join(", ")
            )
        })
    }
}

/// Which names a leaf is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Leaf {
    Mode(TlsCert),
    /// A leaf for the host a `CONNECT` asked for, as a TLS-inspecting proxy makes.
    Host(String),
}

/// The CA and the server configurations made with it, one per leaf, made once.
pub(crate) struct Authority {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
    configs: Mutex<HashMap<Leaf, Arc<ServerConfig>>>,
}

fn tls_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("generating a certificate: {e}"))
}

const DAY: Duration = Duration::from_secs(86_400);

impl Authority {
    pub(crate) fn new() -> io::Result<Authority> {
        let key = KeyPair::generate().map_err(tls_error)?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "ddorg-fake test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - DAY * 2;
        params.not_after = now + DAY * 365;
        let cert = params.self_signed(&key).map_err(tls_error)?;
        Ok(Authority {
            ca_pem: cert.pem(),
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
            configs: Mutex::new(HashMap::new()),
        })
    }

    /// The CA certificate, PEM-encoded: what a client must trust.
    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server configuration presenting the certificate of `mode`.
    pub(crate) fn config(&self, mode: TlsCert) -> io::Result<Arc<ServerConfig>> {
        self.config_for(Leaf::Mode(mode))
    }

    /// The server configuration presenting a certificate for `host`, issued by the CA.
    pub(crate) fn config_for_host(&self, host: &str) -> io::Result<Arc<ServerConfig>> {
        self.config_for(Leaf::Host(host.to_ascii_lowercase()))
    }

    fn config_for(&self, leaf: Leaf) -> io::Result<Arc<ServerConfig>> {
        let mut configs = self.configs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(config) = configs.get(&leaf) {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(self.make(&leaf)?);
        configs.insert(leaf, Arc::clone(&config));
        Ok(config)
    }

    fn make(&self, leaf: &Leaf) -> io::Result<ServerConfig> {
        let key = KeyPair::generate().map_err(tls_error)?;
        let local = || {
            vec![
                SanType::DnsName("localhost".try_into().expect("a DNS name")),
                SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            ]
        };
        let mut params = CertificateParams::default();
        params.subject_alt_names = match leaf {
            Leaf::Mode(TlsCert::WrongHost) => vec![SanType::DnsName(
                "wrong-host.ddorg-fake.invalid"
                    .try_into()
                    .expect("a DNS name"),
            )],
            Leaf::Mode(_) => local(),
            Leaf::Host(host) => vec![match host.trim_matches(['[', ']']).parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(host.clone().try_into().map_err(tls_error)?),
            }],
        };
        let name = match leaf {
            Leaf::Host(host) => host.as_str(),
            Leaf::Mode(TlsCert::WrongHost) => "wrong-host.ddorg-fake.invalid",
            Leaf::Mode(_) => "localhost",
        };
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = time::OffsetDateTime::now_utc();
        (params.not_before, params.not_after) = match leaf {
            Leaf::Mode(TlsCert::Expired) => (now - DAY * 30, now - DAY),
            _ => (now - DAY, now + DAY * 365),
        };
        let (cert, chain) = match leaf {
            Leaf::Mode(TlsCert::SelfSigned) => {
                let cert = params.self_signed(&key).map_err(tls_error)?;
                (cert.der().clone(), vec![])
            }
            _ => {
                let cert = params.signed_by(&key, &self.issuer).map_err(tls_error)?;
                (cert.der().clone(), vec![self.ca_der.clone()])
            }
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?
            .with_no_client_auth()
            .with_single_cert([vec![cert], chain].concat(), key)
            .map_err(tls_error)
    }
}

/// One TLS connection shared by a connection's buffered reader and writer (both on its thread).
#[derive(Clone)]
pub(crate) struct TlsHalf {
    stream: Arc<Mutex<StreamOwned<ServerConnection, Delayed>>>,
    /// The server's count of completed handshakes, bumped once when this one completes.
    handshakes: Arc<AtomicUsize>,
}

impl TlsHalf {
    /// Accepts TLS on `stream` with `config`; the handshake happens on first read or write, and
    /// adds one to `handshakes` when it completes.
    pub(crate) fn accept(
        config: Arc<ServerConfig>,
        stream: Delayed,
        handshakes: Arc<AtomicUsize>,
    ) -> io::Result<TlsHalf> {
        let conn = ServerConnection::new(config).map_err(io::Error::other)?;
        Ok(TlsHalf {
            stream: Arc::new(Mutex::new(StreamOwned::new(conn, stream))),
            handshakes,
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut StreamOwned<ServerConnection, Delayed>) -> T) -> T {
        let mut s = self.stream.lock().unwrap_or_else(|e| e.into_inner());
        let handshaking = s.conn.is_handshaking();
        let out = f(&mut s);
        // The one call that sees the handshake end counts it (the stream is behind a lock).
        if handshaking && !s.conn.is_handshaking() {
            self.handshakes.fetch_add(1, Ordering::SeqCst);
        }
        out
    }

    /// Sends TLS close_notify, so the client sees a clean end of the connection.
    pub(crate) fn close(&self) {
        self.with(|s| {
            s.conn.send_close_notify();
            let _ = s.flush();
        });
    }
}

impl Read for TlsHalf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.with(|s| s.read(buf))
    }
}

impl Write for TlsHalf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(|s| s.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(|s| s.flush())
    }
}
