//! The HTTP `CONNECT` tunnel through an http:// or https:// proxy, bounded by one deadline.
//!
//! It replaces ureq 3.5's `ConnectProxyConnector`, which waits for the proxy's reply with a
//! per-read timeout: a proxy that answers one byte at a time resets it with every byte and holds
//! a call far past its deadline. Here the reply must arrive within what is left of the connect
//! budget (the connect timeout, capped by the call's deadline), measured from the start of the
//! connection, and every failure names the proxy and the target, never the proxy's credentials.

use std::fmt;
use std::io::Write;

use ureq::unversioned::transport::time::{Duration as UDuration, Instant as UInstant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport, TransportAdapter,
};
use ureq::ProxyProtocol;

/// A proxy reply head longer than this is not a proxy speaking HTTP.
const MAX_REPLY_HEAD: usize = 16 * 1024;

/// What is left of the connect budget of `details`, measured from when the connection began.
pub(crate) fn remaining(details: &ConnectionDetails) -> NextTimeout {
    let mut timeout = details.timeout;
    if let (UDuration::Exact(after), UInstant::Exact(start), UInstant::Exact(now)) =
        (timeout.after, details.now, (details.current_time)())
    {
        timeout.after =
            UDuration::Exact(after.saturating_sub(now.saturating_duration_since(start)));
    }
    timeout
}

fn is_spent(timeout: &NextTimeout) -> bool {
    matches!(timeout.after, UDuration::Exact(d) if d.is_zero())
}

/// Opens a `CONNECT` tunnel when the request's config has an http(s) proxy; otherwise (no
/// proxy, a SOCKS proxy, or a transport already made) it passes.
#[derive(Debug)]
pub(crate) struct ConnectProxyConnector {
    /// The agent's config without its proxy: the connection to the proxy itself.
    pub(crate) direct: ureq::config::Config,
    pub(crate) user_agent: String,
}

impl<In: Transport> Connector<In> for ConnectProxyConnector {
    type Out = Either<In, Tunnel>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        let Some(proxy) = details.config.proxy() else {
            return Ok(None);
        };
        if !matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https) {
            return Ok(None);
        }
        let target = {
            let authority = details
                .uri
                .authority()
                .ok_or(ureq::Error::InvalidProxyUrl)?;
            match authority.port_u16() {
                Some(_) => authority.as_str().to_string(),
                None => {
                    let https = details.uri.scheme_str() == Some("https");
                    format!("{}:{}", authority.host(), if https { 443 } else { 80 })
                }
            }
        };
        let failure = |what| {
            ureq::Error::Other(Box::new(ProxyFailure {
                proxy: format!("{}:{}", proxy.host(), proxy.port()),
                target: target.clone(),
                what,
            }))
        };

        let proxy_addrs =
            details
                .resolver
                .resolve(proxy.uri(), details.config, remaining(details))?;
        let proxy_details = ConnectionDetails {
            uri: proxy.uri(),
            addrs: proxy_addrs,
            config: &self.direct,
            request_level: false,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: details.register_shutdown.clone(),
        };
        let transport = (details.run_connector)(&proxy_details)?;

        let mut head = format!(
            "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: {}\r\n",
            self.user_agent
        );
        let sent_credentials = proxy.username().is_some() || proxy.password().is_some();
        if sent_credentials {
            let user = proxy.username().unwrap_or_default();
            let pass = proxy.password().unwrap_or_default();
            head.push_str("Proxy-Authorization: Basic ");
            head.push_str(&base64(format!("{user}:{pass}").as_bytes()));
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut w = TransportAdapter::new(transport, details.current_time.clone());
        w.set_timeout(remaining(details));
        w.write_all(head.as_bytes())?;
        let mut transport = w.into_inner();

        let (status, used) = loop {
            let input = transport.buffers().input();
            if let Some(end) = input.windows(4).position(|w| w == b"\r\n\r\n") {
                break (status_code(&input[..end]), end + 4);
            }
            if input.len() > MAX_REPLY_HEAD {
                return Err(failure(What::Garbled));
            }
            let left = remaining(details);
            if is_spent(&left) {
                return Err(ureq::Error::Timeout(left.reason));
            }
            if !transport.await_input(left)? {
                return Err(failure(What::Closed));
            }
        };
        transport.buffers().input_consume(used);
        match status {
            Some(200..=299) => Ok(Some(Either::B(Tunnel(transport)))),
            Some(407) => Err(failure(What::AuthRequired { sent_credentials })),
            Some(code) => Err(failure(What::Status(code))),
            None => Err(failure(What::Garbled)),
        }
    }
}

/// The status code of a reply head (`HTTP/1.1 200 Connection established`).
fn status_code(head: &[u8]) -> Option<u16> {
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    words.next().filter(|v| v.starts_with("HTTP/1."))?;
    words.next()?.parse().ok()
}

/// Standard base64 with padding, for `Proxy-Authorization: Basic`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The tunnel: the proxy connection, which now carries the bytes of the target's connection. It
/// is not TLS to the target yet, even through an https:// proxy.
#[derive(Debug)]
pub(crate) struct Tunnel(Box<dyn Transport>);

impl Transport for Tunnel {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        false
    }
}

/// Why the proxy did not open the tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    AuthRequired { sent_credentials: bool },
    Status(u16),
    Closed,
    Garbled,
}

/// A proxy that refused or failed the `CONNECT`; `proxy` is `host:port`, without credentials.
#[derive(Debug)]
pub(crate) struct ProxyFailure {
    pub(crate) proxy: String,
    pub(crate) target: String,
    pub(crate) what: What,
}

impl ProxyFailure {
    /// Whether trying again cannot help: the proxy refused (4xx) rather than failed (5xx).
    pub(crate) fn is_permanent(&self) -> bool {
        match self.what {
            What::AuthRequired { .. } => true,
            What::Status(code) => (400..500).contains(&code),
            What::Closed | What::Garbled => false,
        }
    }
}

impl fmt::Display for ProxyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ProxyFailure { proxy, target, .. } = self;
        match self.what {
            What::AuthRequired { sent_credentials: false } => write!(
                f,
                "the proxy {proxy} requires authentication (HTTP 407) to reach {target}; put the credentials in the proxy URL (http://user:password@{proxy})"
            ),
            What::AuthRequired { sent_credentials: true } => write!(
                f,
                "the proxy {proxy} refused the credentials in the proxy URL (HTTP 407) to reach {target}"
            ),
            What::Status(code) => write!(
                f,
                "the proxy {proxy} refused to connect to {target} (HTTP {code})"
            ),
            What::Closed => write!(
                f,
                "the proxy {proxy} closed the connection instead of connecting to {target}"
            ),
            What::Garbled => write!(
                f,
                "the proxy {proxy} did not answer the CONNECT to {target} in HTTP"
            ),
        }
    }
}

impl std::error::Error for ProxyFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn status_lines_parse() {
        assert_eq!(
            status_code(b"HTTP/1.1 200 Connection established"),
            Some(200)
        );
        assert_eq!(
            status_code(b"HTTP/1.0 407 Proxy Authentication Required\r\nX: y"),
            Some(407)
        );
        assert_eq!(status_code(b"SSH-2.0-OpenSSH"), None);
    }
}
