//! Dates as Unix seconds: reading the formats Datadog sends, writing RFC 3339 (UTC).
//!
//! Hand-written (civil-from-days arithmetic) because the audit needs two conversions, not a
//! calendar library.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Seconds since 1970-01-01T00:00:00Z (negative before).
pub type UnixSeconds = i64;

/// The current time, in Unix seconds.
pub fn now() -> UnixSeconds {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `2026-12-01T10:00:00Z`.
pub fn format_rfc3339(t: UnixSeconds) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Reads `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]`: RFC 3339, and the same without an
/// offset (taken as UTC), as Datadog writes `saml_idp_metadata_valid_until`.
fn parse_datetime(s: &str) -> Option<UnixSeconds> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = i64::from(digits(s.get(0..4)?, 4)?);
    let month = digits(s.get(5..7)?, 2)?;
    let day = digits(s.get(8..10)?, 2)?;
    let hour = digits(s.get(11..13)?, 2)?;
    let minute = digits(s.get(14..16)?, 2)?;
    let second = digits(s.get(17..19)?, 2)?;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':')?;
            let (h, m) = (digits(h, 2)?, digits(m, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * i64::from(h * 3600 + m * 60)
        }
    };
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(hour * 3600 + minute * 60 + second.min(59));
    Some(secs - offset)
}

/// 00:00:00 UTC of a `YYYY-MM-DD` date (a policy exception's `expires`), if it is a real date.
pub(crate) fn parse_date(s: &str) -> Option<UnixSeconds> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i64::from(digits(s.get(0..4)?, 4)?);
    let month = digits(s.get(5..7)?, 2)?;
    let day = digits(s.get(8..10)?, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400)
}

/// A timestamp as Datadog may send it: an RFC 3339 string, `YYYY-MM-DD HH:MM:SS` (UTC), or Unix
/// seconds as a number or a string of digits. `Err` says what the value is instead.
pub fn parse_timestamp(v: &Value) -> Result<UnixSeconds, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.floor() as i64)
            })
            .ok_or_else(|| format!("the number {n} is not a Unix time")),
        Value::String(s) => {
            let t = s.trim();
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                return t
                    .parse()
                    .map_err(|_| format!("{s:?} is too large for a Unix time"));
            }
            parse_datetime(t).ok_or_else(|| {
                format!("{s:?} is neither RFC 3339, YYYY-MM-DD HH:MM:SS nor Unix seconds")
            })
        }
        other => Err(format!("{other} is not a date")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_formats_to_the_same_instant() {
        let t = 1_798_761_600; // 2027-01-01T00:00:00Z
        for v in [
            json!("2027-01-01T00:00:00Z"),
            json!("2027-01-01T01:30:00+01:30"),
            json!("2026-12-31T19:00:00.123-05:00"),
            json!("2027-01-01 00:00:00"),
            json!(1_798_761_600),
            json!(1_798_761_600.9),
            json!("1798761600"),
        ] {
            assert_eq!(parse_timestamp(&v), Ok(t), "{v}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for v in [
            json!("2027-02-30 00:00:00"),
            json!("2027-01-01"),
            json!("yesterday"),
            json!("2027-01-01T00:00:00+1"),
            json!(true),
            json!(null),
        ] {
            assert!(parse_timestamp(&v).is_err(), "{v}");
        }
    }

    #[test]
    fn dates_are_midnight_utc_and_must_exist() {
        assert_eq!(parse_date("2027-01-01"), Some(1_798_761_600));
        assert_eq!(parse_date("2028-02-29"), Some(1_835_395_200));
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-1-01",
            "27-01-01",
            "2027-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_round_trip_across_leap_years_and_before_1970() {
        for t in [0, 951_782_400, 1_798_761_599, -86_400, 4_107_542_400] {
            let s = format_rfc3339(t);
            assert_eq!(parse_timestamp(&json!(s)), Ok(t), "{s}");
        }
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
