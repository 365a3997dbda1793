//! [`ddorg_options`]: what a client is built from, set one option at a time.

use std::ffi::c_char;
use std::path::PathBuf;
use std::time::Duration;

use ddorg_core::{ClientBuilder, Secret, Site, TlsRoots};

use crate::error::ddorg_error;
use crate::ffi::{arg_mut, arg_str, fallible, free, guard, into_handle};
use crate::status::ddorg_status;
use crate::strings::version;

/// Options for `ddorg_client_new`. Anything left unset comes from the environment (`DD_API_KEY`,
/// `DD_APP_KEY`, `DD_SITE`, `DDORG_BASE_URL`) or takes its default. Setters copy their
/// arguments and never check them (beyond what C alone can get wrong: NULL, bad UTF-8):
/// `ddorg_client_new` checks every option at once, with the core's rules. Not synchronized: set
/// options from one thread. Freed with `ddorg_options_free` (a client does not keep it: free it
/// right after `ddorg_client_new`: the keys it holds are wiped then).
#[derive(Default)]
pub struct ddorg_options {
    /// The core's key type: wiped from memory when the options are freed.
    api_key: Option<Secret>,
    app_key: Option<Secret>,
    site: Option<Site>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    user_agent: Option<String>,
    user_agent_tokens: Vec<String>,
    max_body_size: Option<u64>,
    proxy: Option<Proxy>,
    ca_bundle: Option<PathBuf>,
    tls_roots: Option<TlsRoots>,
}

enum Proxy {
    Url(String),
    Never,
}

impl ddorg_options {
    /// The core builder: the environment first, then every option set here.
    pub(crate) fn builder(opts: Option<&ddorg_options>) -> ClientBuilder {
        let mut b = ClientBuilder::from_env().user_agent(format!("ddorg-c/{}", version()));
        let Some(o) = opts else {
            return b;
        };
        if let Some(v) = &o.api_key {
            b = b.api_key(v.clone());
        }
        if let Some(v) = &o.app_key {
            b = b.app_key(v.clone());
        }
        if let Some(v) = o.site {
            b = b.site(v);
        }
        if let Some(v) = &o.base_url {
            b = b.base_url(v.as_str());
        }
        if let Some(v) = o.timeout {
            b = b.timeout(v);
        }
        if let Some(v) = o.connect_timeout {
            b = b.connect_timeout(v);
        }
        if let Some(v) = o.max_retries {
            b = b.max_retries(v);
        }
        if let Some(v) = &o.user_agent {
            b = b.user_agent(v.as_str());
        }
        for token in &o.user_agent_tokens {
            b = b.append_user_agent(token.as_str());
        }
        if let Some(v) = o.max_body_size {
            b = b.max_body_size(v);
        }
        match &o.proxy {
            Some(Proxy::Url(url)) => b = b.proxy(url.as_str()),
            Some(Proxy::Never) => b = b.no_proxy(),
            None => {}
        }
        if let Some(path) = &o.ca_bundle {
            b = b.ca_bundle(path);
        }
        if let Some(roots) = o.tls_roots {
            b = b.tls_roots(roots);
        }
        b
    }
}

/// New options, all unset; free them with `ddorg_options_free`. NULL only on an internal error
/// (a caught panic, which would be a bug).
#[no_mangle]
pub extern "C" fn ddorg_options_new() -> *mut ddorg_options {
    guard(std::ptr::null_mut(), || {
        into_handle(ddorg_options::default())
    })
}

/// Sets the API key, sent as `DD-API-KEY`. Required (here or in `DD_API_KEY`). Checked by
/// `ddorg_client_new`; no message ever shows it. The options keep one copy, wiped from memory
/// by `ddorg_options_free`; `value` is the caller's to wipe.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_api_key(
    opts: *mut ddorg_options,
    value: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.api_key = Some(Secret::from(arg_str(value, "api_key")?));
            Ok(())
        })
    }
}

/// Sets the application key, sent as `DD-APPLICATION-KEY`. Required (here or in `DD_APP_KEY`).
/// Checked by `ddorg_client_new`; no message ever shows it. Wiped like the API key.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_app_key(
    opts: *mut ddorg_options,
    value: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.app_key = Some(Secret::from(arg_str(value, "app_key")?));
            Ok(())
        })
    }
}

