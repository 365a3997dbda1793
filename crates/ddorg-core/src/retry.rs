//! When a failed attempt is tried again, and how long to wait first.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, ErrorKind};

/// How failed requests are retried.
///
/// Retried: HTTP 429 (waiting for `x-ratelimit-reset` seconds, else for its `Retry-After`, capped
/// by [`max_rate_limit_wait`](RetryPolicy::max_rate_limit_wait)), HTTP 503 (its `Retry-After`,
/// likewise capped, when it has one), HTTP 500/502/503/504 and network
/// failures (exponential backoff with jitter). Never retried: other statuses, decode errors,
/// TLS failures, a proxy's refusal (such as HTTP 407), timeouts (the deadline is already spent)
/// and anything past the client's overall timeout.
///
/// ```
/// use std::time::Duration;
/// use ddorg_core::RetryPolicy;
/// let policy = RetryPolicy::default().max_retries(5).initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.retries(), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: crate::limits::DEFAULT_MAX_RETRIES,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all: every call makes exactly one attempt.
    pub fn none() -> RetryPolicy {
        RetryPolicy::default().max_retries(0)
    }

    /// Retries after the first attempt; `0` disables retrying. Defaults to 3.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff delay; each later one doubles, with jitter. Defaults to 250 ms.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest backoff delay between two attempts. Defaults to 8 s.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest wait for a rate-limit window to reset after a 429. Defaults to 60 s, Datadog's
    /// usual period; a longer `x-ratelimit-reset` is waited for only this long before trying again.
    pub fn max_rate_limit_wait(mut self, d: Duration) -> Self {
        self.max_rate_limit_wait = d;
        self
    }

    /// The longest wait for a rate-limit window (see [`RetryPolicy::max_rate_limit_wait`]).
    pub(crate) fn rate_limit_wait(&self) -> Duration {
        self.max_rate_limit_wait
    }

    /// The number of retries this policy allows.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// How long to wait before retry number `retry` (0-based) after `error`, or `None` when the
    /// error is not worth retrying or the retries are used up.
    pub(crate) fn delay_after(&self, error: &Error, retry: u32) -> Option<Duration> {
        if retry >= self.max_retries || error.is_permanent() {
            return None;
        }
        match error.kind() {
            ErrorKind::RateLimited => {
                let reset = error.rate_limit().and_then(|r| r.reset);
                let wait = reset.map(Duration::from_secs).or(error.retry_after());
                Some(match wait {
                    Some(wait) => wait.min(self.max_rate_limit_wait),
                    None => self.backoff(retry),
                })
            }
            // A 503's `Retry-After` says when the service expects to be back (RFC 9110
            // §10.2.3); Datadog's `x-ratelimit-reset` on it is about the rate window, not the outage.
            ErrorKind::Server if error.status() == Some(503) && error.retry_after().is_some() => {
                error.retry_after().map(|w| w.min(self.max_rate_limit_wait))
            }
            ErrorKind::Server if matches!(error.status(), Some(500 | 502 | 503 | 504)) => {
                Some(self.backoff(retry))
            }
            ErrorKind::Network => Some(self.backoff(retry)),
            // A connect timeout spent only the connect budget: the retry loop still checks that
            // the wait and a new attempt fit in what is left of the deadline.
            ErrorKind::Timeout if error.is_retryable_timeout() => Some(self.backoff(retry)),
            _ => None,
        }
    }

    /// Exponential backoff with "equal jitter": half the delay is fixed, half random, so many
    /// clients failing together do not retry in lockstep.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_backoff);
        let half = exp / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

