//! Just enough HTTP/1.1 request parsing for a test server: request line,
//! headers, `content-length` and chunked bodies, keep-alive decisions.

use std::io::{self, BufRead, Read};

/// The most bytes the request line plus headers may take; bigger requests
/// are rejected by closing the connection.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// The largest request body the control API will read into memory.
pub(crate) const MAX_CONTROL_BODY: u64 = 64 * 1024 * 1024;

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) target: String,
    /// Header names lowercased, in order.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) content_length: Option<u64>,
    pub(crate) chunked: bool,
    /// The connection must be closed after the response.
    pub(crate) close: bool,
    pub(crate) expect_continue: bool,
}

impl Request {
    /// The first value of a header (`name` must be lowercase).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a body follows the head.
    pub(crate) fn has_body(&self) -> bool {
        self.chunked || self.content_length.is_some_and(|n| n > 0)
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Clean EOF before the first byte of a request: the client is done.
    Eof,
    /// Anything else (malformed, too big, I/O error): close without answering.
    Bad,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Bad
    }
}

/// Reads one line (ending in LF) into `line`, charging it to `budget`.
fn read_line<R: BufRead>(
    r: &mut R,
    line: &mut Vec<u8>,
    budget: &mut usize,
) -> Result<(), ReadError> {
    line.clear();
    let n = r.by_ref().take(*budget as u64).read_until(b'\n', line)?;
    if n == 0 {
        return Err(ReadError::Eof);
    }
    if line.last() != Some(&b'\n') {
        // Either the budget ran out or EOF hit mid-line.
        return Err(ReadError::Bad);
    }
    *budget -= n;
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(())
}

/// Reads a request head. `line` is a reusable scratch buffer.
pub(crate) fn read_request<R: BufRead>(
    r: &mut R,
    line: &mut Vec<u8>,
) -> Result<Request, ReadError> {
    let mut budget = MAX_HEAD;
    // RFC 9112 2.2: ignore at least one empty line before the request line.
    loop {
        read_line(r, line, &mut budget)?;
        if !line.is_empty() {
            break;
        }
    }
    let text = std::str::from_utf8(line).map_err(|_| ReadError::Bad)?;
    let mut parts = text.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && !t.is_empty() => (m, t, v),
        _ => return Err(ReadError::Bad),
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(ReadError::Bad),
    };
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers: Vec::with_capacity(12),
        content_length: None,
        chunked: false,
        close: http10,
        expect_continue: false,
    };
    loop {
        // Any EOF inside the head is a broken request, not a clean close.
        read_line(r, line, &mut budget).map_err(|_| ReadError::Bad)?;
        if line.is_empty() {
            break;
        }
        let colon = line.iter().position(|&b| b == b':').ok_or(ReadError::Bad)?;
        let name_bytes = &line[..colon];
        if name_bytes.is_empty() || name_bytes.iter().any(|&b| b == b' ' || b == b'\t') {
            return Err(ReadError::Bad);
        }
        let name = String::from_utf8_lossy(name_bytes).to_ascii_lowercase();
        let mut value_bytes = &line[colon + 1..];
        while let [b' ' | b'\t', rest @ ..] = value_bytes {
            value_bytes = rest;
        }
        while let [rest @ .., b' ' | b'\t'] = value_bytes {
            value_bytes = rest;
        }
        let value = String::from_utf8_lossy(value_bytes).into_owned();
        match name.as_str() {
            "content-length" => {
                let n: u64 = value.parse().map_err(|_| ReadError::Bad)?;
                if req.content_length.is_some_and(|old| old != n) {
                    return Err(ReadError::Bad);
                }
                req.content_length = Some(n);
            }
            "transfer-encoding" => {
                if has_token(&value, "chunked") {
                    req.chunked = true;
                } else {
                    return Err(ReadError::Bad);
                }
            }
            "connection" => {
                if has_token(&value, "close") {
                    req.close = true;
                } else if http10 && has_token(&value, "keep-alive") {
                    req.close = false;
                }
            }
            "expect" => req.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
        req.headers.push((name, value));
    }
    if req.chunked {
        // RFC 9112 6.3: transfer-encoding wins; the length is not to be trusted.
        req.content_length = None;
    }
    Ok(req)
}

