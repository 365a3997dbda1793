//! The `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as a wait.
//!
//! Parsed here, with no date library: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two
//! obsolete forms a recipient must still accept (RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and
//! asctime `Sun Nov  6 08:49:37 1994`). A date in the past means "now"; anything else that does
//! not parse is ignored, so the usual backoff applies.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The wait a `Retry-After` value asks for, seen at `now`; `None` when it is not valid.
pub(crate) fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is still "a very long time": the deadline bounds it.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = UNIX_EPOCH + Duration::from_secs(http_date(value)?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Seconds since the Unix epoch of an HTTP-date in any of its three forms.
fn http_date(s: &str) -> Option<u64> {
    let words: Vec<&str> = s.split_ascii_whitespace().collect();
    let (day, month, year, time) = match words.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, day, month, year, time, "GMT"] if wd.ends_with(',') && year.len() == 4 => {
            (*day, *month, year.parse::<u64>().ok()?, *time)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (a two-digit year; RFC 9110 reads 50+ as 19xx)
        [wd, date, time, "GMT"] if wd.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, month, yy) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || yy.len() != 2 {
                return None;
            }
            let yy: u64 = yy.parse().ok()?;
            (
                day,
                month,
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                *time,
            )
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [_, month, day, time, year] if year.len() == 4 => {
            (*day, *month, year.parse::<u64>().ok()?, *time)
        }
        _ => return None,
    };
    let day: u64 = digits(day, 1, 2)?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month)? as u64
        + 1;
    let mut hms = time.split(':');
    let (h, m, sec) = (
        digits(hms.next()?, 2, 2)?,
        digits(hms.next()?, 2, 2)?,
        digits(hms.next()?, 2, 2)?,
    );
    if hms.next().is_some() || year < 1970 || day == 0 || day > 31 || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec)
}

fn digits(s: &str, min: usize, max: usize) -> Option<u64> {
    let ok = (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

/// Days from 1970-01-01 to a date (Howard Hinnant's `days_from_civil`), for years from 1970.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06 08:49:37 UTC, RFC 9110's example.
    const EXAMPLE: u64 = 784_111_777;

    #[test]
    fn seconds_and_all_three_date_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(EXAMPLE - 5);
        assert_eq!(parse("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse(date, now), Some(Duration::from_secs(5)), "{date}");
        }
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
    }

    #[test]
    fn a_past_date_is_now_and_garbage_is_ignored() {
        let now = UNIX_EPOCH + Duration::from_secs(EXAMPLE + 3600);
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in [
            "",
            "soon",
            "-1",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
        ] {
            assert_eq!(parse(bad, now), None, "{bad:?}");
        }
    }
}