/// A random number in `[0, 1)`; quality only needs to spread retries apart.
fn jitter_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x9E37_79B9_7F4A_7C15);
        x = h.finish() | 1;
    }
    // xorshift64*
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    STATE.store(x, Ordering::Relaxed);
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Waits between retries. Injectable so tests need not wait for real, and so a binding can
/// keep the wait interruptible (Python checks for Ctrl-C while waiting).
pub trait Sleeper: Send + Sync + 'static {
    /// Waits for `duration`. Returning [`ControlFlow::Break`] abandons the retries: the call then
    /// returns the last error at once.
    fn sleep(&self, duration: Duration) -> ControlFlow<()>;
}

/// The default [`Sleeper`]: `std::thread::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) -> ControlFlow<()> {
        std::thread::sleep(duration);
        ControlFlow::Continue(())
    }
}

impl<F> Sleeper for F
where
    F: Fn(Duration) -> ControlFlow<()> + Send + Sync + 'static,
{
    fn sleep(&self, duration: Duration) -> ControlFlow<()> {
        self(duration)
    }
}

pub(crate) struct SleeperDebug;
impl fmt::Debug for SleeperDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<sleeper>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RateLimit;

    fn http(status: u16, reset: Option<u64>) -> Error {
        let rl = reset.map(|r| RateLimit {
            reset: Some(r),
            ..RateLimit::default()
        });
        Error::from_response(status, vec![], rl)
    }

    #[test]
    fn rate_limited_waits_for_reset_capped() {
        let p = RetryPolicy::default().max_rate_limit_wait(Duration::from_secs(10));
        assert_eq!(
            p.delay_after(&http(429, Some(3)), 0),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.delay_after(&http(429, Some(3600)), 0),
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn retry_after_is_honoured_after_the_rate_limit_reset() {
        let p = RetryPolicy::default().max_rate_limit_wait(Duration::from_secs(10));
        let after = |e: Error, secs| e.with_retry_after(Some(Duration::from_secs(secs)));
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(p.delay_after(&after(http(429, None), 2), 0), secs(2));
        assert_eq!(p.delay_after(&after(http(429, Some(3)), 2), 0), secs(3));
        assert_eq!(p.delay_after(&after(http(503, None), 4), 0), secs(4));
        assert_eq!(p.delay_after(&after(http(503, Some(1)), 600), 0), secs(10));
        let d = p.delay_after(&after(http(500, None), 4), 0).unwrap();
        assert!(d < Duration::from_secs(1), "{d:?}");
    }

    #[test]
    fn transient_server_errors_back_off_exponentially_within_bounds() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .max_retries(10);
        for (retry, full_ms) in [(0, 100), (1, 200), (2, 350), (5, 350)] {
            for status in [500, 502, 503, 504] {
                let d = p.delay_after(&http(status, None), retry).unwrap();
                let full = Duration::from_millis(full_ms);
                assert!(d >= full / 2 && d <= full, "{status} retry {retry}: {d:?}");
            }
        }
    }

    #[test]
    fn other_failures_are_not_retried() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404, 501, 505, 302] {
            assert_eq!(p.delay_after(&http(status, None), 0), None, "{status}");
        }
        for kind in [
            ErrorKind::Decode,
            ErrorKind::Timeout,
            ErrorKind::ResponseTooLarge,
            ErrorKind::Tls,
        ] {
            assert_eq!(p.delay_after(&Error::new(kind, "x"), 0), None);
        }
        assert!(p
            .delay_after(&Error::new(ErrorKind::Network, "reset"), 0)
            .is_some());
        let connect = Error::new(ErrorKind::Timeout, "connect timeout").retryable_timeout();
        assert!(p.delay_after(&connect, 0).is_some());
        let refused = Error::new(ErrorKind::Network, "the proxy said 407").permanent();
        assert_eq!(p.delay_after(&refused, 0), None);
    }

    #[test]
    fn retries_stop_at_the_limit() {
        let p = RetryPolicy::default().max_retries(2);
        assert!(p.delay_after(&http(503, None), 1).is_some());
        assert_eq!(p.delay_after(&http(503, None), 2), None);
        assert_eq!(RetryPolicy::none().delay_after(&http(503, None), 0), None);
    }
}
