//! `GET /api/v2/integration/salesforce-incidents/organizations` and its schemas.

use serde::{Deserialize, Serialize};

use super::{open_enum, AdditionalProperties, Nullable};

/// Response containing the Salesforce organizations connected to the Datadog Salesforce integration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SalesforceIncidentsOrganizationsResponse {
    /// The connected Salesforce organizations. Required.
    pub data: Vec<SalesforceIncidentsOrganizationResponseData>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// One connected Salesforce organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SalesforceIncidentsOrganizationResponseData {
    /// Its attributes. Required.
    pub attributes: SalesforceIncidentsOrganizationResponseAttributes,
    /// The Datadog-assigned ID (documented as 1 to 100 characters; not enforced). Required.
    pub id: String,
    /// The resource type, `salesforce-incidents-org`. Required.
    #[serde(rename = "type")]
    pub type_: SalesforceIncidentsOrganizationType,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// Attributes of a connected Salesforce organization.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SalesforceIncidentsOrganizationResponseAttributes {
    /// The Salesforce instance URL used to call this organization's APIs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub instance_url: Nullable<String>,
    /// Human-readable name of the Salesforce organization.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// The Salesforce organization identifier (15 or 18 characters).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub sfdc_org_id: Nullable<String>,
    /// The Salesforce organization type, for example `Production` or `Sandbox`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub sfdc_org_type: Nullable<String>,
    /// Fields not in the schema, kept as received.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

open_enum! {
    /// Salesforce organization resource type; only `salesforce-incidents-org` is documented.
    pub enum SalesforceIncidentsOrganizationType {
        /// `salesforce-incidents-org`.
        SalesforceIncidentsOrg = "salesforce-incidents-org",
    }
}

impl SalesforceIncidentsOrganizationsResponse {
    /// A response listing `data`, with no unknown fields (for tests and mocks).
    pub fn new(data: Vec<SalesforceIncidentsOrganizationResponseData>) -> Self {
        SalesforceIncidentsOrganizationsResponse {
            data,
            additional_properties: AdditionalProperties::new(),
        }
    }
}

impl SalesforceIncidentsOrganizationResponseData {
    /// A connected organization of the documented type `salesforce-incidents-org`, with no
    /// unknown fields (for tests and mocks).
    pub fn new(
        id: impl Into<String>,
        attributes: SalesforceIncidentsOrganizationResponseAttributes,
    ) -> Self {
        SalesforceIncidentsOrganizationResponseData {
            attributes,
            id: id.into(),
            type_: SalesforceIncidentsOrganizationType::SalesforceIncidentsOrg,
            additional_properties: AdditionalProperties::new(),
        }
    }
}
