//! [`ddorg_status`]: the stable status numbers, and the one mapping from the core's error kinds.

use std::ffi::{c_char, CStr};

use ddorg_core::ErrorKind;

use crate::ffi::guard;

/// What a fallible function returned. The numbers are stable forever: never renumbered, never
/// reused; new statuses are only added. A program built against an older header may therefore
/// see a number it does not know: treat it as a failure.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ddorg_status {
    /// Success.
    DDORG_OK = 0,
    /// Missing or invalid keys, an unknown site, a bad base URL, timeout or proxy: found before
    /// any request was made.
    DDORG_ERR_CONFIG = 1,
    /// A NULL handle or out-pointer, a string that is not UTF-8, an empty `public_id`.
    DDORG_ERR_INVALID_ARGUMENT = 2,
    /// HTTP 400.
    DDORG_ERR_BAD_REQUEST = 3,
    /// HTTP 401.
    DDORG_ERR_UNAUTHORIZED = 4,
    /// HTTP 403: usually a wrong key, or a key without the needed permission.
    DDORG_ERR_FORBIDDEN = 5,
    /// HTTP 404.
    DDORG_ERR_NOT_FOUND = 6,
    /// HTTP 429, still there after the retries allowed.
    DDORG_ERR_RATE_LIMITED = 7,
    /// HTTP 5xx, still there after the retries allowed.
    DDORG_ERR_SERVER = 8,
    /// Any other HTTP status that is not a success, including a refused redirect.
    DDORG_ERR_UNEXPECTED_STATUS = 9,
    /// The connect timeout or the overall deadline passed.
    DDORG_ERR_TIMEOUT = 10,
    /// DNS, refused or reset connections, proxy and HTTP protocol failures.
    DDORG_ERR_NETWORK = 11,
    /// The body is not the JSON the endpoint documents.
    DDORG_ERR_DECODE = 12,
    /// The body is larger than the configured maximum (see `ddorg_options_set_max_body_size`).
    DDORG_ERR_RESPONSE_TOO_LARGE = 13,
    /// The server's certificate is not trusted, has expired, is for another host or is
    /// self-signed, or the TLS handshake failed. Never retried; the message names the host and
    /// the fix (behind a TLS-inspecting proxy: `ddorg_options_set_ca_bundle`).
    DDORG_ERR_TLS = 14,
    /// A bug in ddorg: a Rust panic was caught at the C boundary. Please report it.
    DDORG_ERR_PANIC = 99,
}

impl ddorg_status {
    /// Every status, in number order.
    pub(crate) const ALL: [ddorg_status; 16] = [
        ddorg_status::DDORG_OK,
        ddorg_status::DDORG_ERR_CONFIG,
        ddorg_status::DDORG_ERR_INVALID_ARGUMENT,
        ddorg_status::DDORG_ERR_BAD_REQUEST,
        ddorg_status::DDORG_ERR_UNAUTHORIZED,
        ddorg_status::DDORG_ERR_FORBIDDEN,
        ddorg_status::DDORG_ERR_NOT_FOUND,
        ddorg_status::DDORG_ERR_RATE_LIMITED,
        ddorg_status::DDORG_ERR_SERVER,
        ddorg_status::DDORG_ERR_UNEXPECTED_STATUS,
        ddorg_status::DDORG_ERR_TIMEOUT,
        ddorg_status::DDORG_ERR_NETWORK,
        ddorg_status::DDORG_ERR_DECODE,
        ddorg_status::DDORG_ERR_RESPONSE_TOO_LARGE,
        ddorg_status::DDORG_ERR_TLS,
        ddorg_status::DDORG_ERR_PANIC,
    ];

