//! Strings across the boundary: the copies handles keep, owned results, and their one `free`.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;

use crate::ffi::guard;

/// A C copy of a data field: `None` when absent, and also when the value holds a NUL byte, which
/// a C string cannot carry. Returning NULL there is safer than a truncated value that looks real
/// (a truncated id could name another organization); `*_to_json` still has the whole value.
pub(crate) fn data_cstring(s: Option<&str>) -> Option<CString> {
    s.and_then(|s| CString::new(s).ok())
}

/// A C copy of diagnostic text (a message, one of Datadog's `errors`): a NUL byte becomes U+FFFD,
/// so the text is never lost.
pub(crate) fn text_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// The borrowed pointer a getter returns for an optional string.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_deref().map_or(ptr::null(), CStr::as_ptr)
}

/// A boolean field as C sees it: 1, 0, or -1 when absent.
pub(crate) fn tristate(b: Option<bool>) -> c_int {
    match b {
        Some(true) => 1,
        Some(false) => 0,
        None => -1,
    }
}

/// Hands `s` to C as an owned string, freed with [`ddorg_string_free`]; NULL if it holds a NUL.
pub(crate) fn owned(s: String) -> *mut c_char {
    CString::new(s).map_or(ptr::null_mut(), CString::into_raw)
}

/// Serializes a model as compact JSON, every field (unknown ones included) kept; an owned string.
pub(crate) fn json_of(value: &impl serde::Serialize) -> *mut c_char {
    // serde_json writes a NUL byte inside a string as `\u0000`, so `owned` never sees one.
    serde_json::to_string(value).map_or(ptr::null_mut(), owned)
}

static VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the crate version holds a NUL byte"),
    };

/// The library's version, e.g. `"0.1.0"`. Static: never freed, never NULL.
#[no_mangle]
pub extern "C" fn ddorg_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Frees a `char *` this library returned (such as `ddorg_org_response_to_json`'s). NULL is a
/// no-op. Never pass it a `const char *` getter result: those belong to their handle.
#[no_mangle]
pub unsafe extern "C" fn ddorg_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: the caller's contract: a string from `CString::into_raw`, not freed yet.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

/// The library's version, for the user agent.
pub(crate) fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_data_gives_null_and_in_text_gives_a_replacement_character() {
        assert_eq!(data_cstring(Some("a\0b")), None);
        assert_eq!(data_cstring(Some("ab")).unwrap().to_str().unwrap(), "ab");
        assert_eq!(text_cstring("a\0b").to_str().unwrap(), "a\u{FFFD}b");
    }

    #[test]
    fn version_matches_the_crate() {
        let v = unsafe { CStr::from_ptr(ddorg_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn json_keeps_nul_escaped_and_frees() {
        let s = json_of(&serde_json::json!({"a": "x\0y"}));
        assert_eq!(
            unsafe { CStr::from_ptr(s) }.to_str().unwrap(),
            r#"{"a":"x\u0000y"}"#
        );
        unsafe { ddorg_string_free(s) };
        unsafe { ddorg_string_free(ptr::null_mut()) };
    }
}
