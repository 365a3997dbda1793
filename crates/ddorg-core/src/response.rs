//! [`Response`]: a decoded body together with what the HTTP exchange said about it.

use std::ops::Deref;

use crate::rate_limit::RateLimit;

/// A successful call's decoded body, with its HTTP status, rate-limit headers and attempt count.
///
/// Derefs to the body, so `client.get_org(id)?.org` reads naturally.
#[derive(Clone, Debug, PartialEq)]
pub struct Response<T> {
    pub(crate) value: T,
    pub(crate) status: u16,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) attempts: u32,
}

/// What the HTTP exchange said about a successful response: everything but the body.
///
/// `#[non_exhaustive]`: build one with [`ResponseMeta::new`] and assign the other fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status (a 2xx).
    pub status: u16,
    /// The `x-ratelimit-*` headers, which Datadog also sends on success.
    pub rate_limit: Option<RateLimit>,
    /// How many HTTP attempts the call took (1 when no retry was needed).
    pub attempts: u32,
}

impl ResponseMeta {
    /// The details of a response with this status, no rate-limit headers and one attempt.
    pub fn new(status: u16) -> ResponseMeta {
        ResponseMeta {
            status,
            rate_limit: None,
            attempts: 1,
        }
    }
}

impl<T> Response<T> {
    /// A response from its parts, the inverse of [`into_parts`](Self::into_parts) (for tests and
    /// mocks of code that takes a `Response`).
    pub fn from_parts(value: T, meta: ResponseMeta) -> Response<T> {
        Response {
            value,
            status: meta.status,
            rate_limit: meta.rate_limit,
            attempts: meta.attempts,
        }
    }

    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, taken out of the response.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The body and everything else the response said (status, rate-limit headers, attempts).
    pub fn into_parts(self) -> (T, ResponseMeta) {
        let meta = ResponseMeta {
            status: self.status,
            rate_limit: self.rate_limit,
            attempts: self.attempts,
        };
        (self.value, meta)
    }

    /// The status, rate-limit headers and attempt count, copied out.
    pub fn meta(&self) -> ResponseMeta {
        ResponseMeta {
            status: self.status,
            rate_limit: self.rate_limit.clone(),
            attempts: self.attempts,
        }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `x-ratelimit-*` headers, which Datadog also sends on success.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// How many HTTP attempts the call took (1 when no retry was needed).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
