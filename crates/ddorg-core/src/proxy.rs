//! Which proxy a client uses: the builder's or the environment's, checked when the client is
//! built, so that a proxy that was asked for is either used or refused, never skipped.

use crate::base_url::redact_userinfo as redact;
use crate::error::{Error, ErrorKind};

/// The variables read for a proxy, first non-empty wins. ddorg only talks https (plain http is
/// for loopback, which never uses a proxy), so `HTTP_PROXY` does not apply, as in curl.
pub(crate) const ENV_PROXY: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// The variables listing hosts that bypass the proxy.
const ENV_NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// Where the proxy comes from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum ProxySetting {
    /// `HTTPS_PROXY`/`ALL_PROXY` and `NO_PROXY`, read when the client is built.
    #[default]
    FromEnv,
    None,
    Url(String),
}

impl ProxySetting {
    /// The proxy without any userinfo, for `Debug`.
    pub(crate) fn redacted(&self) -> String {
        match self {
            ProxySetting::FromEnv => "from environment".into(),
            ProxySetting::None => "none".into(),
            ProxySetting::Url(url) => redact(url),
        }
    }
}

/// The proxy a client uses, with how to name it in messages (`host:port`, never credentials).
#[derive(Clone, Debug)]
pub(crate) struct ChosenProxy {
    pub(crate) proxy: ureq::Proxy,
    pub(crate) shown: String,
}

/// Resolves the setting for a base URL whose host is `host`. `loopback` hosts never use a
/// proxy, but a proxy URL given to the builder is still checked.
pub(crate) fn choose(
    setting: &ProxySetting,
    host: &str,
    loopback: bool,
) -> Result<Option<ChosenProxy>, Error> {
    let (raw, from) = match setting {
        ProxySetting::None => return Ok(None),
        ProxySetting::Url(url) => {
            let chosen = parse(url, "the proxy option")?;
            return Ok((!loopback).then_some(chosen));
        }
        ProxySetting::FromEnv if loopback => return Ok(None),
        ProxySetting::FromEnv => {
            let Some((name, value)) = ENV_PROXY.iter().find_map(|&name| {
                Some((name, std::env::var(name).ok().filter(|v| !v.is_empty())?))
            }) else {
                return Ok(None);
            };
            if let Some((var, list)) = ENV_NO_PROXY
                .iter()
                .find_map(|&n| Some((n, std::env::var(n).ok().filter(|v| !v.is_empty())?)))
            {
                if no_proxy_matches(&list, host) {
                    log::debug!(target: crate::LOG_TARGET, "{var} lists {host}: not using the proxy in {name}");
                    return Ok(None);
                }
            }
            (value, name)
        }
    };
    parse(&raw, from).map(Some)
}

/// Checks a proxy URL: `[scheme://][user:password@]host[:port][/]` with scheme http (the
/// default, as in curl), https, socks5 or socks5h. Errors name `from` and show the URL without
/// its credentials.
fn parse(raw: &str, from: &str) -> Result<ChosenProxy, Error> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::Config,
            format!("invalid proxy URL in {from} ({:?}): {why}", redact(raw)),
        )
    };
    let url = raw.trim();
    if url.is_empty() {
        return Err(bad("it is empty"));
    }
    if url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(bad("it contains spaces or control characters"));
    }
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("http".to_string(), url),
    };
    if !matches!(scheme.as_str(), "http" | "https" | "socks5" | "socks5h") {
        return Err(bad(&format!(
            "unsupported scheme {scheme:?}: expected http, https, socks5 or socks5h"
        )));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(bad(
            "expected scheme://[user:password@]host[:port] and nothing after it",
        ));
    }
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("an IPv6 address is missing its closing ]"))?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(bad("the port must be a number from 1 to 65535"));
        }
    }
    let proxy = ureq::Proxy::new(&format!("{scheme}://{authority}"))
        .map_err(|_| bad("it is not a valid URL"))?;
    Ok(ChosenProxy {
        shown: format!("{}:{}", proxy.host(), proxy.port()),
        proxy,
    })
}

/// Whether a `NO_PROXY` list (`*`, `example.com`, `.example.com`, `host:port`, IPs) covers
/// `host`. A name covers itself and its subdomains, as in curl.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.to_ascii_lowercase();
        if entry == "*" {
            return true;
        }
        let entry = match entry.rsplit_once(':') {
            Some((name, port)) if port.parse::<u16>().is_ok() && !name.ends_with(':') => name,
            _ => entry.as_str(),
        };
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        let entry = entry.trim_start_matches('[').trim_end_matches(']');
        !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_proxy_urls_are_accepted_and_shown_without_credentials() {
        for (raw, shown) in [
            ("http://proxy:3128", "proxy:3128"),
            ("proxy.corp:8080", "proxy.corp:8080"),
            ("https://bob:s3cret@proxy.corp:443/", "proxy.corp:443"),
            ("socks5h://127.0.0.1:1080", "127.0.0.1:1080"),
            ("HTTP://[::1]:3128", "[::1]:3128"),
        ] {
            let chosen = parse(raw, "HTTPS_PROXY").unwrap();
            assert_eq!(chosen.shown, shown, "{raw}");
        }
    }

    #[test]
    fn bad_proxy_urls_are_config_errors_naming_the_source_never_the_password() {
        for raw in [
            "http://bad proxy:1",
            "ftp://proxy:21",
            "http://[::1",
            "http://",
            "http://u:hunter2@proxy:99999",
            "http://u:hunter2@proxy:1/path",
            "socks4://proxy:1080",
            "",
        ] {
            let err = parse(raw, "HTTPS_PROXY").unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{raw}");
            assert!(err.message().contains("HTTPS_PROXY"), "{err}");
            assert!(!err.message().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn no_proxy_covers_names_subdomains_and_stars() {
        let host = "api.datadoghq.com";
        for list in [
            "*",
            "datadoghq.com",
            ".datadoghq.com",
            "x, API.datadoghq.com:443",
            "*.datadoghq.com",
        ] {
            assert!(no_proxy_matches(list, host), "{list}");
        }
        for list in ["", "datadoghq.eu", "ghq.com", "api.datadoghq.com.evil"] {
            assert!(!no_proxy_matches(list, host), "{list}");
        }
    }
}
