//! [`ddorg_org_list`]: the answer of `GET /api/v1/org` (the managed organizations), each entry an
//! organization read with the `ddorg_org_response_*` getters.

use std::ffi::{c_char, c_int};
use std::ptr;

use ddorg_core::{OrganizationListResponse, OrganizationResponse, Response};

use crate::error::ddorg_error;
use crate::ffi::{arg_out, arg_str, fallible, free, getter, into_handle};
use crate::org::{ddorg_org_response, local_meta};
use crate::rate_limit::{ddorg_rate_limit, fill, fill_absent, RateLimitC};
use crate::status::ddorg_status;
use crate::strings::json_of;

/// The managed organizations `ddorg_list_orgs` returned, indexed from 0 to
/// `ddorg_org_list_len() - 1`, in the order Datadog listed them (the key's own organization and,
/// with a parent organization's keys, every child). Immutable; entries are converted once, so
/// `ddorg_org_list_get` is O(1) and the organization it returns stays valid until
/// `ddorg_org_list_free`.
#[derive(Debug)]
pub struct ddorg_org_list {
    body: OrganizationListResponse,
    http_status: u16,
    attempts: u32,
    rate_limit: Option<RateLimitC>,
    /// One `{"org": ...}` response per listed organization, sharing the list's HTTP details.
    entries: Vec<ddorg_org_response>,
}

impl ddorg_org_list {
    pub(crate) fn new(response: Response<OrganizationListResponse>) -> ddorg_org_list {
        let http_status = response.status();
        let attempts = response.attempts();
        let rate_limit = RateLimitC::new(response.rate_limit());
        let meta = response.meta();
        let body = response.into_inner();
        let entries = body
            .iter()
            .map(|org| {
                let mut single = OrganizationResponse::default();
                single.org = org.clone().into();
                ddorg_org_response::new(Response::from_parts(single, meta.clone()))
            })
            .collect();
        ddorg_org_list {
            body,
            http_status,
            attempts,
            rate_limit,
            entries,
        }
    }
}

/// How many organizations the list holds (0 if `l` is NULL, or when `orgs` was absent or null).
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_len(l: *const ddorg_org_list) -> usize {
    unsafe { getter(l, 0, |l| l.entries.len()) }
}

/// `orgs[i]`, read with the `ddorg_org_response_*` getters (its `ddorg_org_response_to_json` is
/// `{"org": orgs[i]}`; its HTTP status, attempts and rate limit are the list's). Borrowed: valid
/// until `ddorg_org_list_free(l)`, and never passed to `ddorg_org_response_free`. NULL if `l` is
/// NULL or `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_get(
    l: *const ddorg_org_list,
    i: usize,
) -> *const ddorg_org_response {
    unsafe {
        getter(l, ptr::null(), |l| {
            l.entries.get(i).map_or(ptr::null(), |e| e as *const _)
        })
    }
}

/// The whole response body as compact JSON, as received: fields this version does not know and
/// `null`s included.
/// Owned: free it with `ddorg_string_free`. NULL if `l` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_to_json(l: *const ddorg_org_list) -> *mut c_char {
    unsafe { getter(l, ptr::null_mut(), |l| json_of(&l.body)) }
}

/// The HTTP status of the response (a 2xx); 0 if `l` is NULL or came from
/// `ddorg_org_list_from_json`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_http_status(l: *const ddorg_org_list) -> c_int {
    unsafe { getter(l, 0, |l| c_int::from(l.http_status)) }
}

/// How many HTTP attempts the call took (1 when no retry was needed); 0 if `l` is NULL or came
/// from `ddorg_org_list_from_json`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_attempts(l: *const ddorg_org_list) -> u32 {
    unsafe { getter(l, 0, |l| l.attempts) }
}

/// Fills `*out` with the response's rate-limit headers (see `ddorg_rate_limit`). Returns 1 if it
/// had any, 0 if not, -1 if `l` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_rate_limit(
    l: *const ddorg_org_list,
    out: *mut ddorg_rate_limit,
) -> c_int {
    unsafe { fill_absent(out) };
    unsafe { getter(l, -1, |l| fill(l.rate_limit.as_ref(), out)) }
}

/// Decodes a managed-organizations list from JSON text (a cached body, a test fixture) with the
/// same decoder and checks as a response from Datadog: `DDORG_ERR_DECODE`, with a message naming
/// the JSON path (e.g. `orgs[1]`), when it does not fit the schema. Its HTTP status and attempt
/// count are 0 and it has no rate limit. On success `*out` is a list to free with
/// `ddorg_org_list_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_from_json(
    json: *const c_char,
    out: *mut *mut ddorg_org_list,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let out = arg_out(out, "out")?;
            let body: OrganizationListResponse = ddorg_core::from_json(arg_str(json, "json")?)?;
            *out = into_handle(ddorg_org_list::new(Response::from_parts(
                body,
                local_meta(),
            )));
            Ok(())
        })
    }
}

/// Frees the list, every organization `ddorg_org_list_get` returned from it and every string
/// borrowed from those. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_list_free(l: *mut ddorg_org_list) {
    unsafe { free(l) }
}
