//! Datadog-like rate limits ([`FakeServer::set_rate_limit`](crate::FakeServer::set_rate_limit)):
//! per API key and per endpoint, a fixed window of `period` seconds that admits `limit`
//! requests, announced on every answer of a limited endpoint by the `x-ratelimit-*` headers
//! Datadog sends (<https://docs.datadoghq.com/api/latest/rate-limits/>), and 429 past the limit.
//!
//! Datadog aligns its windows to the clock; the fake aligns them to the moment the endpoint's
//! limit was set, so every key's window of an endpoint ends at the same time, as on Datadog,
//! and a test shorter than one period never sees a window end under it.

use std::collections::HashMap;
use std::io::Write as _;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A rate-limited endpoint of the fake, named by its `x-ratelimit-name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /api/v1/org/{public_id}`, `org_get`.
    OrgGet,
    /// `GET /api/v1/org` (the managed orgs), `org_list`.
    OrgList,
    /// `GET /api/v2/integration/salesforce-incidents/organizations`, `salesforce_orgs`.
    Salesforce,
}

impl Endpoint {
    /// Every rate-limited endpoint, in the order documented above.
    pub const ALL: &'static [Endpoint] =
        &[Endpoint::OrgGet, Endpoint::OrgList, Endpoint::Salesforce];

    /// Its `x-ratelimit-name`, also its name in the control API and on the command line: the
    /// one place the names are written.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::OrgGet => "org_get",
            Endpoint::OrgList => "org_list",
            Endpoint::Salesforce => "salesforce_orgs",
        }
    }

    /// Parses a name (see [`Endpoint::name`]), with an error listing the known ones.
    pub fn parse(name: &str) -> Result<Endpoint, String> {
        Endpoint::ALL
            .iter()
            .copied()
            .find(|e| e.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Endpoint::ALL.iter().map(|e| e.name()).collect();
                format!("unknown endpoint {name:?} (known: {})", known.join(", "))
            })
    }

    fn index(self) -> usize {
        match self {
            Endpoint::OrgGet => 0,
            Endpoint::OrgList => 1,
            Endpoint::Salesforce => 2,
        }
    }
}

/// One endpoint's limit.
#[derive(Clone, Copy, Debug)]
struct Rule {
    limit: u64,
    period: u64,
    /// Windows start here, every `period` seconds.
    origin: Instant,
}

/// One key's use of one endpoint: which window, and how many requests it admitted in it.
#[derive(Clone, Copy, Debug, Default)]
struct Window {
    index: u64,
    count: u64,
}

/// What the limiter says of one request.
pub(crate) enum Verdict {
    /// Serve it, with these header lines (`x-ratelimit-*`, each ending in CRLF).
    Admitted(Vec<u8>),
    /// Answer 429 with these header lines.
    Limited(Vec<u8>),
}

/// The rules and every key's windows; lives in the server's state, under its one lock.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    rules: [Option<Rule>; 3],
    windows: HashMap<String, [Window; 3]>,
    /// How many 429s the limiter answered.
    pub(crate) rate_limited: usize,
}

impl Limiter {
    /// Limits `endpoint` to `limit` requests per key in every window of `period` seconds (at
    /// least 1), windows starting now; forgets that endpoint's counts.
    pub(crate) fn set(&mut self, endpoint: Endpoint, limit: u64, period: u64) {
        let i = endpoint.index();
        self.rules[i] = Some(Rule {
            limit,
            period: period.max(1),
            origin: Instant::now(),
        });
        for windows in self.windows.values_mut() {
            windows[i] = Window::default();
        }
    }

    /// Removes every limit and the keys' counts (not the tally of 429s sent).
    pub(crate) fn clear(&mut self) {
        self.rules = [None; 3];
        self.windows = HashMap::new();
    }

    /// Counts a request of `api_key` to `endpoint`; `None` when the endpoint is not limited.
    pub(crate) fn check(&mut self, api_key: &str, endpoint: Endpoint) -> Option<Verdict> {
        let i = endpoint.index();
        let rule = self.rules[i]?;
        let elapsed = rule.origin.elapsed();
        let index = elapsed.as_secs() / rule.period;
        let window = match self.windows.get_mut(api_key) {
            Some(windows) => &mut windows[i],
            None => {
                let windows = self.windows.entry(api_key.to_string()).or_default();
                &mut windows[i]
            }
        };
        if window.index != index {
            *window = Window { index, count: 0 };
        }
        let admitted = window.count < rule.limit;
        if admitted {
            window.count += 1;
        }
        let remaining = rule.limit - window.count;
        // Whole seconds until the window ends, rounded up: never 0 while the window lasts.
        let ends = Duration::from_secs((index + 1).saturating_mul(rule.period));
        let left = ends.saturating_sub(elapsed);
        let reset = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let mut headers = Vec::with_capacity(160);
        let _ = write!(
            headers,
            "x-ratelimit-limit: {}\r\nx-ratelimit-period: {}\r\nx-ratelimit-remaining: {remaining}\r\n\
             x-ratelimit-reset: {reset}\r\nx-ratelimit-name: {}\r\n",
            rule.limit,
            rule.period,
            endpoint.name(),
        );
        Some(if admitted {
            Verdict::Admitted(headers)
        } else {
            self.rate_limited += 1;
            Verdict::Limited(headers)
        })
    }
}