/// Sets the Datadog site, e.g. `"datadoghq.eu"` or `"us3.datadoghq.com"` (`app.`/`api.` hosts
/// and `https://` are accepted too). Defaults to `DD_SITE`, else `datadoghq.com`. An unknown site
/// is `DDORG_ERR_CONFIG` here, with a message listing the valid ones. Ignored when a base URL is
/// set.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_site(
    opts: *mut ddorg_options,
    site: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.site = Some(arg_str(site, "site")?.parse::<Site>()?);
            Ok(())
        })
    }
}

/// Sets a custom base URL, such as a proxy's `https://dd-proxy.example.com/datadog` or a test
/// server's `http://127.0.0.1:8080`. Defaults to `DDORG_BASE_URL`, else `https://api.<site>`.
/// `ddorg_client_new` refuses (`DDORG_ERR_CONFIG`) a URL that is not https (plain http is allowed
/// to loopback hosts only) or that carries credentials, a query or a fragment.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_base_url(
    opts: *mut ddorg_options,
    url: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.base_url = Some(arg_str(url, "url")?.to_owned());
            Ok(())
        })
    }
}

/// Sets the overall deadline of one call, retries and their waits included. Defaults to 60000
/// (60 s). `ddorg_client_new` refuses 0 and more than 365 days (31536000000) with
/// `DDORG_ERR_CONFIG`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_timeout_ms(
    opts: *mut ddorg_options,
    ms: u64,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.timeout = Some(Duration::from_millis(ms));
            Ok(())
        })
    }
}

/// Sets the longest wait to establish a connection (DNS, TCP, TLS). Defaults to 10000 (10 s).
/// `ddorg_client_new` refuses 0 and more than 365 days (31536000000) with `DDORG_ERR_CONFIG`.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_connect_timeout_ms(
    opts: *mut ddorg_options,
    ms: u64,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.connect_timeout = Some(Duration::from_millis(ms));
            Ok(())
        })
    }
}

/// Sets how many times a failed request is retried after the first attempt (HTTP 429 after
/// waiting for the rate-limit reset, HTTP 500/502/503/504 and network failures with backoff),
/// always within the overall timeout. 0 disables retrying. Defaults to 3.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_max_retries(
    opts: *mut ddorg_options,
    n: u32,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            arg_mut(opts, "opts")?.max_retries = Some(n);
            Ok(())
        })
    }
}

/// Replaces the whole user agent, which is `ddorg-c/<version>` by default, tokens appended
/// before included (the same meaning as `user_agent` in Rust, Python and the CLI). To add a
/// product token to the default instead, use `ddorg_options_append_user_agent`.
/// `ddorg_client_new` refuses one that is not printable ASCII (`DDORG_ERR_CONFIG`).
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_user_agent(
    opts: *mut ddorg_options,
    user_agent: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.user_agent = Some(arg_str(user_agent, "user_agent")?.to_owned());
            o.user_agent_tokens.clear();
            Ok(())
        })
    }
}

/// Appends a product token such as `"myapp/1.2"` to the user agent after a space, so the default
/// becomes `ddorg-c/<version> myapp/1.2`; each call appends one more, `""` appends nothing.
/// Appends nothing by default. `ddorg_client_new` refuses a token that is not printable ASCII
/// (`DDORG_ERR_CONFIG`).
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_append_user_agent(
    opts: *mut ddorg_options,
    token: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            let token = arg_str(token, "token")?.to_owned();
            o.user_agent_tokens.push(token);
            Ok(())
        })
    }
}

/// Sets the largest response body accepted, in bytes after decompression; a larger one fails
/// with `DDORG_ERR_RESPONSE_TOO_LARGE` and is never held in memory whole. Defaults to 16777216
/// (16 MiB). `ddorg_client_new` refuses 0, which would refuse every response (`DDORG_ERR_CONFIG`).
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_max_body_size(
    opts: *mut ddorg_options,
    bytes: u64,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            arg_mut(opts, "opts")?.max_body_size = Some(bytes);
            Ok(())
        })
    }
}