/// Reads (`keep` = true, up to `limit` bytes) or discards the request body.
pub(crate) fn read_body<R: BufRead>(
    r: &mut R,
    req: &Request,
    keep: bool,
    limit: u64,
) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    if req.chunked {
        let mut line = Vec::new();
        loop {
            let mut budget = 4096;
            read_line(r, &mut line, &mut budget).map_err(|_| ReadError::Bad)?;
            let text = std::str::from_utf8(&line).map_err(|_| ReadError::Bad)?;
            let size_text = text.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size_text, 16).map_err(|_| ReadError::Bad)?;
            if size == 0 {
                // Skip trailers up to the final empty line.
                loop {
                    let mut budget = MAX_HEAD;
                    read_line(r, &mut line, &mut budget).map_err(|_| ReadError::Bad)?;
                    if line.is_empty() {
                        return Ok(out);
                    }
                }
            }
            take_exact(r, size, keep, limit, &mut out)?;
            let mut budget = 2;
            read_line(r, &mut line, &mut budget).map_err(|_| ReadError::Bad)?;
            if !line.is_empty() {
                return Err(ReadError::Bad);
            }
        }
    }
    if let Some(n) = req.content_length {
        take_exact(r, n, keep, limit, &mut out)?;
    }
    Ok(out)
}

fn take_exact<R: BufRead>(
    r: &mut R,
    n: u64,
    keep: bool,
    limit: u64,
    out: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let copied = if keep {
        if out.len() as u64 + n > limit {
            return Err(ReadError::Bad);
        }
        r.by_ref().take(n).read_to_end(out)? as u64
    } else {
        io::copy(&mut r.by_ref().take(n), &mut io::sink())?
    };
    if copied == n {
        Ok(())
    } else {
        Err(ReadError::Bad)
    }
}

/// Percent-decodes a path segment; malformed escapes are kept literally.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Whether a comma-separated header value contains `token` (case-insensitive).
pub(crate) fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Request, ReadError> {
        let mut line = Vec::new();
        read_request(&mut raw.as_bytes(), &mut line)
    }

    #[test]
    fn parses_a_request_head() {
        let req = parse(
            "\r\nGET /x?y HTTP/1.1\r\nHost: a\r\nDD-API-KEY:  k \r\nContent-Length: 3\r\n\r\nabc",
        )
        .unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(req.target, "/x?y");
        assert_eq!(req.header("dd-api-key"), Some("k"));
        assert_eq!(req.content_length, Some(3));
        assert!(!req.close);
        assert!(parse("GET /x HTTP/1.0\r\n\r\n").unwrap().close);
        assert!(
            !parse("GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                .unwrap()
                .close
        );
        assert!(
            parse("GET /x HTTP/1.1\r\nConnection: TE, close\r\n\r\n")
                .unwrap()
                .close
        );
        assert!(matches!(parse(""), Err(ReadError::Eof)));
        assert!(matches!(
            parse("GET /x HTTP/1.1\r\nHost"),
            Err(ReadError::Bad)
        ));
        assert!(matches!(
            parse("GET /x HTTP/2\r\n\r\n"),
            Err(ReadError::Bad)
        ));
        assert!(matches!(
            parse("GET /x HTTP/1.1\r\nbad header\r\n\r\n"),
            Err(ReadError::Bad)
        ));
    }

    #[test]
    fn reads_chunked_bodies() {
        let raw = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\nNEXT";
        let mut r = raw.as_bytes();
        let mut line = Vec::new();
        let req = read_request(&mut r, &mut line).unwrap();
        assert_eq!(read_body(&mut r, &req, true, 100).unwrap(), b"abcde");
        assert_eq!(r, b"NEXT");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("a%2fb%"), "a/b%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41%42"), "AB");
    }
}
