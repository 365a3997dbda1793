//! Stopping a fleet audit early: the flag a caller sets, and the retry wait that ends with it.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ddorg_core::{Error, ErrorKind, Sleeper};

/// A flag that stops a fleet audit once set ([`FleetOptions::stop`](crate::FleetOptions::stop)).
pub type Stop = Arc<AtomicBool>;

/// How often a retry wait looks at the stop flag: a stopped audit ends its waits within this.
const STOP_CHECK_INTERVAL: Duration = Duration::from_millis(50);

/// Whether the flag, if any, is set.
pub(crate) fn stopped(stop: Option<&Stop>) -> bool {
    stop.is_some_and(|s| s.load(Ordering::Relaxed))
}

/// The error of an org the audit did not start because it was stopped first.
pub(crate) fn not_started() -> Error {
    Error::new(
        ErrorKind::Timeout,
        "not audited: the fleet audit was stopped before this org was started",
    )
}

/// Waits between one org's retries in short slices and ends the wait (abandoning the retries)
/// as soon as the fleet audit is stopped, so a stopped audit is not held by a long 429 reset.
pub(crate) struct StopSleeper(pub(crate) Stop);

impl Sleeper for StopSleeper {
    fn sleep(&self, duration: Duration) -> ControlFlow<()> {
        let deadline = Instant::now() + duration;
        loop {
            if self.0.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return ControlFlow::Continue(());
            }
            std::thread::sleep(left.min(STOP_CHECK_INTERVAL));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_ends_early_once_stopped_and_runs_out_otherwise() {
        let stop: Stop = Arc::default();
        let sleeper = StopSleeper(Arc::clone(&stop));
        assert_eq!(
            sleeper.sleep(Duration::from_millis(20)),
            ControlFlow::Continue(())
        );
        let setter = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                stop.store(true, Ordering::Relaxed);
            })
        };
        // An hour's wait, ended by the stop: the test would hang, not pass, without it.
        assert_eq!(
            sleeper.sleep(Duration::from_secs(3600)),
            ControlFlow::Break(())
        );
        setter.join().unwrap();
        assert!(stopped(Some(&stop)));
        assert!(!stopped(None));
    }
}
