//! Rendering a [`Reply`] to the bytes the server writes, once, so serving it costs only writes.

use std::io::Write as _;
use std::time::Duration;

use crate::http::has_token;
use crate::reply::{Fault, Reply};

/// A reply rendered to bytes: `head` is the status line and headers without
/// the blank line that ends them (so `connection: close` can still be added).
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The status code sent (200 for a raw reply, whatever its bytes say).
    pub(crate) status: u16,
    pub(crate) head: Vec<u8>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Option<Duration>,
    pub(crate) body_delay: Option<Duration>,
    pub(crate) fault: Option<Fault>,
    /// The reply itself carries `connection: close`.
    pub(crate) close: bool,
    /// A [`Reply::passthrough`]: `head` holds only its extra header lines, added to the answer
    /// the request gets otherwise (see [`Prepared::pass_through`]).
    pub(crate) passthrough: bool,
    /// A [`Reply::raw`]: `body` holds the whole response, written verbatim, then the connection
    /// closes.
    pub(crate) raw: bool,
}

impl Prepared {
    /// The answer `routed`, delayed, extended and broken as this passthrough reply says.
    pub(crate) fn pass_through(&self, routed: &Prepared) -> Prepared {
        let mut head = routed.head.clone();
        head.extend_from_slice(&self.head);
        Prepared {
            status: routed.status,
            head,
            body: routed.body.clone(),
            delay: self.delay.or(routed.delay),
            body_delay: self.body_delay.or(routed.body_delay),
            fault: self.fault.or(routed.fault),
            close: routed.close,
            passthrough: false,
            raw: routed.raw,
        }
    }
}

impl Reply {
    /// Renders the reply to wire bytes once, so serving it costs only writes.
    pub(crate) fn prepare(&self) -> Prepared {
        if let Some(raw) = &self.raw {
            return Prepared {
                status: self.status,
                head: Vec::new(),
                body: raw.clone(),
                delay: self.delay,
                body_delay: None,
                fault: None,
                close: true,
                passthrough: false,
                raw: true,
            };
        }
        if self.passthrough {
            let mut extra = Vec::new();
            for (n, v) in &self.headers {
                let _ = write!(extra, "{n}: {v}\r\n");
            }
            return Prepared {
                status: self.status,
                head: extra,
                body: Vec::new(),
                delay: self.delay,
                body_delay: self.body_delay,
                fault: self.fault,
                close: false,
                passthrough: true,
                raw: false,
            };
        }
        let no_body = matches!(self.status, 100..=199 | 204 | 304);
        let body = if no_body {
            Vec::new()
        } else if self.gzip {
            gzip_bytes(&self.body)
        } else {
            self.body.clone()
        };
        let mut head = Vec::with_capacity(128 + self.headers.len() * 32);
        let _ = write!(
            head,
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        let user_length = self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
        if !no_body && !user_length {
            let _ = write!(head, "content-length: {}\r\n", body.len());
        }
        if let Some(ct) = &self.content_type {
            let _ = write!(head, "content-type: {ct}\r\n");
        }
        if self.gzip && !no_body {
            head.extend_from_slice(b"content-encoding: gzip\r\n");
        }
        let mut close = false;
        for (n, v) in &self.headers {
            if n.eq_ignore_ascii_case("connection") && has_token(v, "close") {
                close = true;
            }
            let _ = write!(head, "{n}: {v}\r\n");
        }
        Prepared {
            status: self.status,
            head,
            body,
            delay: self.delay,
            body_delay: self.body_delay,
            fault: self.fault,
            close,
            passthrough: false,
            raw: false,
        }
    }
}

fn gzip_bytes(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 2 + 32),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// The standard reason phrase; clients ignore it, but it makes logs readable.
pub(crate) fn reason_phrase(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_renders_lengths_and_special_statuses() {
        let p = Reply::json(200, "{}").header("x-a", "b").prepare();
        assert_eq!(
            String::from_utf8(p.head).unwrap(),
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\nx-a: b\r\n"
        );
        let p = Reply::status(204).body("ignored").prepare();
        assert_eq!(p.head, b"HTTP/1.1 204 No Content\r\n");
        assert!(p.body.is_empty());
        let p = Reply::status(200)
            .header("Content-Length", "10")
            .body("abc")
            .prepare();
        assert_eq!(
            String::from_utf8(p.head).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
        );
        assert!(
            Reply::status(200)
                .header("Connection", "close")
                .prepare()
                .close
        );
    }
}
