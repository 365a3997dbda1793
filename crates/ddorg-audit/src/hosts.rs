//! URLs, hosts and domain patterns as the rules read them: the host of a URL, whether it is a
//! loopback, private or literal address, which Datadog site it is on, and `*` patterns.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ddorg_core::Site;

/// The scheme and the lowercase host of a URL (userinfo and port removed), if it has both.
pub(crate) fn scheme_and_host(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then(|| (scheme.to_ascii_lowercase(), host))
}

/// Names that never resolve to a public host: RFC 6761 (`localhost`, `test`, `invalid`),
/// RFC 6762 (`local`, mDNS), RFC 8375 (`home.arpa`) and ICANN's private-use `internal`.
const SPECIAL_USE_SUFFIXES: &[&str] = &[
    "localhost",
    "local",
    "internal",
    "home.arpa",
    "test",
    "invalid",
];

/// IPv4 as a browser reads a host (WHATWG URL): up to four dot-separated parts, each decimal,
/// `0x` hex or `0`-prefixed octal, the last filling the remaining bytes. `2130706433`, `0x7f.1`
/// and `127.1` are all 127.0.0.1 to a browser, so they are to the rules.
fn whatwg_ipv4(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or(p.strip_prefix("0X")) {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        if p.is_empty() {
            return None;
        }
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        nums.push(n);
    }
    let last = nums.pop()?;
    if nums.iter().any(|n| *n > 255) || last >= 1u64 << (8 * (4 - nums.len())) {
        return None;
    }
    let mut v = last;
    for (i, n) in nums.iter().enumerate() {
        v += n << (8 * (3 - i));
    }
    Some(Ipv4Addr::from(u32::try_from(v).ok()?))
}

