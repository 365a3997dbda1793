//! Datadog's `x-ratelimit-*` response headers, kept on successes as well as on errors.

use serde::{Deserialize, Serialize};

/// The rate-limit state Datadog reports on a response.
///
/// Each field is `None` when its header was absent or not a number. Datadog sends these on
/// successful responses too; official clients drop them there, ddorg keeps them so a caller can
/// slow down before it is throttled.
///
/// `#[non_exhaustive]`: build one from `RateLimit::default()` and assign the fields you need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimit {
    /// `x-ratelimit-limit`: requests allowed per period.
    pub limit: Option<u64>,
    /// `x-ratelimit-period`: the period's length in seconds.
    pub period: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the current period.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`: seconds until the current period resets.
    pub reset: Option<u64>,
    /// `x-ratelimit-name`: the name of the limit that applies.
    pub name: Option<String>,
}

impl RateLimit {
    /// Reads the headers through `header` (a case-insensitive lookup); `None` when none is present.
    pub fn from_headers<'a>(header: impl Fn(&str) -> Option<&'a str>) -> Option<RateLimit> {
        let number = |name: &str| header(name).and_then(|v| v.trim().parse::<u64>().ok());
        let rate_limit = RateLimit {
            limit: number("x-ratelimit-limit"),
            period: number("x-ratelimit-period"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
            name: header("x-ratelimit-name").map(|v| v.trim().to_string()),
        };
        (rate_limit != RateLimit::default()).then_some(rate_limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    #[test]
    fn parses_all_five_headers() {
        let pairs = [
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-period", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", " 7 "),
            ("x-ratelimit-name", "org_get"),
        ];
        let rl = RateLimit::from_headers(lookup(&pairs)).unwrap();
        assert_eq!(rl.limit, Some(100));
        assert_eq!(rl.period, Some(60));
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(rl.reset, Some(7));
        assert_eq!(rl.name.as_deref(), Some("org_get"));
    }

    #[test]
    fn absent_headers_give_none_and_garbage_numbers_are_skipped() {
        assert_eq!(RateLimit::from_headers(lookup(&[])), None);
        let rl = RateLimit::from_headers(lookup(&[
            ("x-ratelimit-reset", "soon"),
            ("x-ratelimit-limit", "5"),
        ]))
        .unwrap();
        assert_eq!(rl.reset, None);
        assert_eq!(rl.limit, Some(5));
    }
}
