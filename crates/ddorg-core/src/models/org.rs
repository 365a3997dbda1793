//! `GET /api/v1/org/{public_id}`: `OrganizationResponse` and the schemas it references.

use serde::{Deserialize, Serialize};

use super::{open_enum, AdditionalProperties, Nullable};

/// Response with an organization.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationResponse {
    /// The organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub org: Nullable<Organization>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// Create, edit, and manage organizations.
///
/// No documented constraint (such as `name` ≤ 32 characters) is enforced on a response: the
/// server's data is reported as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// **Deprecated** by Datadog: a JSON object of billing type.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub billing: Nullable<OrganizationBilling>,
    /// Date of the organization creation, e.g. `2019-09-26T17:28:28Z`, as sent.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created: Nullable<String>,
    /// Description of the organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    /// The name of the organization (documented as at most 32 characters).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// The `public_id` of the organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub public_id: Nullable<String>,
    /// The organization's settings.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub settings: Nullable<OrganizationSettings>,
    /// **Deprecated** by Datadog: the subscription definition.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub subscription: Nullable<OrganizationSubscription>,
    /// Only available for MSP customers: whether child organizations can be created on a trial plan.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub trial: Nullable<bool>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// **Deprecated** by Datadog: a JSON object of billing type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationBilling {
    /// The type of billing. Only `parent_billing` is documented.
    #[serde(rename = "type", default, skip_serializing_if = "Nullable::is_absent")]
    pub type_: Nullable<String>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// **Deprecated** by Datadog: subscription definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSubscription {
    /// The subscription type: `trial`, `free` or `pro` are documented.
    #[serde(rename = "type", default, skip_serializing_if = "Nullable::is_absent")]
    pub type_: Nullable<String>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// The organization's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSettings {
    /// Whether the organization's users can share widgets outside of Datadog.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub private_widget_share: Nullable<bool>,
    /// Whether single sign-on with SAML is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml: Nullable<OrganizationSettingsSaml>,
    /// The access role given to users SAML creates automatically; `null` is a documented value.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_autocreate_access_role: Nullable<AccessRole>,
    /// Which email domains SAML creates users for automatically.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_autocreate_users_domains: Nullable<OrganizationSettingsSamlAutocreateUsersDomains>,
    /// Whether SAML can be enabled for this organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_can_be_enabled: Nullable<bool>,
    /// Identity provider endpoint for SAML authentication.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_idp_endpoint: Nullable<String>,
    /// Whether SAML IdP-initiated login is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_idp_initiated_login: Nullable<OrganizationSettingsSamlIdpInitiatedLogin>,
    /// Whether an identity provider metadata file was uploaded.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_idp_metadata_uploaded: Nullable<bool>,
    /// URL for SAML login.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_login_url: Nullable<String>,
    /// Whether SAML strict mode (every user must log in with SAML) is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub saml_strict_mode: Nullable<OrganizationSettingsSamlStrictMode>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// Whether single sign-on with SAML is enabled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSettingsSaml {
    /// Whether SAML is enabled for this organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub enabled: Nullable<bool>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// `enabled` and `domains`: which email domains SAML creates users for automatically.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSettingsSamlAutocreateUsersDomains {
    /// Domains (without `@`) for which automated user creation is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub domains: Nullable<Vec<String>>,
    /// Whether automated user creation based on the SAML domain is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub enabled: Nullable<bool>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// Whether SAML IdP-initiated login is enabled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSettingsSamlIdpInitiatedLogin {
    /// Whether SAML IdP-initiated login is enabled.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub enabled: Nullable<bool>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// Whether SAML strict mode is enabled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationSettingsSamlStrictMode {
    /// Whether SAML strict mode is enabled: if true, every user must log in with SAML.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub enabled: Nullable<bool>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

open_enum! {
    /// The access role of a user: `st`, `adm`, `ro` or `ERROR`; a role Datadog adds later is
    /// kept as [`AccessRole::Unknown`].
    pub enum AccessRole {
        /// `st`: standard user.
        Standard = "st",
        /// `adm`: admin user.
        Admin = "adm",
        /// `ro`: read-only user.
        ReadOnly = "ro",
        /// `ERROR`: the value Datadog documents for a role it could not resolve.
        Error = "ERROR",
    }
}