/// An IP address written as a host, as a browser would read it.
fn ip_literal(host: &str) -> Option<IpAddr> {
    if host.contains(':') {
        return host.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    whatwg_ipv4(host).map(IpAddr::V4)
}

fn ipv4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() || (o[0] == 100 && (64..128).contains(&o[1])) {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_unspecified() {
        Some("the unspecified address")
    } else {
        None
    }
}

/// Why a host is not a public host name a login may go to, if it is not: localhost and other
/// special-use names, a single-label name, a loopback, private or link-local address, or any IP
/// literal.
pub(crate) fn structural_problem(host: &str) -> Option<String> {
    if let Some(ip) = ip_literal(host) {
        let v4 = match ip {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        };
        let kind = match (ip, v4) {
            (_, Some(v4)) => ipv4_kind(v4),
            (IpAddr::V6(v6), None) => {
                let first = v6.segments()[0];
                if v6.is_loopback() {
                    Some("a loopback address")
                } else if first & 0xfe00 == 0xfc00 {
                    Some("a private (unique local) address")
                } else if first & 0xffc0 == 0xfe80 {
                    Some("a link-local address")
                } else if v6.is_unspecified() {
                    Some("the unspecified address")
                } else {
                    None
                }
            }
            (IpAddr::V4(_), None) => None,
        };
        return Some(match kind {
            Some(kind) => format!("{kind} (IP literal {ip})"),
            None => format!("an IP literal ({ip}), not a host name"),
        });
    }
    if let Some(s) = SPECIAL_USE_SUFFIXES
        .iter()
        .find(|s| host == **s || host.ends_with(&format!(".{s}")))
    {
        return Some(if *s == "localhost" {
            "localhost".to_string()
        } else {
            format!("a special-use name (.{s}) that no public DNS resolves")
        });
    }
    if !host.contains('.') {
        return Some("a single-label name that only a local network resolves".to_string());
    }
    None
}

/// Whether `host` matches a host pattern of a policy: `*.example.com` matches subdomains of
/// example.com; a pattern with `*` elsewhere is a glob (`*` matches any characters, dots
/// included); a plain name matches itself and its subdomains.
pub(crate) fn host_matches(pattern: &str, host: &str) -> bool {
    if let Some(parent) = pattern.strip_prefix("*.") {
        if !parent.contains('*') {
            return host.ends_with(&format!(".{parent}"));
        }
    }
    if pattern.contains('*') {
        return glob(pattern, host);
    }
    host == pattern || host.ends_with(&format!(".{pattern}"))
}

/// `*` matches any run of characters (none included), `?` exactly one; everything else itself.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The Datadog site a host belongs to: the site whose domain it is or is under, the longest such
/// domain winning (`acme.us3.datadoghq.com` is US3, not US1). From ddorg-core's list of sites.
pub(crate) fn site_of_host(host: &str) -> Option<Site> {
    Site::ALL
        .iter()
        .copied()
        .filter(|s| host == s.as_str() || host.ends_with(&format!(".{}", s.as_str())))
        .max_by_key(|s| s.as_str().len())
}

/// The site of a base URL on a Datadog host (`https://api.datadoghq.eu` is EU1), if it is one.
pub(crate) fn site_of_url(url: &str) -> Option<Site> {
    scheme_and_host(url).and_then(|(_, host)| site_of_host(&host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_without_userinfo_or_port() {
        assert_eq!(
            scheme_and_host("HTTPS://user@Acme.My.Salesforce.com.:443/x"),
            Some(("https".into(), "acme.my.salesforce.com".into()))
        );
        assert_eq!(scheme_and_host("acme.salesforce.com"), None);
        assert_eq!(scheme_and_host("https://"), None);
        assert_eq!(
            scheme_and_host("https://[::1]:8443/sso").map(|(_, h)| h),
            Some("::1".into())
        );
    }

    #[test]
    fn loopback_private_link_local_and_literals_are_named() {
        for (host, needle) in [
            ("localhost", "localhost"),
            ("idp.localhost", "localhost"),
            ("127.0.0.1", "loopback"),
            ("2130706433", "loopback"),
            ("0x7f.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.9", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "private"),
            ("169.254.169.254", "link-local"),
            ("::1", "loopback"),
            ("fd00::1", "private"),
            ("fe80::1", "link-local"),
            ("::ffff:127.0.0.1", "loopback"),
            ("8.8.8.8", "IP literal (8.8.8.8)"),
            ("2001:db8::1", "IP literal"),
            ("adfs.corp.internal", ".internal"),
            ("idp.local", ".local"),
            ("idp", "single-label"),
        ] {
            let got = structural_problem(host).unwrap_or_default();
            assert!(got.contains(needle), "{host}: {got:?}");
        }
        for host in [
            "idp.example.com",
            "acme.okta.com",
            "login.microsoftonline.com",
            "1.example.com",
        ] {
            assert_eq!(structural_problem(host), None, "{host}");
        }
    }

    #[test]
    fn host_patterns_match_names_subdomains_and_globs() {
        assert!(host_matches("okta.com", "okta.com"));
        assert!(host_matches("okta.com", "acme.okta.com"));
        assert!(!host_matches("okta.com", "evilokta.com"));
        assert!(host_matches("*.okta.com", "acme.okta.com"));
        assert!(!host_matches("*.okta.com", "okta.com"));
        assert!(host_matches("login-*.example.com", "login-eu.example.com"));
        assert!(!host_matches("login-*.example.com", "sso.example.com"));
        assert!(glob("a?c*", "abcdef") && !glob("a?c", "ac"));
    }

    #[test]
    fn the_longest_site_domain_wins() {
        assert_eq!(site_of_host("app.datadoghq.com"), Some(Site::Us1));
        assert_eq!(site_of_host("acme.us3.datadoghq.com"), Some(Site::Us3));
        assert_eq!(site_of_host("app.datadoghq.eu"), Some(Site::Eu1));
        assert_eq!(site_of_host("us2.ddog-gov.com"), Some(Site::Gov2));
        assert_eq!(site_of_host("datadoghq.com.evil.example"), None);
        assert_eq!(
            site_of_url("https://api.ap1.datadoghq.com"),
            Some(Site::Ap1)
        );
        assert_eq!(site_of_url("http://127.0.0.1:9"), None);
    }
}
