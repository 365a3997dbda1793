//! [`ddorg_error`]: what went wrong, with everything the core knows about it.

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use ddorg_core::Error;

use crate::ffi::{free, getter};
use crate::rate_limit::{ddorg_rate_limit, fill, fill_absent, RateLimitC};
use crate::status::ddorg_status;
use crate::strings::{data_cstring, text_cstring};

/// An error: its status, a one-line message (never holding a key), the HTTP status if a response
/// came, Datadog's `errors` strings, the rate-limit headers and the attempt count. Immutable;
/// freed with `ddorg_error_free`.
#[derive(Debug)]
pub struct ddorg_error {
    status: ddorg_status,
    kind_name: CString,
    message: CString,
    http_status: u16,
    errors: Vec<CString>,
    rate_limit: Option<RateLimitC>,
    attempts: u32,
}

impl ddorg_error {
    /// The C copy of a core error.
    pub(crate) fn from_core(e: &Error) -> ddorg_error {
        ddorg_error {
            status: ddorg_status::from_kind(e.kind()),
            kind_name: data_cstring(Some(e.kind().as_str())).unwrap_or_default(),
            message: text_cstring(e.message()),
            http_status: e.status().unwrap_or(0),
            errors: e.errors().iter().map(|s| text_cstring(s)).collect(),
            rate_limit: RateLimitC::new(e.rate_limit()),
            attempts: e.attempts(),
        }
    }

    /// The error a panic caught at the boundary becomes.
    pub(crate) fn from_panic(message: String) -> ddorg_error {
        ddorg_error {
            status: ddorg_status::DDORG_ERR_PANIC,
            kind_name: c"panic".to_owned(),
            message: text_cstring(&message),
            http_status: 0,
            errors: Vec::new(),
            rate_limit: None,
            attempts: 0,
        }
    }

    pub(crate) fn status(&self) -> ddorg_status {
        self.status
    }

    #[cfg(test)]
    pub(crate) fn message(&self) -> &std::ffi::CStr {
        &self.message
    }
}

/// The error's status: never `DDORG_OK`. `DDORG_ERR_INVALID_ARGUMENT` if `e` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_status(e: *const ddorg_error) -> ddorg_status {
    unsafe { getter(e, ddorg_status::DDORG_ERR_INVALID_ARGUMENT, |e| e.status) }
}

/// The error's kind as a stable snake_case name, e.g. `"rate_limited"` (the same names as the
/// Python binding's `.kind`), or `"panic"` for `DDORG_ERR_PANIC`. Borrowed from `e`; NULL if `e`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_kind_name(e: *const ddorg_error) -> *const c_char {
    unsafe { getter(e, ptr::null(), |e| e.kind_name.as_ptr()) }
}

/// The one-line message, e.g. `"not found (HTTP 404): Not Found"`. It never holds an API or
/// application key. Borrowed from `e`; NULL only if `e` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_message(e: *const ddorg_error) -> *const c_char {
    unsafe { getter(e, ptr::null(), |e| e.message.as_ptr()) }
}

/// The HTTP status of the last response, or 0 if no response came (or `e` is NULL).
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_http_status(e: *const ddorg_error) -> c_int {
    unsafe { getter(e, 0, |e| c_int::from(e.http_status)) }
}

/// How many of Datadog's `errors` strings the response carried (for a body that was not JSON,
/// such as an HTML error page, one short snippet of it). 0 if `e` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_errors_len(e: *const ddorg_error) -> usize {
    unsafe { getter(e, 0, |e| e.errors.len()) }
}

/// Datadog's `errors` string number `i`. Borrowed from `e`; NULL if `i` is out of range or `e`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_errors_get(e: *const ddorg_error, i: usize) -> *const c_char {
    unsafe {
        getter(e, ptr::null(), |e| {
            e.errors.get(i).map_or(ptr::null(), |s| s.as_ptr())
        })
    }
}

/// Fills `*out` with the rate-limit headers of the last response (see `ddorg_rate_limit`).
/// Returns 1 if it had any, 0 if not (or no response came), -1 if `e` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_rate_limit(
    e: *const ddorg_error,
    out: *mut ddorg_rate_limit,
) -> c_int {
    unsafe { fill_absent(out) };
    unsafe { getter(e, -1, |e| fill(e.rate_limit.as_ref(), out)) }
}

/// How many HTTP attempts were made (0 when the error came before any request, or `e` is NULL).
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_attempts(e: *const ddorg_error) -> u32 {
    unsafe { getter(e, 0, |e| e.attempts) }
}

/// Frees an error. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_error_free(e: *mut ddorg_error) {
    unsafe { free(e) }
}
