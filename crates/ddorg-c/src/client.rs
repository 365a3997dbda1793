//! [`ddorg_client`] and the two endpoint calls.

use std::ffi::{c_char, CString};
use std::ptr;

use ddorg_core::{Client, Error};

use crate::error::ddorg_error;
use crate::ffi::{arg_ref, arg_str, fallible_out, free, getter};
use crate::options::ddorg_options;
use crate::org::ddorg_org_response;
use crate::org_list::ddorg_org_list;
use crate::salesforce::ddorg_salesforce_orgs;
use crate::status::ddorg_status;
use crate::strings::text_cstring;

/// A client for Datadog's organization endpoints, holding its configuration and a share of the
/// process's pool of keep-alive connections (one per way of connecting: clients with the same
/// site, proxy and CAs share it, whatever their keys). Thread-safe: share one client between
/// threads, and free it once no thread uses it any more, with `ddorg_client_free`.
pub struct ddorg_client {
    client: Client,
    base_url: CString,
    user_agent: CString,
}

/// The arguments of every call about one org ([`ddorg_get_org`], `ddorg_audit`): the client's
/// core and the public ID, each checked (NULL, not UTF-8) the same way.
///
/// # Safety
/// `client` is NULL or a live client; `public_id` is NULL or a NUL-terminated string.
pub(crate) unsafe fn org_call<'a>(
    client: *const ddorg_client,
    public_id: *const c_char,
) -> Result<(&'a Client, &'a str), Error> {
    unsafe {
        let client = arg_ref(client, "client")?;
        Ok((&client.client, arg_str(public_id, "public_id")?))
    }
}

/// Builds a client from `opts`, or from the environment alone when `opts` is NULL (`DD_API_KEY`,
/// `DD_APP_KEY`, `DD_SITE`, `DDORG_BASE_URL`; with `opts`, the environment still fills in what
/// they leave unset). Validates everything and makes no request: missing keys, an unknown site,
/// a bad base URL, user agent or proxy are `DDORG_ERR_CONFIG`. `opts` is only read: free it when
/// you like. On success `*out` is a client to free with `ddorg_client_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_client_new(
    opts: *const ddorg_options,
    out: *mut *mut ddorg_client,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            // SAFETY: the caller's contract: NULL or live options.
            let opts = opts.as_ref();
            let client = ddorg_options::builder(opts).build()?;
            Ok(ddorg_client {
                base_url: text_cstring(client.base_url()),
                user_agent: text_cstring(client.user_agent()),
                client,
            })
        })
    }
}

/// The base URL requests go to, e.g. `"https://api.datadoghq.com"`. Borrowed from `client`;
/// NULL if `client` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_client_base_url(client: *const ddorg_client) -> *const c_char {
    unsafe { getter(client, ptr::null(), |c| c.base_url.as_ptr()) }
}

/// The user agent sent with every request, e.g. `"ddorg-c/0.1.0"`. Borrowed from `client`;
/// NULL if `client` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ddorg_client_user_agent(client: *const ddorg_client) -> *const c_char {
    unsafe { getter(client, ptr::null(), |c| c.user_agent.as_ptr()) }
}

/// Frees a client and closes its connections. NULL is a no-op. No other thread may still be
/// using it. The client's copy of each key, and every connection buffer a request was written
/// into, are wiped from memory first.
#[no_mangle]
pub unsafe extern "C" fn ddorg_client_free(client: *mut ddorg_client) {
    unsafe { free(client) }
}

/// `GET /api/v1/org/{public_id}`: an organization's name, settings (SAML and more) and plan.
/// `public_id` is sent as one percent-encoded path segment; an empty one is
/// `DDORG_ERR_INVALID_ARGUMENT`. Blocks until the answer, the retries allowed or the timeout.
/// On success `*out` is a response to free with `ddorg_org_response_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_get_org(
    client: *const ddorg_client,
    public_id: *const c_char,
    out: *mut *mut ddorg_org_response,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let (client, public_id) = org_call(client, public_id)?;
            let response = client.get_org(public_id)?;
            Ok(ddorg_org_response::new(response))
        })
    }
}

