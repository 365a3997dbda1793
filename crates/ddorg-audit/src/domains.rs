//! Email domains for the just-in-time rules: the built-in public (free and disposable) domains,
//! how a domain is normalized, and how a pattern such as `yahoo.*` or `*.mail.ru` matches.

/// Free and disposable email domains anyone can get an address on (DDORG-SAML-005). A policy's
/// `public_email_domains` adds to this list; it never removes from it.
///
/// Entries are patterns (see `domain_matches`): `yahoo.*` stands for the provider under any
/// country or generic suffix (`yahoo.com`, `yahoo.co.uk`, `yahoo.com.br`), `*.example` for a
/// domain and its subdomains, and a plain name for itself.
pub const BUILTIN_PUBLIC_EMAIL_DOMAINS: &[&str] = &[
    // Regional families: the provider's name under any country or generic suffix.
    "aol.*",
    "gmx.*",
    "hotmail.*",
    "live.*",
    "outlook.*",
    "yahoo.*",
    "yandex.*",
    "ymail.*",
    // Large free providers.
    "126.com",
    "139.com",
    "163.com",
    "aim.com",
    "bk.ru",
    "comcast.net",
    "daum.net",
    "fastmail.com",
    "fastmail.fm",
    "free.fr",
    "gmail.com",
    "googlemail.com",
    "hanmail.net",
    "hey.com",
    "icloud.com",
    "inbox.ru",
    "laposte.net",
    "libero.it",
    "list.ru",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "naver.com",
    "orange.fr",
    "passmail.net",
    "pm.me",
    "proton.me",
    "protonmail.ch",
    "protonmail.com",
    "qq.com",
    "rambler.ru",
    "rediffmail.com",
    "rocketmail.com",
    "sina.com",
    "t-online.de",
    "tuta.com",
    "tuta.io",
    "tutamail.com",
    "tutanota.com",
    "tutanota.de",
    "web.de",
    "ya.ru",
    "yeah.net",
    "zoho.com",
    "zohomail.com",
    // Disposable (throwaway) mail services.
    "10minutemail.com",
    "dispostable.com",
    "emailondeck.com",
    "getnada.com",
    "guerrillamail.com",
    "guerrillamail.net",
    "guerrillamailblock.com",
    "mailinator.com",
    "maildrop.cc",
    "mailnesia.com",
    "mintemail.com",
    "mohmal.com",
    "sharklasers.com",
    "temp-mail.org",
    "tempmail.com",
    "throwawaymail.com",
    "trashmail.com",
    "yopmail.com",
];

/// A domain as the rules compare it: trimmed, lowercase, without a leading `@` or a trailing
/// dot. A leading `*.` is kept: in a pattern it means "and its subdomains".
pub(crate) fn normalize_domain(d: &str) -> String {
    let d = d.trim().to_ascii_lowercase();
    let d = d.trim_start_matches('@');
    d.trim_end_matches('.').to_string()
}

/// Whether a label can be part of a public suffix under a `name.*` pattern: 2 or 3 letters
/// (`uk`, `co`, `com`, `fr`), which keeps `yahoo.*` off `yahoo.acme.com`.
fn suffix_label(label: &str) -> bool {
    (2..=3).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_lowercase())
}

/// Whether a (normalized) email domain matches a (normalized) pattern:
///
/// - `name.*`: `name.` then one or two suffix labels of 2 or 3 letters (`yahoo.com`,
///   `yahoo.co.uk`, `yahoo.com.br`, but not `yahoo.acme.com`);
/// - `*.name`: `name` itself or any subdomain of it;
/// - any other `*`: a glob (`*` matches any run of characters);
/// - otherwise: the same domain.
pub(crate) fn domain_matches(pattern: &str, domain: &str) -> bool {
    if let Some(name) = pattern.strip_suffix(".*") {
        if !name.contains('*') {
            return match domain.strip_prefix(name).and_then(|r| r.strip_prefix('.')) {
                Some(rest) => {
                    let labels: Vec<&str> = rest.split('.').collect();
                    labels.len() <= 2 && labels.iter().all(|l| suffix_label(l))
                }
                None => false,
            };
        }
    }
    if let Some(name) = pattern.strip_prefix("*.") {
        if !name.contains('*') {
            return domain == name || domain.ends_with(&format!(".{name}"));
        }
    }
    if pattern.contains('*') {
        return crate::hosts::glob(pattern, domain);
    }
    pattern == domain
}

/// The first pattern of `patterns` that `domain` matches.
pub(crate) fn first_match<'a>(patterns: &'a [String], domain: &str) -> Option<&'a str> {
    let domain = normalize_domain(domain);
    let domain = domain.trim_start_matches("*.");
    patterns
        .iter()
        .find(|p| domain_matches(p, domain))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(domain: &str) -> bool {
        let list: Vec<String> = BUILTIN_PUBLIC_EMAIL_DOMAINS
            .iter()
            .map(|d| d.to_string())
            .collect();
        first_match(&list, domain).is_some()
    }

    #[test]
    fn regional_and_disposable_domains_are_public() {
        for d in [
            "gmail.com",
            "@GMail.com.",
            "yahoo.co.uk",
            "yahoo.com.br",
            "yahoo.fr",
            "hotmail.de",
            "outlook.jp",
            "live.co.uk",
            "gmx.at",
            "yandex.kz",
            "proton.me",
            "icloud.com",
            "mailinator.com",
            "yopmail.com",
            "mail.ru",
        ] {
            assert!(builtin(d), "{d}");
        }
        for d in [
            "example.com",
            "yahoo.acme.com",
            "acme-outlook.com",
            "mail.acme.ru",
        ] {
            assert!(!builtin(d), "{d}");
        }
    }

    #[test]
    fn patterns_match_as_documented() {
        assert!(domain_matches("*.corp.example", "corp.example"));
        assert!(domain_matches("*.corp.example", "eu.corp.example"));
        assert!(!domain_matches("*.corp.example", "corpx.example"));
        assert!(domain_matches("mail-*.example", "mail-eu.example"));
        assert!(domain_matches("example.com", "example.com"));
        assert!(!domain_matches("example.com", "sub.example.com"));
        assert!(domain_matches("yahoo.*", "yahoo.com"));
        assert!(!domain_matches("yahoo.*", "yahoo.a.b.c"));
    }
}
