//! The one error type every call returns, and the [`ErrorKind`] each binding maps exhaustively.

use std::fmt;
use std::time::Duration;

use crate::rate_limit::RateLimit;
use crate::text;

/// What went wrong, as a small `Copy` enum.
///
/// Kinds are only ever added, never renamed or removed, so a `match` on a kind needs a wildcard
/// arm: the next kind is not a breaking change. Inside this workspace the C status codes, the
/// Python exception classes and the CLI exit codes are each one exhaustive `match` (naming the
/// hidden `__NonExhaustive` variant, which can never be built), so a new kind cannot be forgotten
/// by a binding.
///
/// ```
/// # use ddorg_core::ErrorKind;
/// fn worth_paging(kind: ErrorKind) -> bool {
///     match kind {
///         ErrorKind::Server | ErrorKind::Network | ErrorKind::Timeout => true,
///         _ => false,
///     }
/// }
/// assert!(worth_paging(ErrorKind::Server));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Missing or invalid keys, an unknown site, a bad base URL or proxy: found before any request.
    Config,
    /// A bad argument to a call, such as an empty `public_id`.
    InvalidArgument,
    /// HTTP 400.
    BadRequest,
    /// HTTP 401.
    Unauthorized,
    /// HTTP 403: usually a wrong key, or a key without the needed permission.
    Forbidden,
    /// HTTP 404.
    NotFound,
    /// HTTP 429, still there after the retries allowed.
    RateLimited,
    /// HTTP 5xx, still there after the retries allowed.
    Server,
    /// Any other status that is not a success, including a refused redirect.
    UnexpectedStatus,
    /// The connect timeout or the overall deadline passed.
    Timeout,
    /// DNS, refused or reset connections, proxy and HTTP protocol failures.
    Network,
    /// The body is not the JSON the endpoint documents (names the JSON path when it can).
    Decode,
    /// The body is larger than the configured cap.
    ResponseTooLarge,
    /// The server's certificate is untrusted, expired, for another host or self-signed, or the
    /// TLS handshake failed. Never retried: trying again cannot change a certificate.
    Tls,
    /// Not a kind: it makes downstream `match`es need a wildcard arm (what `#[non_exhaustive]`
    /// would do) while this workspace's bindings still match every kind by name. It holds an
    /// [`Infallible`](std::convert::Infallible), so no value of it exists and its arms are
    /// `match never {}`, which cannot panic.
    #[doc(hidden)]
    __NonExhaustive(std::convert::Infallible),
}

impl ErrorKind {
    /// Every kind, in contract order (a slice, so adding a kind does not change its type).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Config,
        ErrorKind::InvalidArgument,
        ErrorKind::BadRequest,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::UnexpectedStatus,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::Decode,
        ErrorKind::ResponseTooLarge,
        ErrorKind::Tls,
    ];

    /// A stable snake_case name (`"rate_limited"`), used by the Python `.kind` attribute and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::UnexpectedStatus => "unexpected_status",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::Decode => "decode",
            ErrorKind::ResponseTooLarge => "response_too_large",
            ErrorKind::Tls => "tls",
            ErrorKind::__NonExhaustive(never) => match never {},
        }
    }

    /// The kind for a non-success HTTP status.
    pub const fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::UnexpectedStatus,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error every fallible ddorg call returns.
