//! Scripted replies: [`Reply`], built with chained methods, and the transport [`Fault`]s.
//!
//! Their JSON form (the control API's) is in `reply_json.rs`, their rendering to bytes in
//! `wire.rs`.

use std::time::Duration;

/// A way to misbehave at the transport level instead of (or while) answering,
/// so clients can be tested against broken connections.
///
/// Every fault happens after the whole request (including its body) was read
/// and after any [`Reply::delay`]. In the control API's reply JSON a fault is
/// named by [`Fault::name`] (snake_case, e.g. `"reset_mid_body"`); [`Fault::ALL`]
/// lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Read the request, then close the socket without writing a byte, so the
    /// client sees EOF where it expects a status line.
    CloseWithoutResponse,
    /// Write `HTTP/1.1 200 OK\r\ncontent-ty` and close, so the client sees EOF
    /// in the middle of the response headers.
    ResetMidHeaders,
    /// Write the complete headers (with the real `content-length`) and the
    /// first half of the body, then close.
    ResetMidBody,
    /// Write a complete, normal keep-alive response (no `connection: close`),
    /// then close the socket, so a client that pools the connection finds it
    /// dead on its next call (the stale-pooled-connection case).
    CloseAfterResponse,
    /// Write the complete headers (with `content-length` of the full body) and
    /// all of the body except its last 5 bytes, then close.
    TruncatedBody,
    /// Write only the status line, `HTTP/1.1 200 OK\r\n`, and close: the answer had begun, so
    /// a client must not send the request again on its own.
    CloseAfterStatusLine,
    /// Write the reply's whole status line and headers, then reset the connection (TCP RST,
    /// through `SO_LINGER` 0) instead of closing it, so the client reads "connection reset".
    ResetAfterHeaders,
}

impl Fault {
    /// Every fault, in the order documented above.
    pub const ALL: &'static [Fault] = &[
        Fault::CloseWithoutResponse,
        Fault::ResetMidHeaders,
        Fault::ResetMidBody,
        Fault::CloseAfterResponse,
        Fault::TruncatedBody,
        Fault::CloseAfterStatusLine,
        Fault::ResetAfterHeaders,
    ];

    /// The snake_case name used in the control API's reply JSON: the one place
    /// the names are written.
    pub fn name(self) -> &'static str {
        match self {
            Fault::CloseWithoutResponse => "close_without_response",
            Fault::ResetMidHeaders => "reset_mid_headers",
            Fault::ResetMidBody => "reset_mid_body",
            Fault::CloseAfterResponse => "close_after_response",
            Fault::TruncatedBody => "truncated_body",
            Fault::CloseAfterStatusLine => "close_after_status_line",
            Fault::ResetAfterHeaders => "reset_after_headers",
        }
    }

    /// Parses a snake_case fault name (see [`Fault::name`]); `None` if unknown.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A scripted HTTP response, built with chained methods and handed to
/// [`FakeServer::enqueue`](crate::FakeServer::enqueue),
/// [`FakeServer::set_org`](crate::FakeServer::set_org) or
/// [`FakeServer::set_salesforce`](crate::FakeServer::set_salesforce)
/// (or sent as JSON to the control API, see [`Reply::from_json`]).
///
/// The server always sends `content-length` (never chunked encoding), computed
/// from the final (possibly gzipped) body, unless you set a `content-length`
/// header yourself, which is then sent verbatim in its place (to simulate a
/// lying server). Status codes 1xx, 204 and 304 are sent without body and
/// without `content-length`. Headers are sent verbatim, in the order added.
/// A `connection: close` header makes the server close the connection after
/// the reply.
///
/// ```
/// use ddorg_fake::{Fault, Reply};
/// use std::time::Duration;
///
/// let throttled = Reply::errors(429, &["Rate limit exceeded"])
///     .rate_limit(1000, 60, 0, 3, "org_get")
///     .repeat(2);
/// let slow_and_broken = Reply::json(200, "{}")
///     .delay(Duration::from_millis(50))
///     .fault(Fault::TruncatedBody);
/// # let _ = (throttled, slow_and_broken);
/// ```
#[derive(Clone, Debug)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
    pub(crate) gzip: bool,
    pub(crate) delay: Option<Duration>,
    pub(crate) body_delay: Option<Duration>,
    pub(crate) fault: Option<Fault>,
    pub(crate) repeat: usize,
    /// Serves what the request would have got without this reply (see [`Reply::passthrough`]).
    pub(crate) passthrough: bool,
    /// Bytes written verbatim in place of a response (see [`Reply::raw`]).
    pub(crate) raw: Option<Vec<u8>>,
}

impl Reply {
    /// A reply with this status code, an empty body and no extra headers.
    /// Defaults to being served once when enqueued (see [`Reply::repeat`]).
    pub fn status(code: u16) -> Reply {
        Reply {
            status: code,
            headers: Vec::new(),
            content_type: None,
            body: Vec::new(),
            gzip: false,
            delay: None,
            body_delay: None,
            fault: None,
            repeat: 1,
            passthrough: false,
            raw: None,
        }
    }