    /// The status for a core error kind. One exhaustive match: a new kind in the core does not
    /// compile until it has a status here (`__NonExhaustive` has no value, so its arm is empty).
    pub(crate) const fn from_kind(kind: ErrorKind) -> ddorg_status {
        match kind {
            ErrorKind::Config => ddorg_status::DDORG_ERR_CONFIG,
            ErrorKind::InvalidArgument => ddorg_status::DDORG_ERR_INVALID_ARGUMENT,
            ErrorKind::BadRequest => ddorg_status::DDORG_ERR_BAD_REQUEST,
            ErrorKind::Unauthorized => ddorg_status::DDORG_ERR_UNAUTHORIZED,
            ErrorKind::Forbidden => ddorg_status::DDORG_ERR_FORBIDDEN,
            ErrorKind::NotFound => ddorg_status::DDORG_ERR_NOT_FOUND,
            ErrorKind::RateLimited => ddorg_status::DDORG_ERR_RATE_LIMITED,
            ErrorKind::Server => ddorg_status::DDORG_ERR_SERVER,
            ErrorKind::UnexpectedStatus => ddorg_status::DDORG_ERR_UNEXPECTED_STATUS,
            ErrorKind::Timeout => ddorg_status::DDORG_ERR_TIMEOUT,
            ErrorKind::Network => ddorg_status::DDORG_ERR_NETWORK,
            ErrorKind::Decode => ddorg_status::DDORG_ERR_DECODE,
            ErrorKind::ResponseTooLarge => ddorg_status::DDORG_ERR_RESPONSE_TOO_LARGE,
            ErrorKind::Tls => ddorg_status::DDORG_ERR_TLS,
            ErrorKind::__NonExhaustive(never) => match never {},
        }
    }

    /// The constant's name as the header spells it.
    pub(crate) const fn name(self) -> &'static CStr {
        match self {
            ddorg_status::DDORG_OK => c"DDORG_OK",
            ddorg_status::DDORG_ERR_CONFIG => c"DDORG_ERR_CONFIG",
            ddorg_status::DDORG_ERR_INVALID_ARGUMENT => c"DDORG_ERR_INVALID_ARGUMENT",
            ddorg_status::DDORG_ERR_BAD_REQUEST => c"DDORG_ERR_BAD_REQUEST",
            ddorg_status::DDORG_ERR_UNAUTHORIZED => c"DDORG_ERR_UNAUTHORIZED",
            ddorg_status::DDORG_ERR_FORBIDDEN => c"DDORG_ERR_FORBIDDEN",
            ddorg_status::DDORG_ERR_NOT_FOUND => c"DDORG_ERR_NOT_FOUND",
            ddorg_status::DDORG_ERR_RATE_LIMITED => c"DDORG_ERR_RATE_LIMITED",
            ddorg_status::DDORG_ERR_SERVER => c"DDORG_ERR_SERVER",
            ddorg_status::DDORG_ERR_UNEXPECTED_STATUS => c"DDORG_ERR_UNEXPECTED_STATUS",
            ddorg_status::DDORG_ERR_TIMEOUT => c"DDORG_ERR_TIMEOUT",
            ddorg_status::DDORG_ERR_NETWORK => c"DDORG_ERR_NETWORK",
            ddorg_status::DDORG_ERR_DECODE => c"DDORG_ERR_DECODE",
            ddorg_status::DDORG_ERR_RESPONSE_TOO_LARGE => c"DDORG_ERR_RESPONSE_TOO_LARGE",
            ddorg_status::DDORG_ERR_TLS => c"DDORG_ERR_TLS",
            ddorg_status::DDORG_ERR_PANIC => c"DDORG_ERR_PANIC",
        }
    }
}

/// The name of a status as the header spells it, e.g. `"DDORG_ERR_RATE_LIMITED"`, for logs.
/// Takes a plain number so that any value is safe to pass; one this version does not define gives
/// `"DDORG_UNKNOWN_STATUS"`. Never NULL; the string is static.
#[no_mangle]
pub extern "C" fn ddorg_status_name(status: u32) -> *const c_char {
    guard(c"DDORG_UNKNOWN_STATUS".as_ptr(), || {
        ddorg_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"DDORG_UNKNOWN_STATUS", |s| s.name())
            .as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_the_contract() {
        let numbers: Vec<u32> = ddorg_status::ALL.iter().map(|s| *s as u32).collect();
        assert_eq!(
            numbers,
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 99]
        );
    }

    #[test]
    fn every_core_kind_has_its_own_status() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(
                ddorg_status::from_kind(*kind) as u32,
                i as u32 + 1,
                "{kind}"
            );
        }
    }

    #[test]
    fn names_match_the_constants() {
        let name = |n: u32| {
            unsafe { CStr::from_ptr(ddorg_status_name(n)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(0), "DDORG_OK");
        assert_eq!(name(7), "DDORG_ERR_RATE_LIMITED");
        assert_eq!(name(99), "DDORG_ERR_PANIC");
        assert_eq!(name(14), "DDORG_ERR_TLS");
        assert_eq!(name(15), "DDORG_UNKNOWN_STATUS");
        for s in ddorg_status::ALL {
            assert_eq!(format!("{s:?}"), name(s as u32));
        }
    }
}
