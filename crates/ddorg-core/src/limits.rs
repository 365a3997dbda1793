//! The defaults and bounds of every option, and their checks: the one home of these rules.
//!
//! Every language meets the same rule here: Rust through [`ClientBuilder::build`], C through
//! `ddorg_client_new` (which calls `build`), Python's `Client(...)` and the CLI's flags through
//! the same `build`, plus [`timeout_from_secs`] for the seconds they take as a float.
//!
//! [`ClientBuilder::build`]: crate::ClientBuilder::build

use std::time::Duration;

use crate::error::{Error, ErrorKind};

/// The overall deadline of one call when none is set: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The connect timeout when none is set: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest timeout (overall or connect) accepted: 365 days. A longer one is surely a mistake,
/// and the bound keeps deadline arithmetic (`Instant + Duration`) from overflowing.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// The largest response body accepted when no cap is set: 16 MiB, after decompression.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 16 * 1024 * 1024;

/// Retries after the first attempt when none is set: 3.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// How many idle connections a client's pool keeps to its host: 256, the most a fleet audit
/// runs at once (`ddorg_audit::MAX_CONCURRENCY`, checked against this at compile time). Every
/// client of the process that connects the same way shares the pool, so a pool smaller than
/// the number of calls in flight would close connections only to open new ones (a TLS
/// handshake each) on the next calls. Connections are only kept as many as were open at
/// once, each for at most 15 s idle (ureq's default).
pub const MAX_IDLE_CONNECTIONS_PER_HOST: usize = 256;

/// Which timeout a value is for, so that a message names the option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeoutKind {
    Overall,
    Connect,
}

impl TimeoutKind {
    fn name(self) -> &'static str {
        match self {
            TimeoutKind::Overall => "timeout",
            TimeoutKind::Connect => "connect timeout",
        }
    }
}

fn timeout_error(kind: TimeoutKind, secs: f64) -> Error {
    Error::new(
        ErrorKind::Config,
        format!(
            "the {} must be more than 0 and at most 365 days ({} s), got {secs} s",
            kind.name(),
            MAX_TIMEOUT.as_secs()
        ),
    )
}

/// A timeout within (0, [`MAX_TIMEOUT`]], else a [`ErrorKind::Config`] error naming the option.
pub(crate) fn check_timeout(kind: TimeoutKind, d: Duration) -> Result<Duration, Error> {
    if d.is_zero() || d > MAX_TIMEOUT {
        return Err(timeout_error(kind, d.as_secs_f64()));
    }
    Ok(d)
}

fn from_secs(kind: TimeoutKind, secs: f64) -> Result<Duration, Error> {
    match Duration::try_from_secs_f64(secs) {
        Ok(d) => check_timeout(kind, d),
        Err(_) => Err(timeout_error(kind, secs)),
    }
}

/// An overall timeout given in seconds (Python's `timeout=`, the CLI's `--timeout`), checked
/// exactly as [`ClientBuilder::timeout`](crate::ClientBuilder::timeout) is at `build`: more
/// than 0 and at most [`MAX_TIMEOUT`]; NaN, infinities and negatives are refused too.
///
/// ```
/// use ddorg_core::limits::{timeout_from_secs, MAX_TIMEOUT};
/// assert_eq!(timeout_from_secs(2.5)?.as_millis(), 2500);
/// assert_eq!(timeout_from_secs(MAX_TIMEOUT.as_secs_f64())?, MAX_TIMEOUT);
/// assert!(timeout_from_secs(MAX_TIMEOUT.as_secs_f64() + 0.001).is_err());
/// assert!(timeout_from_secs(0.0).is_err());
/// assert!(timeout_from_secs(f64::NAN).is_err());
/// # Ok::<(), ddorg_core::Error>(())
/// ```
pub fn timeout_from_secs(secs: f64) -> Result<Duration, Error> {
    from_secs(TimeoutKind::Overall, secs)
}

/// A connect timeout given in seconds, checked like [`timeout_from_secs`].
pub fn connect_timeout_from_secs(secs: f64) -> Result<Duration, Error> {
    from_secs(TimeoutKind::Connect, secs)
}

/// A body cap of at least one byte: a zero cap would refuse every response, so it is a mistake
/// reported before any request rather than a [`ErrorKind::ResponseTooLarge`] on every call.
pub(crate) fn check_max_body_size(bytes: u64) -> Result<u64, Error> {
    if bytes == 0 {
        return Err(Error::new(
            ErrorKind::Config,
            "the max body size must be at least 1 byte, got 0",
        ));
    }
    Ok(bytes)
}

/// A user agent of printable ASCII: a header cannot carry more, and CR/LF would start a new one.
pub(crate) fn check_user_agent(ua: &str) -> Result<(), Error> {
    if ua.bytes().any(|c| c.is_ascii_control()) || !ua.is_ascii() {
        return Err(Error::new(
            ErrorKind::Config,
            "the user agent must be printable ASCII",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_at_the_limit_pass_and_over_it_fail() {
        for kind in [TimeoutKind::Overall, TimeoutKind::Connect] {
            assert_eq!(check_timeout(kind, MAX_TIMEOUT).unwrap(), MAX_TIMEOUT);
            assert_eq!(
                check_timeout(kind, Duration::from_nanos(1)).unwrap(),
                Duration::from_nanos(1)
            );
            for bad in [
                Duration::ZERO,
                MAX_TIMEOUT + Duration::from_millis(1),
                Duration::MAX,
            ] {
                let err = check_timeout(kind, bad).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Config);
                assert!(err.message().contains(kind.name()), "{err}");
            }
        }
    }

    #[test]
    fn seconds_that_are_no_duration_are_config_errors_with_the_same_message() {
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::MAX, 0.0, 31_536_000.001] {
            let err = timeout_from_secs(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(
                err.message()
                    .starts_with("the timeout must be more than 0 and at most 365 days"),
                "{err}"
            );
        }
        assert_eq!(
            connect_timeout_from_secs(31_536_000.0).unwrap(),
            MAX_TIMEOUT
        );
    }

    #[test]
    fn a_zero_body_cap_and_a_control_character_in_the_user_agent_are_refused() {
        assert_eq!(
            check_max_body_size(0).unwrap_err().kind(),
            ErrorKind::Config
        );
        assert_eq!(check_max_body_size(1).unwrap(), 1);
        assert!(check_user_agent("myapp/1.0 (linux)").is_ok());
        for bad in ["a\r\nX-Evil: 1", "tab\there", "café"] {
            assert_eq!(check_user_agent(bad).unwrap_err().kind(), ErrorKind::Config);
        }
    }
}
