//! [`Nullable`]: a documented field that remembers whether the server sent `null` or left it out.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field of a response: its value, or no value and then whether the server sent
/// `null` or did not send the field at all.
///
/// `null` and "absent" are different facts to someone diffing settings over time or feeding the
/// JSON to another tool, and Datadog sends both (`"saml_login_url": null`, `"description": null`).
/// A model serializes each field as it arrived, so what any binding writes out from a response
/// (serde, Python `to_dict()`/`to_json()`, the CLI's `--json`, C `*_to_json()`) is the JSON that
/// was received, nulls included.
///
/// Why a field type rather than keeping the received document next to the model: the model stays
/// the one copy of the data (a value set on it, in a test or a mock, is what serializes; there is
/// no second document that could disagree with it), every nested object serializes losslessly on
/// its own (`settings.to_dict()` in Python, one object in a report), and it costs one `bool` per
/// field instead of a second tree per response.
///
/// It dereferences to `Option<T>`, so reading stays simple: `org.name.as_deref()`,
/// `settings.saml.as_ref()`, `*org.trial == Some(true)`, or `org.trial == Some(true)`.
///
/// ```
/// use ddorg_core::{Nullable, Organization};
///
/// let org: Organization = serde_json::from_str(r#"{"name":"Acme","description":null}"#)?;
/// assert_eq!(org.name.as_deref(), Some("Acme"));
/// assert!(org.description.is_null());
/// assert!(org.public_id.is_absent());
/// assert_eq!(serde_json::to_string(&org)?, r#"{"description":null,"name":"Acme"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nullable<T> {
    value: Option<T>,
    /// Set when the field arrived as `null`; only meaningful while `value` is `None`, so a value
    /// written through `DerefMut` always wins.
    null: bool,
}

impl<T> Nullable<T> {
    /// A field that was not sent (it is left out when serializing).
    pub const fn absent() -> Nullable<T> {
        Nullable {
            value: None,
            null: false,
        }
    }

    /// A field sent as `null` (serialized as `null`).
    pub const fn null() -> Nullable<T> {
        Nullable {
            value: None,
            null: true,
        }
    }

    /// A field with a value.
    pub const fn new(value: T) -> Nullable<T> {
        Nullable {
            value: Some(value),
            null: false,
        }
    }

    /// Whether the field arrived as `null` (no value, but sent).
    pub fn is_null(&self) -> bool {
        self.value.is_none() && self.null
    }

    /// Whether the field was not sent at all.
    pub fn is_absent(&self) -> bool {
        self.value.is_none() && !self.null
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> &Option<T> {
        &self.value
    }

    /// The value, if there is one, losing the difference between `null` and absent.
    pub fn into_option(self) -> Option<T> {
        self.value
    }

    /// The value; panics without one, like [`Option::unwrap`] (which needs a value it can move,
    /// and `Deref` only lends one).
    #[track_caller]
    pub fn unwrap(self) -> T {
        self.value.unwrap()
    }

    /// The value; panics with `msg` without one, like [`Option::expect`].
    #[track_caller]
    pub fn expect(self, msg: &str) -> T {
        self.value.expect(msg)
    }
}

impl<T> Default for Nullable<T> {
    /// Absent.
    fn default() -> Self {
        Nullable::absent()
    }
}

impl<T> Deref for Nullable<T> {
    type Target = Option<T>;

    fn deref(&self) -> &Option<T> {
        &self.value
    }
}

impl<T> DerefMut for Nullable<T> {
    fn deref_mut(&mut self) -> &mut Option<T> {
        &mut self.value
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::new(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes absent: a field a program did not set is not sent as `null`.
    fn from(value: Option<T>) -> Self {
        Nullable { value, null: false }
    }
}

impl<T: PartialEq> PartialEq<Option<T>> for Nullable<T> {
    fn eq(&self, other: &Option<T>) -> bool {
        self.value == *other
    }
}

impl<T: fmt::Debug> fmt::Debug for Nullable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            f.write_str("Null")
        } else {
            self.value.fmt(f)
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Absent fields are skipped by the containing struct (`skip_serializing_if`).
        match &self.value {
            Some(value) => value.serialize(s),
            None => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// Called only for a field that is present (an absent one is `#[serde(default)]`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(value) => Nullable::new(value),
            None => Nullable::null(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Doc {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        a: Nullable<String>,
    }

    #[test]
    fn null_absent_and_value_each_come_back_as_received() {
        for text in [r#"{"a":null}"#, "{}", r#"{"a":"x"}"#] {
            let doc: Doc = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&doc).unwrap(), text);
        }
        let null: Doc = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert!(null.a.is_null() && !null.a.is_absent() && null.a.is_none());
        assert_ne!(null, Doc::default(), "null and absent are different facts");
    }

    #[test]
    fn a_value_set_on_a_null_field_wins() {
        let mut doc: Doc = serde_json::from_str(r#"{"a":null}"#).unwrap();
        *doc.a = Some("set".into());
        assert!(!doc.a.is_null());
        assert_eq!(serde_json::to_string(&doc).unwrap(), r#"{"a":"set"}"#);
        *doc.a = None;
        assert_eq!(serde_json::to_string(&doc).unwrap(), r#"{"a":null}"#);
    }
}
