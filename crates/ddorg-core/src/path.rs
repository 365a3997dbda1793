//! Building request paths: a caller's value always stays one path segment.

use crate::error::{Error, ErrorKind};

/// The longest value accepted, in bytes of UTF-8: Datadog's ids are tens of characters, and the
/// bound is checked before sending, so a huge value is a clear `InvalidArgument` (attempts 0)
/// rather than a URI the HTTP layer refuses.
pub(crate) const MAX_SEGMENT_BYTES: usize = 2048;

/// Percent-encodes `value` as a single path segment.
///
/// Everything outside RFC 3986's unreserved set is encoded, so `/`, `?`, `#`, `%`, spaces, CR/LF,
/// NUL and non-ASCII can never change which path is requested. An empty value, `.` and `..` are
/// refused: they cannot be an id and would let a server or proxy resolve a different path.
pub(crate) fn segment(name: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name} must not be empty"),
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name} must not be {value:?}"),
        ));
    }
    if value.len() > MAX_SEGMENT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{name} is {} bytes long; at most {MAX_SEGMENT_BYTES} are accepted",
                value.len()
            ),
        ));
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xF) as usize] as char);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::segment;
    use crate::ErrorKind;

    #[test]
    fn reserved_and_unsafe_characters_are_encoded() {
        let cases = [
            ("abc-123_x.y~z", "abc-123_x.y~z"),
            ("a b", "a%20b"),
            ("a/b", "a%2Fb"),
            ("a?b#c%d", "a%3Fb%23c%25d"),
            ("../x", "..%2Fx"),
            ("a\r\nb\0", "a%0D%0Ab%00"),
            ("é", "%C3%A9"),
            ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ];
        for (input, want) in cases {
            assert_eq!(segment("id", input).unwrap(), want, "{input:?}");
        }
    }

    #[test]
    fn empty_dot_and_over_long_segments_are_invalid_arguments() {
        let long = "a".repeat(super::MAX_SEGMENT_BYTES + 1);
        assert!(segment("id", &long[1..]).is_ok());
        for bad in ["", ".", "..", long.as_str()] {
            assert_eq!(
                segment("public_id", bad).unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
    }
}
