//! The one error type every call returns, and the [`ErrorKind`] each binding maps exhaustively.

use std::fmt;

use crate::rate_limit::RateLimit;

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
    /// Trying again cannot help (a proxy's 407), whatever the kind's usual rule.
    permanent: bool,
}

impl Error {
    /// An error of `kind` with a one-line message and no response details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            details: Box::new(Details {
                kind,
                message: message.into(),
                status: None,
                errors: Vec::new(),
                rate_limit: None,
                attempts: 0,
                permanent: false,
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
            message.push_str(&errors.join("; "));
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

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.details.attempts = attempts;
        self
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
            .field("attempts", &e.attempts);
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
    fn kind_names_are_unique() {
        let mut names: Vec<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
    }
}
