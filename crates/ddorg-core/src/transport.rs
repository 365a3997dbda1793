//! The agent's connector chain (SOCKS, `CONNECT` tunnel, TCP, TLS) and the names of the hosts a
//! call talks to, for its error messages.

use std::fmt;
use std::sync::Arc;

use rustls::ClientConfig;
use ureq::unversioned::transport::{Connector, SocksConnector, TcpConnector};

use crate::connect_proxy::{ConnectProxyConnector, ProxyFailure};
use crate::reuse::NoteResponseBytes;
use crate::tls::TlsConnector;
use crate::wipe::WipeSent;

/// The chain, in ureq's order: a SOCKS proxy (ureq's own connector, which bounds its
/// handshake by the connect budget) or our `CONNECT` tunnel, else a TCP connection; then TLS
/// for https URLs; the wiping of what each connection has sent (wipe.rs); last, the note of
/// whether an attempt read any byte of a response (reuse.rs). `direct` is the
/// agent's config without its proxy.
pub(crate) fn connector(
    tls: Arc<ClientConfig>,
    direct: ureq::config::Config,
    user_agent: String,
) -> impl Connector<()> {
    ().chain(SocksConnector::default())
        .chain(ConnectProxyConnector { direct, user_agent })
        .chain(TcpConnector::default())
        .chain(TlsConnector(tls))
        .chain(WipeSent)
        .chain(NoteResponseBytes)
}

/// Who a client's calls talk to: `host` as the certificate must name it, `authority` as
/// `host:port`, and the proxy's `host:port` when one is used.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) host: String,
    authority: String,
    pub(crate) proxy: Option<String>,
}

impl Target {
    /// The target of a validated base URL (`scheme://authority/path`, no userinfo).
    pub(crate) fn of(base_url: &str) -> Target {
        let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
        let authority = rest.split('/').next().unwrap_or_default();
        let (host, has_port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (host, after) = v6.split_once(']').unwrap_or((v6, ""));
                (format!("[{host}]"), after.starts_with(':'))
            }
            None => match authority.split_once(':') {
                Some((host, _)) => (host.to_string(), true),
                None => (authority.to_string(), false),
            },
        };
        let authority = if has_port {
            authority.to_string()
        } else {
            let port = if scheme.eq_ignore_ascii_case("http") {
                80
            } else {
                443
            };
            format!("{authority}:{port}")
        };
        Target {
            host: host.to_ascii_lowercase(),
            authority,
            proxy: None,
        }
    }

    /// `host:port`, the port written out even when it is the scheme's default.
    pub(crate) fn authority(&self) -> &str {
        &self.authority
    }

    pub(crate) fn with_proxy(mut self, proxy: Option<String>) -> Target {
        self.proxy = proxy;
        self
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.proxy {
            Some(proxy) => write!(f, "{} through the proxy {proxy}", self.authority),
            None => f.write_str(&self.authority),
        }
    }
}

/// The proxy's refusal inside a transport error, if it is one.
pub(crate) fn proxy_failure(e: &ureq::Error) -> Option<&ProxyFailure> {
    match e {
        ureq::Error::Other(inner) => inner.downcast_ref::<ProxyFailure>(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_host_and_port() {
        let t = Target::of("https://api.datadoghq.eu");
        assert_eq!(
            (t.host.as_str(), t.to_string().as_str()),
            ("api.datadoghq.eu", "api.datadoghq.eu:443")
        );
        let t = Target::of("http://127.0.0.1:8126/x");
        assert_eq!(
            (t.host.as_str(), t.to_string().as_str()),
            ("127.0.0.1", "127.0.0.1:8126")
        );
        let t = Target::of("https://[::1]:9/").with_proxy(Some("proxy:3128".into()));
        assert_eq!(t.host, "[::1]");
        assert_eq!(t.to_string(), "[::1]:9 through the proxy proxy:3128");
    }
}
