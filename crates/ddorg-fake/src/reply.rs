//! Scripted replies ([`Reply`], [`Fault`]), their JSON form, and the
//! pre-rendered wire bytes the server writes for them.

use std::io::Write as _;
use std::time::Duration;

use serde_json::Value;

/// A way to misbehave at the transport level instead of (or while) answering,
/// so clients can be tested against broken connections.
///
/// Every fault happens after the whole request (including its body) was read
/// and after any [`Reply::delay`]. In the control API's reply JSON, faults are
/// named in snake_case: `"close_without_response"`, `"reset_mid_headers"`,
/// `"reset_mid_body"`, `"close_after_response"`, `"truncated_body"`.
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
}

impl Fault {
    /// The snake_case name used in the control API's reply JSON.
    pub fn name(self) -> &'static str {
        match self {
            Fault::CloseWithoutResponse => "close_without_response",
            Fault::ResetMidHeaders => "reset_mid_headers",
            Fault::ResetMidBody => "reset_mid_body",
            Fault::CloseAfterResponse => "close_after_response",
            Fault::TruncatedBody => "truncated_body",
        }
    }

    /// Parses a snake_case fault name (see [`Fault::name`]); `None` if unknown.
    pub fn from_name(name: &str) -> Option<Fault> {
        Some(match name {
            "close_without_response" => Fault::CloseWithoutResponse,
            "reset_mid_headers" => Fault::ResetMidHeaders,
            "reset_mid_body" => Fault::ResetMidBody,
            "close_after_response" => Fault::CloseAfterResponse,
            "truncated_body" => Fault::TruncatedBody,
            _ => return None,
        })
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
    pub(crate) fault: Option<Fault>,
    pub(crate) repeat: usize,
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
            fault: None,
            repeat: 1,
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

    /// Parses the control API's JSON form of a reply, so the HTTP control API
    /// and Rust callers share one definition. All fields are optional:
    ///
    /// ```json
    /// {"status": 429, "headers": {"x-ratelimit-reset": "1"},
    ///  "body": "text", "json": {"any": "value"}, "body_base64": "aGk=",
    ///  "errors": ["msg"], "content_type": "text/html", "gzip": true,
    ///  "delay_ms": 1500, "fault": "reset_mid_body", "repeat": 3,
    ///  "redirect": "http://127.0.0.1:1234/x"}
    /// ```
    ///
    /// `status` defaults to 200, or to 302 when `redirect` (which sets
    /// `location`) is given. `headers` is an object or an array of
    /// `[name, value]` pairs. At most one of `body`, `json` (serialized
    /// compactly, with `content-type: application/json`), `body_base64` and
    /// `errors` (Datadog's error body, with `content-type: application/json`)
    /// may be given; `content_type` overrides the implied content type.
    /// Unknown fields are rejected, so typos fail loudly.
    ///
    /// ```
    /// use ddorg_fake::Reply;
    /// let r = Reply::from_json(r#"{"status":503,"errors":["down"],"repeat":2}"#).unwrap();
    /// # let _ = r;
    /// assert!(Reply::from_json(r#"{"stauts":503}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Reply, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("reply is not valid JSON: {e}"))?;
        Reply::from_value(&value)
    }

    pub(crate) fn from_value(value: &Value) -> Result<Reply, String> {
        let obj = value
            .as_object()
            .ok_or_else(|| "reply must be a JSON object".to_string())?;
        const KNOWN: &[&str] = &[
            "status",
            "headers",
            "body",
            "json",
            "body_base64",
            "errors",
            "content_type",
            "gzip",
            "delay_ms",
            "fault",
            "repeat",
            "redirect",
        ];
        for key in obj.keys() {
            if !KNOWN.contains(&key.as_str()) {
                return Err(format!(
                    "unknown reply field {key:?} (known: {})",
                    KNOWN.join(", ")
                ));
            }
        }
        let get = |k: &str| obj.get(k).filter(|v| !v.is_null());

        let redirect = match get("redirect") {
            None => None,
            Some(v) => Some(v.as_str().ok_or("\"redirect\" must be a string")?),
        };
        let status = match get("status") {
            None if redirect.is_some() => 302,
            None => 200,
            Some(v) => {
                let n = v
                    .as_u64()
                    .filter(|n| (100..=999).contains(n))
                    .ok_or("\"status\" must be an integer from 100 to 999")?;
                n as u16
            }
        };
        let mut reply = Reply::status(status);
        if let Some(loc) = redirect {
            check_header_text("redirect", loc)?;
            reply = reply.header("location", loc);
        }

        let sources: Vec<&str> = ["body", "json", "body_base64", "errors"]
            .into_iter()
            .filter(|k| get(k).is_some())
            .collect();
        if sources.len() > 1 {
            return Err(format!(
                "give at most one of body, json, body_base64, errors (got {})",
                sources.join(", ")
            ));
        }
        if let Some(v) = get("body") {
            reply.body = v
                .as_str()
                .ok_or("\"body\" must be a string")?
                .as_bytes()
                .to_vec();
        }
        if let Some(v) = get("json") {
            reply.body = serde_json::to_vec(v).map_err(|e| e.to_string())?;
            reply.content_type = Some("application/json".to_string());
        }
        if let Some(v) = get("body_base64") {
            let text = v.as_str().ok_or("\"body_base64\" must be a string")?;
            reply.body = base64_decode(text)?;
        }
        if let Some(v) = get("errors") {
            let arr = v
                .as_array()
                .ok_or("\"errors\" must be an array of strings")?;
            let mut msgs = Vec::with_capacity(arr.len());
            for m in arr {
                msgs.push(m.as_str().ok_or("\"errors\" must be an array of strings")?);
            }
            reply.body = errors_body(&msgs).into_bytes();
            reply.content_type = Some("application/json".to_string());
        }

        if let Some(v) = get("headers") {
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            if let Some(map) = v.as_object() {
                for (k, v) in map {
                    let v = v
                        .as_str()
                        .ok_or_else(|| format!("header {k:?} must have a string value"))?;
                    pairs.push((k, v));
                }
            } else if let Some(list) = v.as_array() {
                for item in list {
                    let pair = item
                        .as_array()
                        .filter(|p| p.len() == 2)
                        .and_then(|p| Some((p[0].as_str()?, p[1].as_str()?)))
                        .ok_or("\"headers\" array items must be [name, value] string pairs")?;
                    pairs.push(pair);
                }
            } else {
                return Err(
                    "\"headers\" must be an object or an array of [name, value] pairs".into(),
                );
            }
            for (k, v) in pairs {
                if k.is_empty() || k.contains([':', ' ', '\t']) {
                    return Err(format!("invalid header name {k:?}"));
                }
                check_header_text(k, k)?;
                check_header_text(k, v)?;
                reply = reply.header(k, v);
            }
        }
        if let Some(v) = get("content_type") {
            let ct = v.as_str().ok_or("\"content_type\" must be a string")?;
            check_header_text("content_type", ct)?;
            reply.content_type = Some(ct.to_string());
        }
        if let Some(v) = get("gzip") {
            reply.gzip = v.as_bool().ok_or("\"gzip\" must be true or false")?;
        }
        if let Some(v) = get("delay_ms") {
            let ms = v
                .as_u64()
                .ok_or("\"delay_ms\" must be a non-negative integer")?;
            reply.delay = Some(Duration::from_millis(ms));
        }
        if let Some(v) = get("fault") {
            let name = v.as_str().ok_or("\"fault\" must be a string")?;
            reply.fault = Some(Fault::from_name(name).ok_or_else(|| {
                format!(
                    "unknown fault {name:?} (known: close_without_response, reset_mid_headers, \
                     reset_mid_body, close_after_response, truncated_body)"
                )
            })?);
        }
        if let Some(v) = get("repeat") {
            let n = v
                .as_u64()
                .filter(|n| *n >= 1)
                .ok_or("\"repeat\" must be a positive integer")?;
            reply.repeat = usize::try_from(n).unwrap_or(usize::MAX);
        }
        Ok(reply)
    }

    /// Renders the reply to wire bytes once, so serving it costs only writes.
    pub(crate) fn prepare(&self) -> Prepared {
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
            head,
            body,
            delay: self.delay,
            fault: self.fault,
            close,
        }
    }
}

