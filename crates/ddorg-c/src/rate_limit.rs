//! [`ddorg_rate_limit`]: Datadog's `x-ratelimit-*` headers, read from a response or an error.

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use ddorg_core::RateLimit;

use crate::strings::{data_cstring, opt_ptr};

/// The rate-limit headers of a response, filled in by `ddorg_org_response_rate_limit`,
/// `ddorg_salesforce_orgs_rate_limit` or `ddorg_error_rate_limit`. Datadog sends them on
/// successes too, so a caller can slow down before it is throttled.
///
/// Numbers are -1 when their header was absent or not a number (and `INT64_MAX` at most).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ddorg_rate_limit {
    /// `x-ratelimit-limit`: requests allowed per period; -1 if absent.
    pub limit: i64,
    /// `x-ratelimit-period`: the period's length in seconds; -1 if absent.
    pub period: i64,
    /// `x-ratelimit-remaining`: requests left in the current period; -1 if absent.
    pub remaining: i64,
    /// `x-ratelimit-reset`: seconds until the current period resets; -1 if absent.
    pub reset: i64,
    /// `x-ratelimit-name`: the name of the limit that applies. Borrowed from the handle it was
    /// read from (valid until that handle is freed); NULL if absent.
    pub name: *const c_char,
}

impl ddorg_rate_limit {
    const ABSENT: ddorg_rate_limit = ddorg_rate_limit {
        limit: -1,
        period: -1,
        remaining: -1,
        reset: -1,
        name: ptr::null(),
    };
}

/// The rate-limit headers as a handle keeps them, name already a C string.
#[derive(Debug)]
pub(crate) struct RateLimitC {
    limit: i64,
    period: i64,
    remaining: i64,
    reset: i64,
    name: Option<CString>,
}

impl RateLimitC {
    pub(crate) fn new(rate_limit: Option<&RateLimit>) -> Option<RateLimitC> {
        let number = |n: Option<u64>| n.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        rate_limit.map(|r| RateLimitC {
            limit: number(r.limit),
            period: number(r.period),
            remaining: number(r.remaining),
            reset: number(r.reset),
            name: data_cstring(r.name.as_deref()),
        })
    }
}

/// What every `*_rate_limit` getter does: fills `out` (with -1s and NULL when there were no
/// headers) and returns 1 if the response had rate-limit headers, 0 if not, -1 if `out` is NULL.
///
/// # Safety
/// `out` is NULL or valid for writes.
pub(crate) unsafe fn fill(rate_limit: Option<&RateLimitC>, out: *mut ddorg_rate_limit) -> c_int {
    if out.is_null() {
        return -1;
    }
    let value = match rate_limit {
        Some(r) => ddorg_rate_limit {
            limit: r.limit,
            period: r.period,
            remaining: r.remaining,
            reset: r.reset,
            name: opt_ptr(&r.name),
        },
        None => ddorg_rate_limit::ABSENT,
    };
    // SAFETY: non-NULL and writable by the caller's contract.
    unsafe { out.write(value) };
    c_int::from(rate_limit.is_some())
}

/// Fills `out` with "absent" when the handle was NULL, so the caller never reads garbage.
///
/// # Safety
/// `out` is NULL or valid for writes.
pub(crate) unsafe fn fill_absent(out: *mut ddorg_rate_limit) {
    if !out.is_null() {
        // SAFETY: the caller's contract.
        unsafe { out.write(ddorg_rate_limit::ABSENT) };
    }
}
