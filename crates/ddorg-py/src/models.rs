//! The Python classes of the core's models, named as Datadog's schema names them (one `model!`
//! each; the macro is in `model.rs`).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyType;

use ddorg_core as core;

use crate::convert;
use crate::model::{model, model_repr, Meta, ToPy};
use crate::rate_limit::RateLimit;

model! {
    /// Response with an organization (`GET /api/v1/org/{public_id}`).
    response "OrganizationResponse" => OrganizationResponse(core::OrganizationResponse) {
        /// The organization (`Organization`), or `None`.
        org => org,
    }
}

model! {
    /// Response with the list of organizations (`GET /api/v1/org`): the key's organization and,
    /// for a parent organization, every child organization it manages.
    response "OrganizationListResponse" => OrganizationListResponse(core::OrganizationListResponse) {
        /// The organizations (`list[Organization]`), or `None` when the response has none.
        orgs => orgs,
    }
}

model! {
    /// An organization: name, settings (SAML and more) and plan.
    part "Organization" => Organization(core::Organization) {
        /// Deprecated by Datadog: the billing type (`OrganizationBilling`), or `None`.
        billing => billing,
        /// Date of the organization's creation as sent, e.g. `2019-09-26T17:28:28Z`.
        created => created,
        /// Description of the organization.
        description => description,
        /// The name of the organization.
        name => name,
        /// The `public_id` of the organization.
        public_id => public_id,
        /// The organization's settings (`OrganizationSettings`), or `None`.
        settings => settings,
        /// Deprecated by Datadog: the subscription (`OrganizationSubscription`), or `None`.
        subscription => subscription,
        /// Only for MSP customers: whether child organizations can be created on a trial plan.
        trial => trial,
    }
}

model! {
    /// Deprecated by Datadog: the billing type of an organization.
    part "OrganizationBilling" => OrganizationBilling(core::OrganizationBilling) {
        /// The type of billing; only `parent_billing` is documented.
        r#type => type_,
    }
}

model! {
    /// Deprecated by Datadog: the subscription of an organization.
    part "OrganizationSubscription" => OrganizationSubscription(core::OrganizationSubscription) {
        /// The subscription type: `trial`, `free` or `pro` are documented.
        r#type => type_,
    }
}

model! {
    /// The settings of an organization.
    part "OrganizationSettings" => OrganizationSettings(core::OrganizationSettings) {
        /// Whether the organization's users can share widgets outside of Datadog.
        private_widget_share => private_widget_share,
        /// Whether single sign-on with SAML is enabled (`OrganizationSettingsSaml`).
        saml => saml,
        /// The access role of users SAML creates automatically: `st`, `adm`, `ro`, `ERROR`, a
        /// value Datadog added later (as sent), or `None`.
        saml_autocreate_access_role => saml_autocreate_access_role,
        /// Which email domains SAML creates users for automatically.
        saml_autocreate_users_domains => saml_autocreate_users_domains,
        /// Whether SAML can be enabled for this organization.
        saml_can_be_enabled => saml_can_be_enabled,
        /// Identity provider endpoint for SAML authentication.
        saml_idp_endpoint => saml_idp_endpoint,
        /// Whether SAML IdP-initiated login is enabled.
        saml_idp_initiated_login => saml_idp_initiated_login,
        /// Whether an identity provider metadata file was uploaded.
        saml_idp_metadata_uploaded => saml_idp_metadata_uploaded,
        /// URL for SAML login.
        saml_login_url => saml_login_url,
        /// Whether SAML strict mode (every user must log in with SAML) is enabled.
        saml_strict_mode => saml_strict_mode,
    }
}

model! {
    /// Whether single sign-on with SAML is enabled.
    part "OrganizationSettingsSaml" => OrganizationSettingsSaml(core::OrganizationSettingsSaml) {
        /// Whether SAML is enabled for this organization.
        enabled => enabled,
    }
}

model! {
    /// Which email domains SAML creates users for automatically.
    part "OrganizationSettingsSamlAutocreateUsersDomains"
        => OrganizationSettingsSamlAutocreateUsersDomains(core::OrganizationSettingsSamlAutocreateUsersDomains) {
        /// Domains (without `@`) for which automated user creation is enabled.
        domains => domains,
        /// Whether automated user creation based on the SAML domain is enabled.
        enabled => enabled,
    }
}

model! {
    /// Whether SAML IdP-initiated login is enabled.
    part "OrganizationSettingsSamlIdpInitiatedLogin"
        => OrganizationSettingsSamlIdpInitiatedLogin(core::OrganizationSettingsSamlIdpInitiatedLogin) {
        /// Whether SAML IdP-initiated login is enabled.
        enabled => enabled,
    }
}

model! {
    /// Whether SAML strict mode is enabled.
    part "OrganizationSettingsSamlStrictMode"
        => OrganizationSettingsSamlStrictMode(core::OrganizationSettingsSamlStrictMode) {
        /// Whether SAML strict mode is enabled: if true, every user must log in with SAML.
        enabled => enabled,
    }
}

model! {
    /// The Salesforce organizations connected to the Datadog Salesforce integration
    /// (`GET /api/v2/integration/salesforce-incidents/organizations`).
    response "SalesforceIncidentsOrganizationsResponse"
        => SalesforceIncidentsOrganizationsResponse(core::SalesforceIncidentsOrganizationsResponse) {
        /// The connected organizations (`list[SalesforceIncidentsOrganizationResponseData]`).
        data => data,
    }
}

model! {
    /// One connected Salesforce organization.
    part "SalesforceIncidentsOrganizationResponseData"
        => SalesforceIncidentsOrganizationResponseData(core::SalesforceIncidentsOrganizationResponseData) {
        /// Its attributes (`SalesforceIncidentsOrganizationResponseAttributes`).
        attributes => attributes,
        /// The Datadog-assigned ID.
        id => id,
        /// The resource type, `salesforce-incidents-org` (another value is kept as sent).
        r#type => type_,
    }
}

model! {
    /// Attributes of a connected Salesforce organization.
    part "SalesforceIncidentsOrganizationResponseAttributes"
        => SalesforceIncidentsOrganizationResponseAttributes(core::SalesforceIncidentsOrganizationResponseAttributes) {
        /// The Salesforce instance URL used to call this organization's APIs.
        instance_url => instance_url,
        /// Human-readable name of the Salesforce organization.
        name => name,
        /// The Salesforce organization identifier (15 or 18 characters).
        sfdc_org_id => sfdc_org_id,
        /// The Salesforce organization type, for example `Production` or `Sandbox`.
        sfdc_org_type => sfdc_org_type,
    }
}

/// Adds every model class to the module.
pub(crate) fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<OrganizationResponse>()?;
    m.add_class::<OrganizationListResponse>()?;
    m.add_class::<Organization>()?;
    m.add_class::<OrganizationBilling>()?;
    m.add_class::<OrganizationSubscription>()?;
    m.add_class::<OrganizationSettings>()?;
    m.add_class::<OrganizationSettingsSaml>()?;
    m.add_class::<OrganizationSettingsSamlAutocreateUsersDomains>()?;
    m.add_class::<OrganizationSettingsSamlIdpInitiatedLogin>()?;
    m.add_class::<OrganizationSettingsSamlStrictMode>()?;
    m.add_class::<SalesforceIncidentsOrganizationsResponse>()?;
    m.add_class::<SalesforceIncidentsOrganizationResponseData>()?;
    m.add_class::<SalesforceIncidentsOrganizationResponseAttributes>()?;
    Ok(())
}