/// A reply rendered to bytes: `head` is the status line and headers without
/// the blank line that ends them (so `connection: close` can still be added).
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) head: Vec<u8>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Option<Duration>,
    pub(crate) fault: Option<Fault>,
    /// The reply itself carries `connection: close`.
    pub(crate) close: bool,
}

fn check_header_text(what: &str, v: &str) -> Result<(), String> {
    if v.contains(['\r', '\n']) {
        Err(format!("{what:?} must not contain CR or LF"))
    } else {
        Ok(())
    }
}

/// Whether a comma-separated header value contains `token` (case-insensitive).
pub(crate) fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

pub(crate) fn errors_body(messages: &[&str]) -> String {
    serde_json::json!({ "errors": messages }).to_string()
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

/// Decodes standard or URL-safe base64; padding optional, ASCII whitespace
/// ignored.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for (i, c) in text.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return Err(format!("invalid base64 character {:?} at {i}", c as char)),
        };
        if padding > 0 {
            return Err("invalid base64: data after '=' padding".into());
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // 6 leftover bits can never happen in valid base64 (one stray character).
    if bits >= 6 {
        return Err("invalid base64: truncated input".into());
    }
    Ok(out)
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
    fn base64_round_trips_known_vectors() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(base64_decode("Zm9v\nYmFy").unwrap(), b"foobar");
        assert_eq!(base64_decode("_-8=").unwrap(), [0xff, 0xef]);
        assert_eq!(base64_decode("//8=").unwrap(), [0xff, 0xff]);
        assert!(base64_decode("Z").is_err());
        assert!(base64_decode("Zm9v!").is_err());
        assert!(base64_decode("Zg==Zg").is_err());
    }

    #[test]
    fn from_json_covers_every_field() {
        let r = Reply::from_json(
            r#"{"status":429,"headers":[["x-a","1"],["Content-Type","text/x"]],
                "body":"hi","gzip":true,"delay_ms":5,"fault":"truncated_body","repeat":3}"#,
        )
        .unwrap();
        assert_eq!(r.status, 429);
        assert_eq!(r.headers, vec![("x-a".to_string(), "1".to_string())]);
        assert_eq!(r.content_type.as_deref(), Some("text/x"));
        assert_eq!(r.body, b"hi");
        assert!(r.gzip);
        assert_eq!(r.delay, Some(Duration::from_millis(5)));
        assert_eq!(r.fault, Some(Fault::TruncatedBody));
        assert_eq!(r.repeat, 3);

        let r = Reply::from_json(r#"{"redirect":"http://x/y"}"#).unwrap();
        assert_eq!(r.status, 302);
        assert_eq!(r.headers, vec![("location".into(), "http://x/y".into())]);

        let r = Reply::from_json(r#"{"json":{"a":[1]},"content_type":"text/plain"}"#).unwrap();
        assert_eq!(r.body, br#"{"a":[1]}"#);
        assert_eq!(r.content_type.as_deref(), Some("text/plain"));

        let r = Reply::from_json(r#"{"errors":["x\"y"]}"#).unwrap();
        assert_eq!(r.body, br#"{"errors":["x\"y"]}"#);
        assert_eq!(r.status, 200);

        for bad in [
            "[]",
            "{",
            r#"{"status":99}"#,
            r#"{"status":"200"}"#,
            r#"{"body":"a","json":1}"#,
            r#"{"fault":"explode"}"#,
            r#"{"repeat":0}"#,
            r#"{"headers":{"x":"a\r\nb"}}"#,
            r#"{"headers":[["x"]]}"#,
            r#"{"body_base64":"!!"}"#,
            r#"{"unknown":1}"#,
        ] {
            assert!(Reply::from_json(bad).is_err(), "{bad} should be rejected");
        }
    }

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
