//! What the audit's test files share: the audit's "now" and a posture on which every rule passes.
#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only part of this"
)]

pub mod eval;

use serde_json::{json, Value};

/// 2027-01-01T00:00:00Z: the audit's "now".
pub const NOW: i64 = 1_798_761_600;

/// A posture on which every rule passes.
pub fn safe_settings() -> Value {
    json!({
        "private_widget_share": false,
        "saml": {"enabled": true},
        "saml_autocreate_access_role": "ro",
        "saml_autocreate_users_domains": {"domains": ["example.com"], "enabled": true},
        "saml_can_be_enabled": true,
        "saml_idp_endpoint": "https://idp.example.com/sso",
        "saml_idp_initiated_login": {"enabled": false},
        "saml_idp_metadata_uploaded": true,
        "saml_login_url": "https://app.datadoghq.com/account/saml/login",
        "saml_strict_mode": {"enabled": true},
        "saml_idp_metadata_valid_until": "2028-01-01T00:00:00Z"
    })
}

/// One connected Salesforce org on which every Salesforce rule passes.
pub fn safe_salesforce() -> Value {
    json!({"data": [{
        "id": "sf-1",
        "type": "salesforce-incidents-org",
        "attributes": {
            "instance_url": "https://acme.my.salesforce.com",
            "name": "Acme",
            "sfdc_org_id": "00D000000000000",
            "sfdc_org_type": "Production"
        }
    }]})
}