///
/// It carries everything a caller needs to decide what to do next: the [`ErrorKind`], the HTTP
/// status if a response came, Datadog's own `errors` strings (or a short snippet of a body that
/// was not JSON, such as an HTML 502 page), the rate-limit headers and how many attempts were
/// made. Its `Display` is one line; neither it nor `Debug` ever holds an API or application key.
#[derive(thiserror::Error)]
#[error("{}", .details.message)]
///
/// ```
/// use ddorg_core::{Client, ErrorKind};
/// use ddorg_fake::Reply;
///
/// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
/// fake.enqueue(Reply::errors(429, &["Too many requests"]).rate_limit(100, 60, 0, 0, "org_get").repeat(2));
/// let client = Client::builder()
///     .api_key("k")
///     .app_key("k")
///     .base_url(fake.base_url())
///     .max_retries(1)
///     .build()?;
///
/// let err = client.get_org("abcdef12345").unwrap_err();
/// match err.kind() {
///     ErrorKind::RateLimited => {
///         assert_eq!(err.status(), Some(429));
///         assert_eq!(err.errors(), ["Too many requests"]);
///         assert_eq!(err.attempts(), 2);
///         assert_eq!(err.rate_limit().and_then(|r| r.name.as_deref()), Some("org_get"));
///         assert_eq!(err.message(), "rate limited (HTTP 429): Too many requests");
///         assert_eq!(err.to_string(), err.message());
///         assert_eq!(err.message_with_attempts(), "rate limited (HTTP 429): Too many requests, 2 attempts");
///     }
///     // ErrorKind grows over time: a match needs a wildcard arm.
///     _ => panic!("unexpected {err}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Error {
    // Boxed so that `Result<T, Error>` stays small on the success path.
    details: Box<Details>,
    #[source]
    source: Option<Source>,
}

struct Details {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    errors: Vec<String>,
    rate_limit: Option<RateLimit>,
    attempts: u32,
    deadline: Option<Duration>,
    /// Trying again cannot help (a proxy's 407), whatever the kind's usual rule.
    permanent: bool,
    /// The response's `Retry-After`, as a wait from when it arrived (see retry_after.rs).
    retry_after: Option<Duration>,
    /// A timeout that spent only part of the deadline (connecting), so a retry may still fit.
    retryable_timeout: bool,
}