/// Sends every request through this proxy: `http://`, `https://`, `socks5://` or `socks5h://`
/// (`[user:password@]host[:port]`). Defaults to the first of `HTTPS_PROXY`, `https_proxy`,
/// `ALL_PROXY`, `all_proxy`, honoring `NO_PROXY`. Loopback base URLs never use a proxy.
/// `ddorg_client_new` refuses (`DDORG_ERR_CONFIG`, naming this option or the variable, never
/// the password) a URL that does not parse or has another scheme, rather than connect directly.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_proxy(
    opts: *mut ddorg_options,
    url: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.proxy = Some(Proxy::Url(arg_str(url, "url")?.to_owned()));
            Ok(())
        })
    }
}

/// Trusts the certificate authorities in this PEM file (a UTF-8 path) instead of the built-in
/// roots (as curl's `--cacert` does): the CA of a TLS-inspecting proxy, or a private CA. Defaults to
/// `DDORG_CA_BUNDLE`, then `SSL_CERT_FILE`, then the roots of `ddorg_options_set_tls_roots`.
/// `ddorg_client_new` reads the file: one that cannot be read or holds no certificate is
/// `DDORG_ERR_CONFIG`, naming the path.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_ca_bundle(
    opts: *mut ddorg_options,
    path: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.ca_bundle = Some(PathBuf::from(arg_str(path, "path")?));
            Ok(())
        })
    }
}

/// Chooses the roots that verify the server when no CA bundle is given: `"bundled"` (the
/// Mozilla roots compiled into ddorg, the default) or `"system"` (the operating system's trust
/// store). Anything else is `DDORG_ERR_CONFIG` here. Setting it also stops `DDORG_CA_BUNDLE`
/// and `SSL_CERT_FILE` from being read. There is no way to turn verification off.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_tls_roots(
    opts: *mut ddorg_options,
    roots: *const c_char,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let o = arg_mut(opts, "opts")?;
            o.tls_roots = Some(arg_str(roots, "roots")?.parse::<TlsRoots>()?);
            Ok(())
        })
    }
}

/// Never uses a proxy, whatever the environment says (undoes `ddorg_options_set_proxy`).
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_set_no_proxy(
    opts: *mut ddorg_options,
    err: *mut *mut ddorg_error,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            arg_mut(opts, "opts")?.proxy = Some(Proxy::Never);
            Ok(())
        })
    }
}

/// Frees options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ddorg_options_free(opts: *mut ddorg_options) {
    unsafe { free(opts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ddorg_options {
        ddorg_options {
            api_key: Some("k".into()),
            app_key: Some("k".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        }
    }

    #[test]
    fn timeouts_are_checked_by_the_core_when_the_client_is_built() {
        let ok = |ms: u64| {
            let o = ddorg_options {
                timeout: Some(Duration::from_millis(ms)),
                connect_timeout: Some(Duration::from_millis(ms)),
                ..options()
            };
            ddorg_options::builder(Some(&o)).build().is_ok()
        };
        assert!(ok(1));
        assert!(ok(365 * 24 * 3600 * 1000));
        assert!(!ok(0));
        assert!(!ok(365 * 24 * 3600 * 1000 + 1));
        assert!(!ok(u64::MAX));
    }

    #[test]
    fn the_user_agent_names_the_c_binding_and_can_be_replaced_or_appended_to() {
        let mut o = options();
        let client = ddorg_options::builder(Some(&o)).build().unwrap();
        assert_eq!(client.user_agent(), format!("ddorg-c/{}", version()));
        o.user_agent_tokens.push("myapp/1.2".into());
        let client = ddorg_options::builder(Some(&o)).build().unwrap();
        assert_eq!(
            client.user_agent(),
            format!("ddorg-c/{} myapp/1.2", version())
        );
        o.user_agent = Some("other/3".into());
        let client = ddorg_options::builder(Some(&o)).build().unwrap();
        assert_eq!(client.user_agent(), "other/3 myapp/1.2");
    }
}
