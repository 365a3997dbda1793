//! The response models, named as Datadog's schema names them.
//!
//! Every struct keeps the fields it does not know in `additional_properties`, every enum has an
//! `Unknown(String)` variant and every optional field is a [`Nullable`] (which tells `null` from
//! absent), so a response serializes back to the JSON that was received, nulls included, and a
//! field or value Datadog adds tomorrow decodes today.
//!
//! The structs and enums are `#[non_exhaustive]`, so a field or value documented tomorrow is
//! not a breaking change: build a struct from `Default::default()` (or its `new`) and assign its
//! public fields, and give a `match` on an enum a wildcard arm.
//!
//! ```
//! use ddorg_core::{AccessRole, Organization, OrganizationSettings};
//! let mut settings = OrganizationSettings::default();
//! settings.saml_autocreate_access_role = AccessRole::ReadOnly.into();
//! let mut org = Organization::default();
//! org.name = "Test org".to_string().into();
//! org.settings = settings.into();
//! assert_eq!(org.name.as_deref(), Some("Test org"));
//! ```

mod nullable;
mod org;
mod org_list;
mod salesforce;

pub use nullable::Nullable;
pub use org::*;
pub use org_list::*;
pub use salesforce::*;

/// Defines a string enum whose unknown values are kept in an `Unknown(String)` variant.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know yet, kept as received.
            Unknown(String),
        }

        impl $name {
            /// The value as it appears in the JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value this version does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visit;
                impl serde::de::Visitor<'_> for Visit {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                d.deserialize_str(Visit)
            }
        }
    };
}
pub(crate) use open_enum;

/// Fields a model does not know, with their values exactly as received, sorted by name (a
/// `BTreeMap`: JSON gives object keys no order, and a sorted map serializes the same way every
/// time). A public alias, part of the API: `serde_json::Value` is the value type for good.
pub type AdditionalProperties = std::collections::BTreeMap<String, serde_json::Value>;