impl Error {
    /// An error of `kind` with a one-line message and no response details.
    ///
    /// The message is made one safe line here, for every error of every language: control
    /// characters (a server's text may hold ANSI or OSC sequences, CR or LF) are escaped visibly
    /// and its length is bounded (see [`crate::text`]).
    ///
    /// ```
    /// use ddorg_core::{Error, ErrorKind};
    ///
    /// // For mocks of code that handles ddorg errors.
    /// let err = Error::new(ErrorKind::Timeout, "timed out");
    /// assert_eq!((err.kind(), err.message(), err.status(), err.attempts()), (ErrorKind::Timeout, "timed out", None, 0));
    /// # Ok::<(), ddorg_core::Error>(())
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            details: Box::new(Details {
                kind,
                message: text::one_line(message.into()),
                status: None,
                errors: Vec::new(),
                rate_limit: None,
                attempts: 0,
                deadline: None,
                permanent: false,
                retry_after: None,
                retryable_timeout: false,
            }),
            source: None,
        }
    }

    /// The error for a non-success HTTP response; the message names the status and Datadog's errors.
    pub(crate) fn from_response(
        status: u16,
        errors: Vec<String>,
        rate_limit: Option<RateLimit>,
    ) -> Error {
        let kind = ErrorKind::from_status(status);
        let mut message = format!("{} (HTTP {status})", kind.describe());
        if !errors.is_empty() {
            message.push_str(": ");
            message.push_str(&text::messages_in_line(&errors));
        }
        Error::new(kind, message)
            .with_status(status)
            .with_errors(errors)
            .with_rate_limit(rate_limit)
    }

    pub(crate) fn with_source(mut self, source: impl Into<Source>) -> Error {
        self.source = Some(source.into());
        self
    }

    /// Adds how to fix it to the message: `forbidden (HTTP 403): Forbidden (the fix)`.
    pub(crate) fn with_fix(mut self, fix: &str) -> Error {
        self.details.message = format!("{} ({fix})", self.details.message);
        self
    }

    pub(crate) fn with_errors(mut self, errors: Vec<String>) -> Error {
        self.details.errors = errors;
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.details.status = Some(status);
        self
    }

    pub(crate) fn with_rate_limit(mut self, rate_limit: Option<RateLimit>) -> Error {
        self.details.rate_limit = rate_limit;
        self
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<Duration>) -> Error {
        self.details.retry_after = wait;
        self
    }

    /// The wait the response's `Retry-After` asked for, if it had a valid one.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        self.details.retry_after
    }

    /// Marks a timeout that did not spend the whole deadline (a connect timeout) as retryable.
    pub(crate) fn retryable_timeout(mut self) -> Error {
        self.details.retryable_timeout = true;
        self
    }

    pub(crate) fn is_retryable_timeout(&self) -> bool {
        self.details.retryable_timeout
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.details.attempts = attempts;
        self
    }

    /// A [`ErrorKind::Timeout`] caused by the call's overall deadline, which was `deadline`,
    /// while talking to `target`.
    pub(crate) fn deadline_passed(deadline: Duration, target: &dyn fmt::Display) -> Error {
        let mut e = Error::new(
            ErrorKind::Timeout,
            format!(
                "timed out after {} (the overall deadline) talking to {target}",
                seconds(deadline)
            ),
        );
        e.details.deadline = Some(deadline);
        e
    }

    pub(crate) fn permanent(mut self) -> Error {
        self.details.permanent = true;
        self
    }

    pub(crate) fn is_permanent(&self) -> bool {
        self.details.permanent
    }

    /// What went wrong; match on this rather than on the message.
    pub fn kind(&self) -> ErrorKind {
        self.details.kind
    }

    /// The one-line message (the same text as `Display`).
    pub fn message(&self) -> &str {
        &self.details.message
    }

    /// The HTTP status of the last response, if one came.
    pub fn status(&self) -> Option<u16> {
        self.details.status
    }

    /// Datadog's `errors` strings from the body, or a short snippet of a body that was not JSON.
    pub fn errors(&self) -> &[String] {
        &self.details.errors
    }

    /// The `x-ratelimit-*` headers of the last response, if it had any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.details.rate_limit.as_ref()
    }

    /// How many HTTP attempts were made (0 when the error came before any request).
    pub fn attempts(&self) -> u32 {
        self.details.attempts
    }

    /// For a [`ErrorKind::Timeout`] caused by the call's overall deadline (the builder's
    /// `timeout`), that deadline; `None` for every other error, a connect timeout included.
    /// Lets a caller name its own setting: the CLI says "the --timeout deadline".
    ///
    /// ```
    /// # let fake = ddorg_fake::FakeServer::start().unwrap();
    /// # fake.enqueue(ddorg_fake::Reply::json(200, "{}").delay(std::time::Duration::from_secs(2)));
    /// use std::time::Duration;
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .app_key("my-app-key")
    ///     .base_url(fake.base_url())
    ///     .timeout(Duration::from_millis(200))
    ///     .build()?;
    /// let err = client.get_org("abcdef12345").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Timeout);
    /// assert_eq!(err.deadline(), Some(Duration::from_millis(200)));
    /// assert!(err.message().starts_with("timed out after 0.2 s (the overall deadline)"));
    /// assert!(err.message_with_attempts().ends_with(", 1 attempt"));
    /// # Ok::<(), ddorg_core::Error>(())
    /// ```
    pub fn deadline(&self) -> Option<Duration> {
        self.details.deadline
    }

    /// The message followed by the attempt count once a request was sent, e.g.
    /// `"server error (HTTP 503): Service Unavailable, 4 attempts"`: the line the CLI prints and
    /// Python's `str(error)`. Without a request (a config error) it is the message alone.
    pub fn message_with_attempts(&self) -> String {
        match self.details.attempts {
            0 => self.details.message.clone(),
            1 => format!("{}, 1 attempt", self.details.message),
            n => format!("{}, {n} attempts", self.details.message),
        }
    }
}

/// `1 s`, `0.25 s`, `86400 s`: a duration as people write seconds.
pub(crate) fn seconds(d: Duration) -> String {
    let millis = d.as_millis();
    if millis % 1000 == 0 {
        format!("{} s", millis / 1000)
    } else {
        let s = format!("{:.3}", d.as_secs_f64());
        format!("{} s", s.trim_end_matches('0'))
    }
}

/// `1.3 ms`, `250 ms`, `1.25 s`: how long something took, for logs (never Rust's `Debug` form).
pub(crate) fn elapsed(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Server => "server error",
            _ => "unexpected status",
        }
    }
}

