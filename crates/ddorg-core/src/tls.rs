//! TLS for the agent's connector chain: rustls with the client's own roots, and certificate
//! failures turned into one plain sentence that names the host and the fix.
//!
//! ureq's own rustls connector is not used because it reports a failed verification as debug
//! text (`Other(OtherError(CaUsedAsEndEntity))`) and cannot tell a self-signed certificate from
//! one issued by an unknown CA; this one differs from it only there.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, OtherError,
    RootCertStore, SignatureScheme, StreamOwned,
};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use crate::error::{Error, ErrorKind};

/// The rustls configuration for these roots, built once per process for each distinct set of
/// roots (tls_cache.rs) and shared by every connection of every client that trusts them.
pub(crate) fn client_config(roots: Arc<RootCertStore>) -> Result<Arc<ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| Error::new(ErrorKind::Config, format!("the trusted roots: {e}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ErrorKind::Config, format!("TLS versions: {e}")))?
        .dangerous() // Not dangerous: the verifier is webpki's, only its errors are refined.
        .with_custom_certificate_verifier(Arc::new(NamingVerifier(webpki)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Wraps the transport of an `https` URL in TLS; other transports pass through.
#[derive(Debug)]
pub(crate) struct TlsConnector(pub(crate) Arc<ClientConfig>);

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let name = ServerName::try_from(host.clone())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        let mut conn = ClientConnection::new(self.0.clone(), name).map_err(ureq::Error::Rustls)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        // The handshake gets what is left of the connect budget, measured from the start of
        // the connection (TCP and any proxy tunnel included), not a fresh one.
        sock.set_timeout(crate::connect_proxy::remaining(details));
        conn.complete_io(&mut sock)
            .map_err(|e| handshake_error(e, &host))?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A TLS failure during the handshake becomes [`TlsFailure`]; anything else (a timeout, a
/// reset) stays the transport error it was.
fn handshake_error(e: io::Error, host: &str) -> ureq::Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(tls) => ureq::Error::Other(Box::new(TlsFailure {
            host: host.to_string(),
            error: tls.clone(),
        })),
        None => ureq::Error::from(e),
    }
}

/// An established TLS connection.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// webpki's verification, with a self-signed server certificate named as such.
#[derive(Debug)]
struct NamingVerifier(Arc<WebPkiServerVerifier>);

/// Marks a verification failure whose certificate is self-signed.
#[derive(Debug)]
struct SelfSigned {
    /// It is also a CA certificate, which webpki never accepts as a server's own.
    is_ca: bool,
}

impl fmt::Display for SelfSigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("self-signed certificate")
    }
}

impl std::error::Error for SelfSigned {}

impl ServerCertVerifier for NamingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| match e {
                rustls::Error::InvalidCertificate(
                    ref cert @ (CertificateError::UnknownIssuer | CertificateError::Other(_)),
                ) if crate::cert_names::is_self_signed(end_entity) => {
                    let is_ca = matches!(cert, CertificateError::Other(o) if o.to_string().contains("CaUsedAsEndEntity"));
                    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
                        Arc::new(SelfSigned { is_ca }),
                    )))
                }
                e => e,
            })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// What to do about an untrusted certificate, in every language's words.
const TRUST_HINT: &str = "if a proxy inspects TLS, pass its CA certificate as the CA bundle (ca_bundle, --ca-bundle or DDORG_CA_BUNDLE), or use the system's trust store (tls_roots \"system\")";

/// A failed TLS handshake with `host`, as one sentence.
#[derive(Debug)]
pub(crate) struct TlsFailure {
    pub(crate) host: String,
    pub(crate) error: rustls::Error,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = &self.host;
        let cert = match &self.error {
            rustls::Error::InvalidCertificate(cert) => cert,
            rustls::Error::AlertReceived(alert) => {
                return write!(f, "the TLS handshake with {host} failed: the server refused it ({alert:?})")
            }
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                return write!(f, "the TLS handshake with {host} failed: the server did not speak TLS as expected (is it an HTTPS port?)")
            }
            other => return write!(f, "the TLS handshake with {host} failed: {other}"),
        };
        match cert {
            CertificateError::UnknownIssuer => write!(
                f,
                "the certificate of {host} is not trusted (unknown issuer); {TRUST_HINT}"
            ),
            CertificateError::Other(OtherError(inner)) => match inner.downcast_ref::<SelfSigned>() {
                Some(SelfSigned { is_ca: true }) => write!(
                    f,
                    "the certificate of {host} is self-signed and marked as a CA, which cannot also be a server's certificate; the server needs a certificate issued by that CA"
                ),
                Some(SelfSigned { is_ca: false }) => write!(
                    f,
                    "the certificate of {host} is self-signed, so no CA vouches for it; if you trust it, pass it as the CA bundle (ca_bundle, --ca-bundle or DDORG_CA_BUNDLE)"
                ),
                None => write!(f, "the certificate of {host} is not valid ({inner})"),
            },
            CertificateError::ExpiredContext { not_after, .. } => write!(
                f,
                "the certificate of {host} expired on {} (UTC); the server must renew it, or this machine's clock is wrong",
                crate::cert_names::utc_date(not_after.as_secs())
            ),
            CertificateError::Expired => write!(
                f,
                "the certificate of {host} has expired; the server must renew it, or this machine's clock is wrong"
            ),
            CertificateError::NotValidYetContext { not_before, .. } => write!(
                f,
                "the certificate of {host} is not valid before {} (UTC); check this machine's clock",
                crate::cert_names::utc_date(not_before.as_secs())
            ),
            CertificateError::NotValidYet => write!(
                f,
                "the certificate of {host} is not valid yet; check this machine's clock"
            ),
            CertificateError::NotValidForNameContext { presented, .. } => write!(
                f,
                "the certificate of {host} is for other names ({}); check the base URL and DD_SITE",
                presented.iter().map(|n| bare_name(n)).collect::<Vec<_>>().join(", ")
            ),
            CertificateError::NotValidForName => write!(
                f,
                "the certificate of {host} is for other names; check the base URL and DD_SITE"
            ),
            CertificateError::Revoked => write!(f, "the certificate of {host} has been revoked"),
            other => write!(f, "the certificate of {host} is not valid ({other:?})"),
        }
    }
}

impl std::error::Error for TlsFailure {}

/// `wrong.example` out of webpki's `DnsName("wrong.example")` (and likewise for IP addresses).
fn bare_name(presented: &str) -> &str {
    presented
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(|inner| inner.trim_matches('"'))
        .unwrap_or(presented)
}

/// The TLS failure inside a transport error, if it is one: a failed handshake, or a TLS error
/// on an established connection (a bad record, an alert).
pub(crate) fn tls_failure(e: &ureq::Error, host: &str) -> Option<String> {
    match e {
        ureq::Error::Other(inner) => inner.downcast_ref::<TlsFailure>().map(ToString::to_string),
        ureq::Error::Rustls(error) => Some(
            TlsFailure {
                host: host.to_string(),
                error: error.clone(),
            }
            .to_string(),
        ),
        ureq::Error::Tls(what) => Some(format!("TLS with {host} failed: {what}")),
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|i| i.downcast_ref::<rustls::Error>())
            .map(|error| {
                TlsFailure {
                    host: host.to_string(),
                    error: error.clone(),
                }
                .to_string()
            }),
        _ => None,
    }
}
