//! [`Secret`]: how ddorg holds an API or application key, and the header value each request
//! sends it in.
//!
//! A key must not outlive its client in memory: a core dump, a swapped page or memory handed
//! back to the allocator and read by someone else would carry it. So a client keeps exactly one
//! copy of each key, in one [`KeyHeader`] that every request shares by reference count (ureq
//! would otherwise copy a `&str` into a new header value per request), and that copy is
//! overwritten with zeros when the last request and the client are done with it. The bytes a
//! request writes into a connection's buffer are wiped as soon as they are sent (see
//! `wipe.rs`). What this cannot reach: the caller's own copies (a Python `str`, a C buffer, the
//! process environment) and the kernel's socket buffers.

use std::borrow::Cow;
use std::fmt;

use ureq::http::HeaderValue;
use zeroize::Zeroize;

/// A key that never shows itself and is wiped from memory when dropped.
///
/// `Debug` prints `"***"`; there is no `Display` and no way to read the key back. Every clone is
/// its own copy, wiped when that clone is dropped. Built from a `String` without copying it, or
/// from a `&str` with one copy. The builder's `api_key` and `app_key` take anything that
/// converts into one.
///
/// ```
/// use ddorg_core::{Client, Secret};
///
/// let key = Secret::new(String::from("my-api-key"));
/// assert_eq!(format!("{key:?}"), "***");
/// let client = Client::builder().api_key(key).app_key("my-app-key").build()?;
/// # let _ = client;
/// # Ok::<(), ddorg_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Takes ownership of the key (a `String` is moved, not copied).
    pub fn new(key: impl Into<String>) -> Secret {
        Secret(key.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The header value that carries this key, without copying it.
    pub(crate) fn into_header(self) -> Result<KeyHeader, ureq::http::header::InvalidHeaderValue> {
        let mut value = HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(Owner(self)))?;
        // Sensitive values are never shown by `http`'s Debug ("Sensitive") nor by ureq's logs.
        value.set_sensitive(true);
        Ok(KeyHeader(value))
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // The whole allocation, spare capacity included, then the length.
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "<unset>" } else { "***" })
    }
}

impl From<String> for Secret {
    fn from(key: String) -> Secret {
        Secret(key)
    }
}

impl From<&str> for Secret {
    fn from(key: &str) -> Secret {
        Secret(key.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(key: &String) -> Secret {
        Secret(key.clone())
    }
}

impl From<Box<str>> for Secret {
    fn from(key: Box<str>) -> Secret {
        Secret(key.into_string())
    }
}

impl From<Cow<'_, str>> for Secret {
    fn from(key: Cow<'_, str>) -> Secret {
        Secret(key.into_owned())
    }
}

/// The owner of a [`KeyHeader`]'s bytes: `bytes::Bytes` drops it, and so wipes the key, when the
/// last clone of the header value is gone.
struct Owner(Secret);

impl AsRef<[u8]> for Owner {
    fn as_ref(&self) -> &[u8] {
        self.0 .0.as_bytes()
    }
}

/// A key as a header value: cloning it shares the one copy (a reference count), never the bytes.
#[derive(Clone)]
pub(crate) struct KeyHeader(HeaderValue);

impl KeyHeader {
    /// A clone for one request's header map.
    pub(crate) fn value(&self) -> HeaderValue {
        self.0.clone()
    }
}

impl fmt::Debug for KeyHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_shares_the_secrets_bytes_instead_of_copying_them() {
        let key = String::from("abc123-key");
        let at = key.as_ptr();
        let header = Secret::from(key).into_header().unwrap();
        let (one, two) = (header.value(), header.value());
        assert_eq!(one.as_bytes().as_ptr(), at);
        assert_eq!(two.as_bytes().as_ptr(), at);
        assert_eq!(one.as_bytes(), b"abc123-key");
        assert!(one.is_sensitive());
        assert_eq!(format!("{one:?}"), "Sensitive");
        assert_eq!(format!("{header:?}"), "***");
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert_eq!(format!("{:?}", Secret::from("hunter2")), "***");
        assert_eq!(format!("{:?}", Secret::default()), "<unset>");
    }

    #[test]
    fn a_key_a_header_cannot_carry_is_refused() {
        assert!(Secret::from("a\r\nX-Evil: 1").into_header().is_err());
    }
}