    /// A reply that is these bytes, written verbatim (status line, headers, body, whatever the
    /// test needs: folded headers, control characters, framing the server must not send), after
    /// which the connection is closed. Its [`delay`](Reply::delay) and
    /// [`repeat`](Reply::repeat) apply; everything else is ignored.
    ///
    /// ```
    /// use ddorg_fake::Reply;
    /// let folded = Reply::raw("HTTP/1.1 200 OK\r\nx-a: 1\r\n 2\r\ncontent-length: 2\r\n\r\n{}");
    /// # let _ = folded;
    /// ```
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            raw: Some(bytes.into()),
            ..Reply::status(200)
        }
    }

    /// A reply that answers what the request would have got without it (a persistent
    /// [`set_org`](crate::FakeServer::set_org) reply, the endpoint's example, a 403 for missing
    /// keys, a 404), after this reply's [`delay`](Reply::delay), with its extra
    /// [`header`](Reply::header)s added and its [`fault`](Reply::fault), if any: to slow down or
    /// break one request without restating its body. Its JSON form is a reply with neither a
    /// status nor a body, e.g. `{"delay_ms": 500}`. A status, body, content type or gzip
    /// setting given to it is ignored.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_fake::{FakeServer, Reply};
    ///
    /// let fake = FakeServer::start()?;
    /// // The next request waits 20 ms, then gets the documented example body as usual.
    /// fake.enqueue(Reply::passthrough().delay(Duration::from_millis(20)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn passthrough() -> Reply {
        Reply {
            passthrough: true,
            ..Reply::status(200)
        }
    }

    /// A reply with this status and a JSON body (sent as-is, not validated,
    /// so malformed JSON can be tested) and `content-type: application/json`.
    pub fn json(code: u16, body: &str) -> Reply {
        Reply::status(code)
            .content_type("application/json")
            .body(body)
    }

    /// A reply with Datadog's error body, `{"errors":["msg",...]}`, and
    /// `content-type: application/json`; the messages are JSON-escaped.
    pub fn errors(code: u16, messages: &[&str]) -> Reply {
        Reply::json(code, &errors_body(messages))
    }

    /// A redirect: this (3xx) status, an empty body and a `location` header.
    pub fn redirect(code: u16, location: &str) -> Reply {
        Reply::status(code).header("location", location)
    }

    /// Adds a response header, sent verbatim after the server's own headers.
    /// Setting `content-type` this way replaces [`Reply::content_type`];
    /// setting `content-length` replaces the computed length (see the type's
    /// docs). Defaults to no extra headers.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if name.eq_ignore_ascii_case("content-type") {
            self.content_type = Some(value.to_string());
        } else {
            self.headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// Replaces the body (bytes are sent as given). Defaults to empty, or to
    /// what [`Reply::json`] / [`Reply::errors`] set.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Reply {
        self.body = bytes.into();
        self
    }

    /// Sets the `content-type` header. Defaults to none for
    /// [`Reply::status`], `application/json` for [`Reply::json`] and
    /// [`Reply::errors`].
    pub fn content_type(mut self, v: &str) -> Reply {
        self.content_type = Some(v.to_string());
        self
    }

    /// Gzip-compresses the body (whatever it is when the reply is handed to
    /// the server) and adds `content-encoding: gzip`, to test transparent
    /// decompression. Defaults to off.
    pub fn gzip(mut self) -> Reply {
        self.gzip = true;
        self
    }

    /// Sleeps this long after reading the request and before writing anything
    /// (also before any [`Fault`]), to test client timeouts. Defaults to no
    /// delay.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    /// Sends the status line and headers at once, then sleeps this long
    /// before the body, to test a deadline that passes while a body is read.
    /// Defaults to no delay.
    pub fn body_delay(mut self, d: Duration) -> Reply {
        self.body_delay = Some(d);
        self
    }

    /// Misbehaves at the transport level in this way (see [`Fault`]).
    /// Defaults to none: a well-formed response.
    pub fn fault(mut self, f: Fault) -> Reply {
        self.fault = Some(f);
        self
    }

    /// Adds Datadog's rate-limit headers `x-ratelimit-limit`,
    /// `x-ratelimit-period`, `x-ratelimit-remaining`, `x-ratelimit-reset` and
    /// `x-ratelimit-name`, so clients' rate-limit parsing and 429 back-off can
    /// be tested. Defaults to none (except on the server's default replies).
    pub fn rate_limit(
        self,
        limit: u64,
        period: u64,
        remaining: u64,
        reset: u64,
        name: &str,
    ) -> Reply {
        self.header("x-ratelimit-limit", &limit.to_string())
            .header("x-ratelimit-period", &period.to_string())
            .header("x-ratelimit-remaining", &remaining.to_string())
            .header("x-ratelimit-reset", &reset.to_string())
            .header("x-ratelimit-name", name)
    }

    /// When enqueued, serve this reply to the next `n` API requests instead of
    /// just the next one (`0` is treated as `1`). Ignored by
    /// [`FakeServer::set_org`](crate::FakeServer::set_org) and
    /// [`FakeServer::set_salesforce`](crate::FakeServer::set_salesforce), whose
    /// replies are persistent. Defaults to 1.
    pub fn repeat(mut self, n: usize) -> Reply {
        self.repeat = n.max(1);
        self
    }
}

/// Datadog's error body, `{"errors": [...]}`, with the messages JSON-escaped.
pub(crate) fn errors_body(messages: &[&str]) -> String {
    serde_json::json!({ "errors": messages }).to_string()
}
