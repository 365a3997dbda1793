//! What a ureq failure means to a caller: one of our [`ErrorKind`]s and one sentence naming the
//! host (and the proxy), whichever layer failed: TLS, the proxy, a deadline, the socket.

use std::io;
use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::transport::{self, Target};

/// Whether a ureq failure is a deadline passing (ureq's own timeouts, or a socket read timing out).
pub(crate) fn is_timeout(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
        ),
        _ => false,
    }
}

/// Maps a ureq failure to our kinds and one sentence naming the host (and proxy). `overall` is
/// the call's deadline: each attempt's global timeout is what is left of it.
pub(crate) fn transport_error(e: ureq::Error, overall: Duration, target: &Target) -> Error {
    if let Some(message) = crate::tls::tls_failure(&e, &target.host) {
        return Error::new(ErrorKind::Tls, message).with_source(e);
    }
    if let Some(failure) = transport::proxy_failure(&e) {
        let err = Error::new(ErrorKind::Network, failure.to_string());
        let err = if failure.is_permanent() {
            err.permanent()
        } else {
            err
        };
        return err.with_source(e);
    }
    let (kind, message) = match &e {
        ureq::Error::Timeout(ureq::Timeout::Global) => {
            return Error::deadline_passed(overall, target).with_source(e)
        }
        ureq::Error::Timeout(ureq::Timeout::Connect) => {
            return Error::new(
                ErrorKind::Timeout,
                format!("the request to {target} timed out (connect timeout)"),
            )
            .retryable_timeout()
            .with_source(e)
        }
        ureq::Error::Timeout(which) => (
            ErrorKind::Timeout,
            format!("the request to {target} timed out ({which} timeout)"),
        ),
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) =>
        {
            (
                ErrorKind::Timeout,
                format!("the request to {target} timed out: {io}"),
            )
        }
        ureq::Error::BodyExceedsLimit(limit) => (
            ErrorKind::ResponseTooLarge,
            format!("response body is larger than the {limit} byte limit"),
        ),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::InvalidProxyUrl => (
            ErrorKind::Config,
            format!("invalid request to {target}: {e}"),
        ),
        // A response that does not parse (a folded header line, a control character in a
        // header, conflicting framing) is the server's deterministic fault: the same request
        // gets the same answer, so it is named as such and never retried.
        ureq::Error::Protocol(p) => {
            return Error::new(
                ErrorKind::Network,
                format!("the server at {target} sent a malformed HTTP response (protocol error: {p}); not retried"),
            )
            .permanent()
            .with_source(e)
        }
        ureq::Error::Io(io)
            if io.kind() == io::ErrorKind::ConnectionReset
                || (io.kind() == io::ErrorKind::UnexpectedEof && crate::reuse::reset_seen()) =>
        {
            (
                ErrorKind::Network,
                format!("network error talking to {target}: the connection was reset by peer"),
            )
        }
        // The resolver already tried its servers; asking it again at once would only repeat
        // the answer, so the name is reported once and not retried.
        ureq::Error::HostNotFound => {
            let message = match &target.proxy {
                Some(proxy) => format!("could not resolve the proxy host {proxy}"),
                None => format!("could not resolve host {}", target.host),
            };
            return Error::new(ErrorKind::Network, message)
                .permanent()
                .with_source(e);
        }
        _ => (
            ErrorKind::Network,
            format!("network error talking to {target}: {e}"),
        ),
    };
    Error::new(kind, message).with_source(e)
}
