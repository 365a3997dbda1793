//! One key's budget on one endpoint, as the `x-ratelimit-*` headers of its answers describe it:
//! the decisions only, against a clock the caller passes in (so tests need no real time).

use std::time::{Duration, Instant};

use crate::rate_limit::RateLimit;

/// What a request about to be sent must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send it now (it holds a slot until [`Budget::finish`]).
    Send,
    /// Nothing is known of the budget yet and another request is out learning it: wait for an
    /// answer, so a burst of first requests cannot all be refused.
    WaitForAnswer,
    /// The window's budget is spent, counting the requests in flight: wait until it resets.
    WaitUntil(Instant),
}

/// What is known of the current window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Window {
    /// No answer yet (or the window ended and no limit is known to refill it): one request at a
    /// time until an answer says. `probing` while that request is out.
    Unknown { probing: bool },
    /// The last answer carried no rate-limit headers: nothing to pace.
    Unlimited,
    /// Datadog said `remaining` requests are left until `resets_at`.
    Known {
        remaining: u64,
        resets_at: Instant,
        limit: Option<u64>,
        period: Option<Duration>,
    },
}

/// The budget of one key on one endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    window: Window,
    /// The limit's `x-ratelimit-name`, as the last answer told it.
    name: Option<String>,
    /// Requests sent and not answered yet: the server may count each against the window, so
    /// they are spent already.
    in_flight: u64,
    /// Whether a request waits for the first answer while that one is out (else requests go
    /// out freely until an answer tells the budget).
    probe_first: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(true)
    }
}

impl Budget {
    /// A budget nothing is known of yet; see [`Budget::probe_first`].
    pub(crate) fn new(probe_first: bool) -> Budget {
        Budget {
            window: Window::Unknown { probing: false },
            name: None,
            in_flight: 0,
            probe_first,
        }
    }

    /// Whether a request may be sent at `now`; on [`Decision::Send`] it holds a slot.
    pub(crate) fn admit(&mut self, now: Instant) -> Decision {
        if let Window::Known {
            resets_at,
            limit,
            period,
            ..
        } = self.window
        {
            if now >= resets_at {
                self.window = match (limit, period) {
                    // A window of its own: the next one is as long and allows as many.
                    (Some(limit), Some(period)) if !period.is_zero() => Window::Known {
                        remaining: limit,
                        resets_at: next_end(resets_at, period, now),
                        limit: Some(limit),
                        period: Some(period),
                    },
                    _ => Window::Unknown { probing: false },
                };
            }
        }
        let decision = match &mut self.window {
            Window::Unlimited => Decision::Send,
            Window::Unknown { .. } if !self.probe_first => Decision::Send,
            Window::Unknown { probing: false } if self.in_flight == 0 => {
                self.window = Window::Unknown { probing: true };
                Decision::Send
            }
            Window::Unknown { .. } => Decision::WaitForAnswer,
            Window::Known {
                remaining,
                resets_at,
                ..
            } => {
                if *remaining > self.in_flight {
                    Decision::Send
                } else {
                    Decision::WaitUntil(*resets_at)
                }
            }
        };
        if decision == Decision::Send {
            self.in_flight += 1;
        }
        decision
    }

    /// Takes a slot whatever the budget says: a retry the retry policy already waited for, or a
    /// wait cut short by the longest rate-limit wait.
    pub(crate) fn force(&mut self) {
        self.in_flight += 1;
    }

    /// A request holding a slot ended at `now`: with an HTTP answer (`answered`) carrying
    /// `rate_limit`, or without one (a network failure: the budget learned nothing).
    pub(crate) fn finish(&mut self, now: Instant, rate_limit: Option<&RateLimit>, answered: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let told = rate_limit.and_then(|rl| Some((rl.remaining?, rl.reset?, rl)));
        let Some((told_remaining, reset, rl)) = told else {
            self.window = match self.window {
                Window::Unknown { .. } if answered => Window::Unlimited,
                Window::Unknown { .. } => Window::Unknown { probing: false },
                known_or_unlimited => known_or_unlimited,
            };
            return;
        };
        if rl.name.is_some() {
            self.name.clone_from(&rl.name);
        }
        let ends = now + Duration::from_secs(reset);
        let period = rl.period.map(Duration::from_secs);
        self.window = match self.window {
            Window::Known {
                remaining,
                resets_at,
                limit,
                period: known_period,
            } => {
                let period = period.or(known_period);
                // Answers are late by their flight and `reset` is rounded to whole seconds, so
                // the same window's end is told with some spread; half a period tells windows apart.
                let spread = period.map_or(Duration::ZERO, |p| p / 2).max(SPREAD);
                if ends + spread < resets_at {
                    // An answer from a window that has ended since: nothing to learn.
                    return;
                }
                if ends <= resets_at + spread {
                    Window::Known {
                        remaining: remaining.min(told_remaining),
                        resets_at: resets_at.max(ends),
                        limit: rl.limit.or(limit),
                        period,
                    }
                } else {
                    Window::Known {
                        remaining: told_remaining,
                        resets_at: ends,
                        limit: rl.limit.or(limit),
                        period,
                    }
                }
            }
            Window::Unknown { .. } | Window::Unlimited => Window::Known {
                remaining: told_remaining,
                resets_at: ends,
                limit: rl.limit,
                period,
            },
        };
    }

    /// The rate limit this budget waits for, for the error of a request it could not send.
    pub(crate) fn rate_limit(&self, now: Instant) -> Option<RateLimit> {
        match self.window {
            Window::Known {
                remaining,
                resets_at,
                limit,
                period,
            } => Some(RateLimit {
                limit,
                period: period.map(|p| p.as_secs()),
                remaining: Some(remaining.saturating_sub(self.in_flight)),
                reset: Some(
                    resets_at
                        .saturating_duration_since(now)
                        .as_secs_f64()
                        .ceil() as u64,
                ),
                name: self.name.clone(),
            }),
            _ => None,
        }
    }
}

