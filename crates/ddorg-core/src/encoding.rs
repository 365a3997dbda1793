//! Response bodies in the content encodings the client asks for, and no others.
//!
//! Every request sends `accept-encoding: gzip, deflate`; a body is decoded here as its
//! `content-encoding` says: tokens compared case-insensitively, `x-gzip` as gzip, several layers
//! (`gzip, gzip`) undone in reverse order, `identity` ignored. Any other encoding (`br`, `zstd`,
//! `foo`) was not asked for and is a [`ErrorKind::Decode`] error naming it, never bytes passed on
//! as if they were JSON. Each layer's output is bounded, so a small body cannot inflate past the
//! cap.

use std::io::Read;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use crate::error::{Error, ErrorKind};

/// The `accept-encoding` header every request sends.
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate";

/// More layers than this is not a real server's answer.
const MAX_LAYERS: usize = 3;

/// Why a body could not be decoded.
pub(crate) enum DecodeFailure {
    /// An encoding not asked for, a damaged stream, too many layers.
    Invalid(Error),
    /// The decoded body is larger than the limit.
    TooLarge,
}

/// `body` decoded as `content_encoding` says, at most `limit` bytes at every layer.
pub(crate) fn decode(
    body: Vec<u8>,
    content_encoding: Option<&str>,
    limit: u64,
) -> Result<Vec<u8>, DecodeFailure> {
    let Some(header) = content_encoding else {
        return Ok(body);
    };
    let layers: Vec<String> = header
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty() && t != "identity")
        .collect();
    if layers.len() > MAX_LAYERS {
        return Err(DecodeFailure::Invalid(Error::new(
            ErrorKind::Decode,
            format!("the response's content-encoding has more than {MAX_LAYERS} layers: {header}"),
        )));
    }
    if let Some(other) = layers
        .iter()
        .find(|t| !matches!(t.as_str(), "gzip" | "x-gzip" | "deflate"))
    {
        return Err(DecodeFailure::Invalid(Error::new(
            ErrorKind::Decode,
            format!(
                "the response is in content-encoding `{other}`, which was not asked for \
                 (accept-encoding: {ACCEPT_ENCODING})"
            ),
        )));
    }
    let mut body = body;
    for layer in layers.iter().rev() {
        body = match layer.as_str() {
            "deflate" if looks_like_zlib(&body) => {
                inflate("deflate", ZlibDecoder::new(&*body), limit)?
            }
            // Some servers send raw deflate under this name, as browsers accept.
            "deflate" => inflate("deflate", DeflateDecoder::new(&*body), limit)?,
            _ => inflate("gzip", MultiGzDecoder::new(&*body), limit)?,
        };
    }
    Ok(body)
}

/// A zlib stream starts with a CMF/FLG pair whose 16-bit value is a multiple of 31.
fn looks_like_zlib(body: &[u8]) -> bool {
    matches!(body, [cmf, flg, ..] if cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0)
}

fn inflate(codec: &str, decoder: impl Read, limit: u64) -> Result<Vec<u8>, DecodeFailure> {
    let mut out = Vec::new();
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|io| {
            DecodeFailure::Invalid(
                Error::new(
                    ErrorKind::Decode,
                    format!("response body could not be decompressed ({codec}): {io}"),
                )
                .with_source(io),
            )
        })?;
    if out.len() as u64 > limit {
        return Err(DecodeFailure::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn ok(body: Vec<u8>, ce: &str) -> Vec<u8> {
        decode(body, Some(ce), 1 << 20).unwrap_or_else(|_| panic!("{ce} should decode"))
    }

    #[test]
    fn every_encoding_asked_for_decodes_in_any_case() {
        let json = br#"{"org":{}}"#.to_vec();
        for ce in ["gzip", "GZIP", "x-gzip", " Gzip "] {
            assert_eq!(ok(gzip(&json), ce), json, "{ce}");
        }
        assert_eq!(ok(zlib(&json), "deflate"), json);
        assert_eq!(ok(zlib(&json), "DEFLATE"), json);
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(&json).unwrap();
        assert_eq!(ok(raw.finish().unwrap(), "deflate"), json, "raw deflate");
        assert_eq!(ok(gzip(&gzip(&json)), "gzip, gzip"), json);
        assert_eq!(ok(gzip(&zlib(&json)), "deflate, gzip"), json);
        assert_eq!(ok(json.clone(), "identity"), json);
    }

    #[test]
    fn other_encodings_are_decode_errors_naming_them() {
        for (ce, name) in [
            ("br", "br"),
            ("zstd", "zstd"),
            ("foo", "foo"),
            ("gzip, BR", "br"),
        ] {
            match decode(b"{}".to_vec(), Some(ce), 1 << 20) {
                Err(DecodeFailure::Invalid(e)) => {
                    assert_eq!(e.kind(), ErrorKind::Decode);
                    assert!(e.message().contains(&format!("`{name}`")), "{e}");
                }
                _ => panic!("{ce} must be refused"),
            }
        }
    }

    #[test]
    fn every_layer_is_bounded() {
        let big = gzip(&vec![b' '; 10_000]);
        assert!(matches!(
            decode(big, Some("gzip"), 9_999),
            Err(DecodeFailure::TooLarge)
        ));
    }
}