// Written by hand so that the `source` (a transport error) prints compactly and so that nothing
// but these fields can ever reach a log through `{:?}`.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.details;
        let mut d = f.debug_struct("Error");
        d.field("kind", &e.kind)
            .field("message", &e.message)
            .field("status", &e.status)
            .field("errors", &e.errors)
            .field("rate_limit", &e.rate_limit)
            .field("attempts", &e.attempts)
            .field("deadline", &e.deadline);
        if let Some(source) = &self.source {
            d.field("source", &source.to_string());
        }
        d.finish()
    }
}

/// The result type of every fallible ddorg call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_kinds() {
        assert_eq!(ErrorKind::from_status(400), ErrorKind::BadRequest);
        assert_eq!(ErrorKind::from_status(401), ErrorKind::Unauthorized);
        assert_eq!(ErrorKind::from_status(403), ErrorKind::Forbidden);
        assert_eq!(ErrorKind::from_status(404), ErrorKind::NotFound);
        assert_eq!(ErrorKind::from_status(429), ErrorKind::RateLimited);
        for s in [500, 502, 503, 504, 599] {
            assert_eq!(ErrorKind::from_status(s), ErrorKind::Server);
        }
        for s in [302, 405, 409, 418, 451] {
            assert_eq!(ErrorKind::from_status(s), ErrorKind::UnexpectedStatus);
        }
    }

    #[test]
    fn response_error_message_is_one_line_with_datadog_errors() {
        let e = Error::from_response(403, vec!["Forbidden".into(), "bad key".into()], None);
        assert_eq!(e.to_string(), "forbidden (HTTP 403): Forbidden; bad key");
        assert_eq!(e.status(), Some(403));
        assert_eq!(e.kind(), ErrorKind::Forbidden);
    }

    #[test]
    fn elapsed_times_read_as_people_write_them() {
        assert_eq!(elapsed(Duration::from_micros(1_300)), "1.3 ms");
        assert_eq!(elapsed(Duration::from_millis(250)), "250.0 ms");
        assert_eq!(elapsed(Duration::from_millis(1_250)), "1.25 s");
    }

    #[test]
    fn seconds_read_as_people_write_them() {
        assert_eq!(seconds(Duration::from_secs(1)), "1 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_secs(86_400)), "86400 s");
    }

    #[test]
    fn the_attempt_count_follows_the_message_once_a_request_was_sent() {
        let e = Error::new(ErrorKind::Config, "no key");
        assert_eq!(e.message_with_attempts(), "no key");
        let e = Error::from_response(503, vec!["Unavailable".into()], None).with_attempts(4);
        assert_eq!(
            e.message_with_attempts(),
            "server error (HTTP 503): Unavailable, 4 attempts"
        );
        assert_eq!(
            e.with_attempts(1).message_with_attempts(),
            "server error (HTTP 503): Unavailable, 1 attempt"
        );
    }

    #[test]
    fn hostile_messages_make_one_escaped_bounded_line_and_errors_stay_as_received() {
        let hostile = "\x1b]0;pwned\x07\x1b[2Jgone\r\nddorg: success".to_string();
        let mut errors = vec![hostile.clone()];
        errors.extend((0..999).map(|i| format!("e{i}")));
        let e = Error::from_response(403, errors.clone(), None);
        assert_eq!(
            e.message(),
            r"forbidden (HTTP 403): \u{1b}]0;pwned\u{7}\u{1b}[2Jgone\u{d}\u{a}ddorg: success; e0; e1; and 997 more"
        );
        assert_eq!(e.to_string(), e.message());
        assert!(!format!("{e:?}").contains('\x1b'), "Debug escapes too");
        assert_eq!(e.errors(), errors, "the data is kept exactly");
        let e = Error::new(ErrorKind::Decode, "x".repeat(1_000_000));
        assert!(e.message().chars().count() <= crate::text::MAX_LINE_CHARS + 1);
    }

    #[test]
    fn kind_names_are_unique() {
        let mut names: Vec<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
    }
}
