//! [`ddorg_salesforce_orgs`]: the answer of
//! `GET /api/v2/integration/salesforce-incidents/organizations`, entry by entry.

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use ddorg_core::{Response, SalesforceIncidentsOrganizationsResponse};

use crate::error::ddorg_error;
use crate::ffi::{arg_str, fallible_out, free, getter};
use crate::org::local_meta;
use crate::rate_limit::{ddorg_rate_limit, fill, fill_absent, RateLimitC};
use crate::status::ddorg_status;
use crate::strings::{data_cstring, json_of, opt_ptr};

/// The connected Salesforce organizations `ddorg_list_salesforce_orgs` returned, indexed from 0
/// to `ddorg_salesforce_orgs_len() - 1`. Immutable; strings are converted once, so getters are
/// O(1) and their `const char *` results stay valid until `ddorg_salesforce_orgs_free`. Every
/// getter returns NULL for an index out of range or a field Datadog did not send.
#[derive(Debug)]
pub struct ddorg_salesforce_orgs {
    body: SalesforceIncidentsOrganizationsResponse,
    http_status: u16,
    attempts: u32,
    rate_limit: Option<RateLimitC>,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    id: Option<CString>,
    type_: Option<CString>,
    name: Option<CString>,
    instance_url: Option<CString>,
    sfdc_org_id: Option<CString>,
    sfdc_org_type: Option<CString>,
}

impl ddorg_salesforce_orgs {
    pub(crate) fn new(
        response: Response<SalesforceIncidentsOrganizationsResponse>,
    ) -> ddorg_salesforce_orgs {
        let http_status = response.status();
        let attempts = response.attempts();
        let rate_limit = RateLimitC::new(response.rate_limit());
        let body = response.into_inner();
        let entries = body
            .data
            .iter()
            .map(|d| Entry {
                id: data_cstring(Some(&d.id)),
                type_: data_cstring(Some(d.type_.as_str())),
                name: data_cstring(d.attributes.name.as_deref()),
                instance_url: data_cstring(d.attributes.instance_url.as_deref()),
                sfdc_org_id: data_cstring(d.attributes.sfdc_org_id.as_deref()),
                sfdc_org_type: data_cstring(d.attributes.sfdc_org_type.as_deref()),
            })
            .collect();
        ddorg_salesforce_orgs {
            body,
            http_status,
            attempts,
            rate_limit,
            entries,
        }
    }

    /// The field `f` of entry `i`, or NULL.
    fn field(&self, i: usize, f: impl FnOnce(&Entry) -> &Option<CString>) -> *const c_char {
        self.entries.get(i).map_or(ptr::null(), |e| opt_ptr(f(e)))
    }
}

/// How many Salesforce organizations there are (0 if `l` is NULL).
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_len(l: *const ddorg_salesforce_orgs) -> usize {
    unsafe { getter(l, 0, |l| l.entries.len()) }
}

/// `data[i].id`: the Datadog-assigned id; NULL if `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_id(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.id)) }
}

/// `data[i].type`: the resource type, `"salesforce-incidents-org"` (a newer value is kept as is);
/// NULL if `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_type(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.type_)) }
}

/// `data[i].attributes.name`: the Salesforce organization's human-readable name; NULL if absent
/// or `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_name(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.name)) }
}

/// `data[i].attributes.instance_url`: the Salesforce instance URL; NULL if absent or `i` is out
/// of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_instance_url(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.instance_url)) }
}

/// `data[i].attributes.sfdc_org_id`: the Salesforce organization id (15 or 18 characters); NULL
/// if absent or `i` is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_sfdc_org_id(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.sfdc_org_id)) }
}

/// `data[i].attributes.sfdc_org_type`: e.g. `"Production"` or `"Sandbox"`; NULL if absent or `i`
/// is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_sfdc_org_type(
    l: *const ddorg_salesforce_orgs,
    i: usize,
) -> *const c_char {
    unsafe { getter(l, ptr::null(), |l| l.field(i, |e| &e.sfdc_org_type)) }
}

/// The whole response body as compact JSON, as received: fields this version does not know and
/// `null`s included.
/// Owned: free it with `ddorg_string_free`. NULL if `l` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_to_json(
    l: *const ddorg_salesforce_orgs,
) -> *mut c_char {
    unsafe { getter(l, ptr::null_mut(), |l| json_of(&l.body)) }
}

/// The HTTP status of the response (a 2xx); 0 if `l` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_http_status(
    l: *const ddorg_salesforce_orgs,
) -> c_int {
    unsafe { getter(l, 0, |l| c_int::from(l.http_status)) }
}

/// How many HTTP attempts the call took (1 when no retry was needed); 0 if `l` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_attempts(l: *const ddorg_salesforce_orgs) -> u32 {
    unsafe { getter(l, 0, |l| l.attempts) }
}

/// Fills `*out` with the response's rate-limit headers (see `ddorg_rate_limit`). Returns 1 if it
/// had any, 0 if not, -1 if `l` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_rate_limit(
    l: *const ddorg_salesforce_orgs,
    out: *mut ddorg_rate_limit,
) -> c_int {
    unsafe { fill_absent(out) };
    unsafe { getter(l, -1, |l| fill(l.rate_limit.as_ref(), out)) }
}

/// Decodes a Salesforce organizations list from JSON text (a cached body, a test fixture) with
/// the same decoder and checks as a response from Datadog: `DDORG_ERR_DECODE`, with a message
/// naming the JSON path (e.g. `data[0].id`), when it does not fit the schema. Its HTTP status and
/// attempt count are 0 and it has no rate limit. On success `*out` is a list to free with
/// `ddorg_salesforce_orgs_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_from_json(
    json: *const c_char,
    out: *mut *mut ddorg_salesforce_orgs,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let body: SalesforceIncidentsOrganizationsResponse =
                ddorg_core::from_json(arg_str(json, "json")?)?;
            Ok(ddorg_salesforce_orgs::new(Response::from_parts(
                body,
                local_meta(),
            )))
        })
    }
}

/// Frees the list and every string borrowed from it. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_salesforce_orgs_free(l: *mut ddorg_salesforce_orgs) {
    unsafe { free(l) }
}
