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

/// A response that does not parse or frames its body in a way ddorg cannot read: the server's deterministic
/// fault (the same request gets the same answer), so it is named as such and never retried.
pub(crate) fn malformed_response(target: &Target, detail: &str) -> Error {
    Error::new(
        ErrorKind::Network,
        format!("the server at {target} sent a malformed HTTP response (protocol error: {detail}); not retried"),
    )
    .permanent()
}

/// What is wrong with a response's body framing (RFC 9112 §6.1, §6.3), if anything: `chunked`
/// followed by another coding, which ddorg never asked for (it sends no `TE`) and could not undo.
/// A `Transfer-Encoding` whose codings do not include `chunked` is read until the server closes,
/// as §6.3 says; with `Content-Length` as well, `Transfer-Encoding` wins (the `chunked_body`
/// fault row), so neither needs a check here.
pub(crate) fn framing_fault(headers: &ureq::http::HeaderMap) -> Option<&'static str> {
    let mut codings = headers
        .get_all("transfer-encoding")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .peekable();
    codings.peek()?;
    let codings: Vec<&str> = codings.collect();
    let last = codings.len() - 1;
    if codings[..last]
        .iter()
        .any(|c| c.eq_ignore_ascii_case("chunked"))
    {
        return Some("a transfer coding after chunked");
    }
    None
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
            return malformed_response(target, &p.to_string()).with_source(e)
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

#[cfg(test)]
mod tests {
    use super::framing_fault;
    use ureq::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn chunked_before_another_coding_is_a_framing_fault() {
        for te in ["chunked, gzip", "CHUNKED,identity"] {
            let h = headers(&[("transfer-encoding", te)]);
            assert_eq!(
                framing_fault(&h),
                Some("a transfer coding after chunked"),
                "{te}"
            );
        }
        let split = headers(&[
            ("transfer-encoding", "chunked"),
            ("transfer-encoding", "gzip"),
        ]);
        assert_eq!(
            framing_fault(&split),
            Some("a transfer coding after chunked")
        );
        for ok in [
            headers(&[("content-length", "5")]),
            headers(&[("transfer-encoding", "chunked")]),
            headers(&[("transfer-encoding", "chunked"), ("content-length", "5")]),
            headers(&[("transfer-encoding", "gzip, chunked")]),
            headers(&[("transfer-encoding", "identity")]),
            headers(&[]),
        ] {
            assert_eq!(framing_fault(&ok), None, "{ok:?}");
        }
    }
}