/// `GET /api/v1/org`: the managed organizations, the key's own and, with a parent organization's
/// keys, every child organization. Blocks until the answer, the retries allowed or the timeout.
/// On success `*out` is a list to free with `ddorg_org_list_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_list_orgs(
    client: *const ddorg_client,
    out: *mut *mut ddorg_org_list,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let client = arg_ref(client, "client")?;
            let response = client.client.list_orgs()?;
            Ok(ddorg_org_list::new(response))
        })
    }
}

/// `GET /api/v2/integration/salesforce-incidents/organizations`: every Salesforce organization
/// connected through the Salesforce integration (the keys need `integrations_read`). Blocks
/// until the answer, the retries allowed or the timeout. On success `*out` is a list to free with
/// `ddorg_salesforce_orgs_free`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_list_salesforce_orgs(
    client: *const ddorg_client,
    out: *mut *mut ddorg_salesforce_orgs,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible_out(out, err, || {
            let client = arg_ref(client, "client")?;
            let response = client.client.list_salesforce_organizations()?;
            Ok(ddorg_salesforce_orgs::new(response))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};

    use ddorg_fake::{FakeServer, Reply};

    use super::*;
    use crate::error::{ddorg_error_free, ddorg_error_http_status};
    use crate::options::*;
    use crate::org::*;
    use crate::salesforce::*;

    fn text(p: *const c_char) -> &'static str {
        assert!(!p.is_null());
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    fn client_for(fake: &FakeServer) -> *mut ddorg_client {
        let url = CString::new(fake.base_url()).unwrap();
        let mut client = ptr::null_mut();
        unsafe {
            let opts = ddorg_options_new();
            assert_eq!(
                ddorg_options_set_api_key(opts, c"k".as_ptr(), ptr::null_mut()),
                ddorg_status::DDORG_OK
            );
            assert_eq!(
                ddorg_options_set_app_key(opts, c"a".as_ptr(), ptr::null_mut()),
                ddorg_status::DDORG_OK
            );
            assert_eq!(
                ddorg_options_set_base_url(opts, url.as_ptr(), ptr::null_mut()),
                ddorg_status::DDORG_OK
            );
            assert_eq!(
                ddorg_options_set_max_retries(opts, 0, ptr::null_mut()),
                ddorg_status::DDORG_OK
            );
            assert_eq!(
                ddorg_client_new(opts, &mut client, ptr::null_mut()),
                ddorg_status::DDORG_OK
            );
            ddorg_options_free(opts);
        }
        client
    }

    #[test]
    fn both_endpoints_round_trip_through_the_c_functions() {
        let fake = FakeServer::start().unwrap();
        let client = client_for(&fake);
        unsafe {
            let mut org = ptr::null_mut();
            let status = ddorg_get_org(client, c"abcdef12345".as_ptr(), &mut org, ptr::null_mut());
            assert_eq!(status, ddorg_status::DDORG_OK);
            assert_eq!(text(ddorg_org_response_name(org)), "New child org");
            assert_eq!(ddorg_org_response_saml_enabled(org), 0);
            ddorg_org_response_free(org);

            let mut list = ptr::null_mut();
            let status = ddorg_list_salesforce_orgs(client, &mut list, ptr::null_mut());
            assert_eq!(status, ddorg_status::DDORG_OK);
            assert_eq!(ddorg_salesforce_orgs_len(list), 1);
            assert_eq!(
                text(ddorg_salesforce_orgs_sfdc_org_type(list, 0)),
                "Production"
            );
            ddorg_salesforce_orgs_free(list);
            ddorg_client_free(client);
        }
        let ua = fake.requests()[0].header("user-agent").unwrap().to_string();
        assert_eq!(ua, format!("ddorg-c/{}", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn a_failure_sets_out_to_null_and_describes_itself() {
        let fake = FakeServer::start().unwrap();
        fake.enqueue(Reply::errors(404, &["Not Found"]));
        let client = client_for(&fake);
        unsafe {
            let mut org = ptr::dangling_mut();
            let mut err = ptr::null_mut();
            let status = ddorg_get_org(client, c"gone".as_ptr(), &mut org, &mut err);
            assert_eq!(status, ddorg_status::DDORG_ERR_NOT_FOUND);
            assert!(org.is_null());
            assert_eq!(ddorg_error_http_status(err), 404);
            ddorg_error_free(err);
            ddorg_client_free(client);
        }
    }
}
