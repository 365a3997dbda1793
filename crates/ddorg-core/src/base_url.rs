//! [`BaseUrl`]: the checks a base URL must pass (https, or plain http to loopback; no userinfo,
//! query or fragment, no `.`/`..` path segments), and the one redaction of URLs for messages.

use std::net::IpAddr;

use crate::error::{Error, ErrorKind};

/// A validated base URL without a trailing slash.
#[derive(Debug)]
pub(crate) struct BaseUrl {
    pub(crate) url: String,
    pub(crate) loopback: bool,
}

impl BaseUrl {
    pub(crate) fn parse(raw: &str) -> Result<BaseUrl, Error> {
        let config = |why: &str| {
            Error::new(
                ErrorKind::Config,
                format!("invalid base URL {:?}: {why}", redact_userinfo(raw)),
            )
        };
        let url = raw.trim().trim_end_matches('/');
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| config("it must start with https://"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(config("the scheme must be https"));
        }
        if url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(config("it contains spaces or control characters"));
        }
        if url.contains(['?', '#']) {
            return Err(config("it must not have a query or fragment"));
        }
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            return Err(config(
                "it must not carry credentials (user:password@); keys go in DD_API_KEY and DD_APP_KEY",
            ));
        }
        // A `.` or `..` segment (also percent-encoded) would make the path depend on how each
        // proxy and server resolves it: refused rather than normalised, so the URL used is the
        // URL written.
        let dot_segment = rest.split('/').skip(1).any(|seg| {
            let seg = seg.to_ascii_lowercase().replace("%2e", ".");
            seg == "." || seg == ".."
        });
        if dot_segment {
            return Err(config("its path must not hold `.` or `..` segments"));
        }
        let host = host_of(authority).ok_or_else(|| config("it has no host"))?;
        let loopback = is_loopback(&host);
        if scheme == "http" && !loopback {
            return Err(config(
                "plain http is only allowed to loopback hosts (127.0.0.0/8, localhost, [::1]); use https",
            ));
        }
        Ok(BaseUrl {
            url: format!("{scheme}://{rest}"),
            loopback,
        })
    }
}

/// The host of an authority (`host`, `host:port`, `[v6]:port`), lower-cased.
fn host_of(authority: &str) -> Option<String> {
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6.find(']')?;
        &v6[..end]
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `scheme://***@host…` for a URL with userinfo, so no error or `Debug` output repeats a
/// password: the one redaction of URLs (only the authority's `@` counts, so a path holding `@`
/// is left alone).
/// A URL without a scheme (`user:pw@proxy:3128`, as proxy variables may hold) is redacted too.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let (prefix, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{prefix}***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_base_urls_are_accepted() {
        for (raw, want, loopback) in [
            (
                "https://api.datadoghq.com/",
                "https://api.datadoghq.com",
                false,
            ),
            (
                "https://proxy.example.com/dd",
                "https://proxy.example.com/dd",
                false,
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080", true),
            ("http://127.9.9.9", "http://127.9.9.9", true),
            ("http://localhost:1", "http://localhost:1", true),
            ("http://[::1]:9", "http://[::1]:9", true),
            ("https://a.com/v1.x/..dd", "https://a.com/v1.x/..dd", false),
        ] {
            let b = BaseUrl::parse(raw).unwrap();
            assert_eq!(b.url, want);
            assert_eq!(b.loopback, loopback, "{raw}");
        }
    }

    #[test]
    fn unsafe_base_urls_are_config_errors_without_the_password() {
        for raw in [
            "http://api.datadoghq.com",
            "http://10.0.0.1:80",
            "http://localhost.evil.com",
            "https://user:hunter2@api.datadoghq.com",
            "ftp://x",
            "api.datadoghq.com",
            "https://",
            "https://a.com/?x=1",
            "https://a.com/#f",
            "https://a.com/\r\nX: y",
            "https://a.com/dd/../v2",
            "https://a.com/./x",
            "https://a.com/x/..",
            "https://a.com/%2E%2e/x",
        ] {
            let err = BaseUrl::parse(raw).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{raw}");
            assert!(!err.to_string().contains("hunter2"));
        }
    }
}
