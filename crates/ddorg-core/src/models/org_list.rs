//! `GET /api/v1/org`: `OrganizationListResponse`, the managed organizations.

use serde::{Deserialize, Serialize};

use super::{AdditionalProperties, Nullable, Organization};

/// Response with the list of organizations: the key's organization and, for a parent
/// organization, every child organization it manages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
///
/// ```
/// use ddorg_core::{from_json, OrganizationListResponse};
///
/// let list: OrganizationListResponse = from_json(
///     r#"{"orgs":[{"name":"Parent","public_id":"p1","description":null},
///                 {"name":"Child","public_id":"c1","brand_new":1}]}"#,
/// )?;
/// let orgs = list.orgs.as_deref().expect("a list");
/// assert_eq!(orgs.len(), 2);
/// assert_eq!(orgs[1].public_id.as_deref(), Some("c1"));
/// assert!(orgs[0].description.is_null()); // sent as null, not absent
/// assert!(orgs[1].additional_properties.contains_key("brand_new"));
/// assert_eq!(list.public_ids(), vec!["p1", "c1"]);
/// // An empty or absent list reads as no organizations.
/// assert!(from_json::<OrganizationListResponse>("{}")?.iter().next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OrganizationListResponse {
    /// Array of organization objects (a `null` item is not one: the body does not decode).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub orgs: Nullable<Vec<Organization>>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl OrganizationListResponse {
    /// The organizations in the order received; none when `orgs` is absent or `null`.
    pub fn iter(&self) -> std::slice::Iter<'_, Organization> {
        self.orgs.as_deref().unwrap_or(&[]).iter()
    }

    /// The `public_id` of every listed organization that has one, in the order received.
    pub fn public_ids(&self) -> Vec<&str> {
        self.iter().filter_map(|o| o.public_id.as_deref()).collect()
    }
}

impl<'a> IntoIterator for &'a OrganizationListResponse {
    type Item = &'a Organization;
    type IntoIter = std::slice::Iter<'a, Organization>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
