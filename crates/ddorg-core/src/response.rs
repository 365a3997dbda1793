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

impl<T> Response<T> {
    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, taken out of the response.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The body and the rate-limit headers, taken out of the response.
    pub fn into_parts(self) -> (T, Option<RateLimit>) {
        (self.value, self.rate_limit)
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