/// A parsed `POST /_fake/rate_limit` body.
pub(crate) enum RateLimitRequest {
    /// Limit these endpoints (all of them when none was named).
    Set {
        endpoints: Vec<Endpoint>,
        limit: u64,
        period: u64,
    },
    /// Remove every limit.
    Off,
}

/// Reads `{"limit": n, "period": seconds}` (optionally `"endpoint": "<name>"`) or
/// `{"off": true}`.
pub(crate) fn request_from_value(v: &Value) -> Result<RateLimitRequest, String> {
    const EXPECTED: &str =
        r#"expected {"limit": n, "period": seconds[, "endpoint": "<name>"]} or {"off": true}"#;
    let obj = v.as_object().ok_or(EXPECTED)?;
    if obj.len() == 1 && obj.get("off") == Some(&Value::Bool(true)) {
        return Ok(RateLimitRequest::Off);
    }
    let number = |k: &str| obj.get(k).and_then(Value::as_u64);
    let (Some(limit), Some(period)) = (number("limit"), number("period")) else {
        return Err(EXPECTED.into());
    };
    if period == 0 {
        return Err("period must be at least 1 second".into());
    }
    let endpoints = match obj.get("endpoint") {
        None => Endpoint::ALL.to_vec(),
        Some(Value::String(name)) => vec![Endpoint::parse(name)?],
        Some(_) => return Err(EXPECTED.into()),
    };
    if obj.len() != 2 + usize::from(obj.contains_key("endpoint")) {
        return Err(EXPECTED.into());
    }
    Ok(RateLimitRequest::Set {
        endpoints,
        limit,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Verdict) -> (bool, String) {
        match v {
            Verdict::Admitted(h) => (true, String::from_utf8(h.clone()).unwrap()),
            Verdict::Limited(h) => (false, String::from_utf8(h.clone()).unwrap()),
        }
    }

    #[test]
    fn admits_limit_requests_per_key_then_limits() {
        let mut l = Limiter::default();
        assert!(l.check("k", Endpoint::OrgGet).is_none());
        l.set(Endpoint::OrgGet, 2, 3600);
        let (ok, h) = text(&l.check("k", Endpoint::OrgGet).unwrap());
        assert!(ok);
        assert!(
            h.starts_with(
                "x-ratelimit-limit: 2\r\nx-ratelimit-period: 3600\r\nx-ratelimit-remaining: 1\r\n"
            ),
            "{h}"
        );
        assert!(h.ends_with("x-ratelimit-name: org_get\r\n"), "{h}");
        assert!(text(&l.check("k", Endpoint::OrgGet).unwrap()).0);
        let (ok, h) = text(&l.check("k", Endpoint::OrgGet).unwrap());
        assert!(!ok);
        assert!(h.contains("x-ratelimit-remaining: 0\r\n"), "{h}");
        assert_eq!(l.rate_limited, 1);
        assert!(text(&l.check("other", Endpoint::OrgGet).unwrap()).0);
        assert!(l.check("k", Endpoint::Salesforce).is_none());
    }

    #[test]
    fn control_bodies() {
        assert!(matches!(
            request_from_value(&json!({"limit": 5, "period": 60, "endpoint": "org_list"})),
            Ok(RateLimitRequest::Set { ref endpoints, limit: 5, period: 60 }) if endpoints == &[Endpoint::OrgList]
        ));
        assert!(matches!(
            request_from_value(&json!({"limit": 5, "period": 60})),
            Ok(RateLimitRequest::Set { ref endpoints, .. }) if endpoints.len() == 3
        ));
        assert!(matches!(
            request_from_value(&json!({"off": true})),
            Ok(RateLimitRequest::Off)
        ));
        for bad in [
            json!({"limit": 5}),
            json!({"limit": -1, "period": 60}),
            json!({"limit": 5, "period": 0}),
            json!({"limit": 5, "period": 60, "endpoint": "nope"}),
            json!({"limit": 5, "period": 60, "x": 1}),
            json!({"off": false}),
        ] {
            assert!(request_from_value(&bad).is_err(), "{bad}");
        }
    }
}
