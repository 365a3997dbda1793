//! The two facts about a certificate that a TLS error message needs and rustls does not give:
//! whether it is self-signed (issuer = subject), and a readable UTC date for its validity.

/// One DER element: its tag, its contents, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// Whether a DER certificate names itself as its issuer. Malformed input is "no": the caller
/// then reports webpki's own finding.
pub(crate) fn is_self_signed(cert: &[u8]) -> bool {
    const SEQUENCE: u8 = 0x30;
    let names = || -> Option<bool> {
        let (SEQUENCE, cert, _) = element(cert)? else {
            return None;
        };
        let (SEQUENCE, mut tbs, _) = element(cert)? else {
            return None;
        };
        // [0] EXPLICIT version, when present.
        if tbs.first() == Some(&0xa0) {
            tbs = element(tbs)?.2;
        }
        let (_, _, rest) = element(tbs)?; // serialNumber
        let (_, _, rest) = element(rest)?; // signature algorithm
        let (SEQUENCE, issuer, rest) = element(rest)? else {
            return None;
        };
        let (_, _, rest) = element(rest)?; // validity
        let (SEQUENCE, subject, _) = element(rest)? else {
            return None;
        };
        Some(issuer == subject)
    };
    names().unwrap_or(false)
}

/// `YYYY-MM-DD HH:MM` for seconds since the Unix epoch (UTC).
pub(crate) fn utc_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_date(0), "1970-01-01 00:00");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00");
        assert_eq!(utc_date(1_798_761_599), "2026-12-31 23:59");
    }

    #[test]
    fn malformed_certificates_are_not_self_signed() {
        for der in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x03\x02\x01\x01",
        ] {
            assert!(!is_self_signed(der));
        }
    }
}