/// The least spread allowed between two answers' views of one window's end: `reset` is whole
/// seconds.
const SPREAD: Duration = Duration::from_secs(1);

/// The end of the window of `period` that holds `now`, windows ending at `end` and every
/// `period` after it (`now >= end`).
fn next_end(end: Instant, period: Duration, now: Instant) -> Instant {
    let past = now.saturating_duration_since(end).as_nanos() / period.as_nanos();
    let windows = u32::try_from(past + 1).unwrap_or(u32::MAX);
    end + period.saturating_mul(windows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told(limit: u64, period: u64, remaining: u64, reset: u64) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            period: Some(period),
            remaining: Some(remaining),
            reset: Some(reset),
            name: Some("org_get".into()),
        }
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_first_request_probes_alone_and_its_answer_opens_the_budget() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        assert_eq!(b.admit(t0), Decision::Send);
        assert_eq!(b.admit(t0), Decision::WaitForAnswer);
        b.finish(t0, Some(&told(10, 60, 3, 30)), true);
        assert_eq!(b.admit(t0), Decision::Send);
        assert_eq!(b.admit(t0), Decision::Send);
        assert_eq!(b.admit(t0), Decision::Send);
        // Three in flight against three left: the fourth waits for the window's end.
        assert_eq!(b.admit(t0), Decision::WaitUntil(t0 + secs(30)));
    }

    #[test]
    fn without_probing_first_requests_go_out_together_until_an_answer_tells_the_budget() {
        let t0 = Instant::now();
        let mut b = Budget::new(false);
        for _ in 0..3 {
            assert_eq!(b.admit(t0), Decision::Send);
        }
        b.finish(t0, Some(&told(10, 60, 2, 30)), true);
        assert_eq!(
            b.admit(t0),
            Decision::WaitUntil(t0 + secs(30)),
            "2 left, 2 in flight"
        );
    }

    #[test]
    fn answers_without_headers_mean_no_pacing_and_failures_let_another_probe() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        assert_eq!(b.admit(t0), Decision::Send);
        b.finish(t0, None, false);
        assert_eq!(b.admit(t0), Decision::Send, "a new probe after a failure");
        b.finish(t0, None, true);
        for _ in 0..100 {
            assert_eq!(b.admit(t0), Decision::Send);
        }
    }

    #[test]
    fn a_spent_window_waits_for_its_reset_then_refills_from_the_limit() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        assert_eq!(b.admit(t0), Decision::Send);
        b.finish(t0, Some(&told(2, 10, 1, 4)), true);
        assert_eq!(b.admit(t0), Decision::Send);
        b.finish(t0, Some(&told(2, 10, 0, 4)), true);
        assert_eq!(b.admit(t0), Decision::WaitUntil(t0 + secs(4)));
        assert_eq!(b.admit(t0 + secs(3)), Decision::WaitUntil(t0 + secs(4)));
        // At the reset the window refills with `limit`, and ends a period later.
        let t = t0 + secs(4);
        assert_eq!(b.admit(t), Decision::Send);
        assert_eq!(b.admit(t), Decision::Send);
        assert_eq!(b.admit(t), Decision::WaitUntil(t0 + secs(14)));
        // Long idle: the window that holds `now` is the one refilled.
        let later = t0 + secs(57);
        b.finish(later, None, false);
        b.finish(later, None, false);
        assert_eq!(b.admit(later), Decision::Send);
        let rl = b.rate_limit(later).unwrap();
        assert_eq!(rl.reset, Some(7), "the window of 54..64 s");
        assert_eq!(rl.name.as_deref(), Some("org_get"));
    }

    #[test]
    fn answers_out_of_order_keep_the_lowest_remaining_of_the_window() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        b.admit(t0);
        b.finish(t0, Some(&told(100, 60, 5, 30)), true);
        for _ in 0..3 {
            assert_eq!(b.admit(t0), Decision::Send);
        }
        b.finish(t0, Some(&told(100, 60, 2, 30)), true);
        b.finish(t0, Some(&told(100, 60, 4, 30)), true);
        // 2 left, 1 in flight: one more.
        assert_eq!(b.admit(t0), Decision::Send);
        assert_eq!(b.admit(t0), Decision::WaitUntil(t0 + secs(30)));
    }

    #[test]
    fn a_late_answer_from_an_ended_window_does_not_spend_the_new_one() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        b.admit(t0);
        b.finish(t0, Some(&told(3, 20, 2, 10)), true);
        b.admit(t0);
        // The window refills at 10 s; the answer from the old window (0 left) comes after.
        let t = t0 + secs(10);
        assert_eq!(b.admit(t), Decision::Send);
        b.finish(t, Some(&told(3, 20, 0, 0)), true);
        assert_eq!(b.admit(t), Decision::Send);
        // A 429 of the current window does spend it.
        b.finish(t, Some(&told(3, 20, 0, 20)), true);
        assert_eq!(b.admit(t), Decision::WaitUntil(t0 + secs(30)));
    }

    #[test]
    fn a_forced_request_counts_in_flight() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        b.admit(t0);
        b.finish(t0, Some(&told(5, 60, 1, 60)), true);
        b.force();
        assert_eq!(b.admit(t0), Decision::WaitUntil(t0 + secs(60)));
        b.finish(t0, None, false);
        assert_eq!(b.admit(t0), Decision::Send);
    }
}
