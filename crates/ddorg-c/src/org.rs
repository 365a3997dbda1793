//! [`ddorg_org_response`]: the answer of `GET /api/v1/org/{public_id}`, field by field.

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use ddorg_core::{
    Organization, OrganizationResponse, OrganizationSettings, Response, ResponseMeta,
};

use crate::error::ddorg_error;
use crate::ffi::{arg_str, fallible_out, free, getter};
use crate::rate_limit::{ddorg_rate_limit, fill, fill_absent, RateLimitC};
use crate::status::ddorg_status;
use crate::strings::{data_cstring, json_of, opt_ptr, tristate};

/// The organization `ddorg_get_org` returned. Immutable; every string is converted once, when the
/// response arrives, so getters are O(1) and their `const char *` results stay valid until
/// `ddorg_org_response_free`. Fields Datadog did not send (or sent as null) read as NULL, or -1
/// for booleans.
#[derive(Debug)]
pub struct ddorg_org_response {
    body: OrganizationResponse,
    http_status: u16,
    attempts: u32,
    rate_limit: Option<RateLimitC>,
    name: Option<CString>,
    public_id: Option<CString>,
    created: Option<CString>,
    description: Option<CString>,
    billing_type: Option<CString>,
    subscription_type: Option<CString>,
    saml_autocreate_access_role: Option<CString>,
    saml_autocreate_users_domains: Vec<Option<CString>>,
    saml_idp_endpoint: Option<CString>,
    saml_login_url: Option<CString>,
}

impl ddorg_org_response {
    pub(crate) fn new(response: Response<OrganizationResponse>) -> ddorg_org_response {
        let http_status = response.status();
        let attempts = response.attempts();
        let rate_limit = RateLimitC::new(response.rate_limit());
        let body = response.into_inner();
        let org = body.org.as_ref();
        let settings = org.and_then(|o| o.settings.as_ref());
        let text = |f: &dyn Fn(&Organization) -> Option<&str>| data_cstring(org.and_then(f));
        let setting =
            |f: &dyn Fn(&OrganizationSettings) -> Option<&str>| data_cstring(settings.and_then(f));
        ddorg_org_response {
            name: text(&|o| o.name.as_deref()),
            public_id: text(&|o| o.public_id.as_deref()),
            created: text(&|o| o.created.as_deref()),
            description: text(&|o| o.description.as_deref()),
            billing_type: text(&|o| o.billing.as_ref()?.type_.as_deref()),
            subscription_type: text(&|o| o.subscription.as_ref()?.type_.as_deref()),
            saml_autocreate_access_role: setting(&|s| {
                s.saml_autocreate_access_role.as_ref().map(|r| r.as_str())
            }),
            saml_autocreate_users_domains: settings
                .and_then(|s| s.saml_autocreate_users_domains.as_ref())
                .and_then(|d| d.domains.as_ref())
                .map(|d| d.iter().map(|s| data_cstring(Some(s))).collect())
                .unwrap_or_default(),
            saml_idp_endpoint: setting(&|s| s.saml_idp_endpoint.as_deref()),
            saml_login_url: setting(&|s| s.saml_login_url.as_deref()),
            body,
            http_status,
            attempts,
            rate_limit,
        }
    }

    fn org(&self) -> Option<&Organization> {
        self.body.org.as_ref()
    }

    fn settings(&self) -> Option<&OrganizationSettings> {
        self.org()?.settings.as_ref()
    }
}

/// `org.name`: the organization's name; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_name(r: *const ddorg_org_response) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.name)) }
}

/// `org.public_id`: the organization's public id; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_public_id(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.public_id)) }
}

/// `org.created`: when the organization was created, as sent (e.g. `"2019-09-26T17:28:28Z"`);
/// NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_created(r: *const ddorg_org_response) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.created)) }
}

/// `org.description`: the organization's description; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_description(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.description)) }
}

/// `org.trial`: whether child organizations can be created on a trial plan (MSP customers only):
/// 1, 0, or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_trial(r: *const ddorg_org_response) -> c_int {
    unsafe { getter(r, -1, |r| tristate(r.org().and_then(|o| *o.trial))) }
}

/// `org.billing.type` (deprecated by Datadog): the billing type; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_billing_type(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.billing_type)) }
}

/// `org.subscription.type` (deprecated by Datadog): `"trial"`, `"free"` or `"pro"`; NULL if
/// absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_subscription_type(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.subscription_type)) }
}

/// `org.settings.private_widget_share`: whether users can share widgets outside Datadog: 1, 0,
/// or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_private_widget_share(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(r.settings().and_then(|s| *s.private_widget_share))
        })
    }
}

/// `org.settings.saml.enabled`: whether SAML single sign-on is enabled: 1, 0, or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_enabled(r: *const ddorg_org_response) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(r.settings().and_then(|s| *s.saml.as_ref()?.enabled))
        })
    }
}

/// `org.settings.saml_autocreate_access_role`: the role given to users SAML creates, as sent:
/// `"st"` (standard), `"adm"` (admin), `"ro"` (read-only), `"ERROR"`, or a newer value kept as
/// is; NULL if absent or null.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_autocreate_access_role(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.saml_autocreate_access_role)) }
}

/// `org.settings.saml_autocreate_users_domains.enabled`: whether SAML creates users for the
/// listed email domains: 1, 0, or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_autocreate_users_domains_enabled(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(
                r.settings()
                    .and_then(|s| *s.saml_autocreate_users_domains.as_ref()?.enabled),
            )
        })
    }
}

/// `org.settings.saml_autocreate_users_domains.domains`: how many domains there are (0 if
/// absent or `r` is NULL).
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_autocreate_users_domains_len(
    r: *const ddorg_org_response,
) -> usize {
    unsafe { getter(r, 0, |r| r.saml_autocreate_users_domains.len()) }
}

/// `org.settings.saml_autocreate_users_domains.domains[i]`: a domain, without `@`; NULL if `i`
/// is out of range.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_autocreate_users_domains_get(
    r: *const ddorg_org_response,
    i: usize,
) -> *const c_char {
    unsafe {
        getter(r, ptr::null(), |r| {
            r.saml_autocreate_users_domains
                .get(i)
                .map_or(ptr::null(), opt_ptr)
        })
    }
}

/// `org.settings.saml_can_be_enabled`: whether SAML can be enabled for this organization: 1, 0,
/// or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_can_be_enabled(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(r.settings().and_then(|s| *s.saml_can_be_enabled))
        })
    }
}

/// `org.settings.saml_idp_endpoint`: the identity provider endpoint for SAML; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_idp_endpoint(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.saml_idp_endpoint)) }
}

/// `org.settings.saml_idp_initiated_login.enabled`: whether IdP-initiated SAML login is enabled:
/// 1, 0, or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_idp_initiated_login_enabled(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(
                r.settings()
                    .and_then(|s| *s.saml_idp_initiated_login.as_ref()?.enabled),
            )
        })
    }
}

/// `org.settings.saml_idp_metadata_uploaded`: whether an identity provider metadata file was
/// uploaded: 1, 0, or -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_idp_metadata_uploaded(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(r.settings().and_then(|s| *s.saml_idp_metadata_uploaded))
        })
    }
}

/// `org.settings.saml_login_url`: the URL for SAML login; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_login_url(
    r: *const ddorg_org_response,
) -> *const c_char {
    unsafe { getter(r, ptr::null(), |r| opt_ptr(&r.saml_login_url)) }
}

/// `org.settings.saml_strict_mode.enabled`: whether every user must log in with SAML: 1, 0, or
/// -1 if absent.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_saml_strict_mode_enabled(
    r: *const ddorg_org_response,
) -> c_int {
    unsafe {
        getter(r, -1, |r| {
            tristate(
                r.settings()
                    .and_then(|s| *s.saml_strict_mode.as_ref()?.enabled),
            )
        })
    }
}

/// The whole response body as compact JSON, as received: fields this version does not know and
/// `null`s included.
/// Owned: free it with `ddorg_string_free`. NULL if `r` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_to_json(r: *const ddorg_org_response) -> *mut c_char {
    unsafe { getter(r, ptr::null_mut(), |r| json_of(&r.body)) }
}

/// The HTTP status of the response (a 2xx); 0 if `r` is NULL or came from
/// `ddorg_org_response_from_json`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_http_status(r: *const ddorg_org_response) -> c_int {
    unsafe { getter(r, 0, |r| c_int::from(r.http_status)) }
}

/// How many HTTP attempts the call took (1 when no retry was needed); 0 if `r` is NULL or came
/// from `ddorg_org_response_from_json`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_attempts(r: *const ddorg_org_response) -> u32 {
    unsafe { getter(r, 0, |r| r.attempts) }
}

/// Fills `*out` with the response's rate-limit headers (see `ddorg_rate_limit`). Returns 1 if it
/// had any, 0 if not, -1 if `r` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_rate_limit(
    r: *const ddorg_org_response,
    out: *mut ddorg_rate_limit,
) -> c_int {
    unsafe { fill_absent(out) };
    unsafe { getter(r, -1, |r| fill(r.rate_limit.as_ref(), out)) }
}

/// Decodes an organization response from JSON text (a cached body, a test fixture) with the
/// same decoder and checks as a response from Datadog: `DDORG_ERR_DECODE`, with a message naming
/// the JSON path, when it does not fit the schema. Its HTTP status and attempt count are 0 and it
/// has no rate limit. On success `*out` is a response to free with `ddorg_org_response_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_from_json(
    json: *const c_char,
    out: *mut *mut ddorg_org_response,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let body: OrganizationResponse = ddorg_core::from_json(arg_str(json, "json")?)?;
            Ok(ddorg_org_response::new(Response::from_parts(
                body,
                local_meta(),
            )))
        })
    }
}

/// What a response built from JSON text says about its (absent) HTTP exchange.
pub(crate) fn local_meta() -> ResponseMeta {
    let mut meta = ResponseMeta::new(0);
    meta.attempts = 0;
    meta
}

/// Frees a response and every string borrowed from it. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_org_response_free(r: *mut ddorg_org_response) {
    unsafe { free(r) }
}
