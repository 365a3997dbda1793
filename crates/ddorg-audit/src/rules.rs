//! The rule catalog: every rule's stable ID, severity, title, rationale, remediation and reference.
//!
//! What each rule checks lives in `check.rs`; this file is the one home of what it is called and
//! what a reader is told about it (the text, Markdown and SARIF reports and docs/audit.md all quote
//! it from here).

use serde::Serialize;

use crate::controls::{cis, nist, soc2, Control};
use crate::severity::Severity;

/// How to fix what a rule found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Remediation {
    /// What to do, in one or two sentences.
    pub text: &'static str,
    /// Where in the Datadog web app to do it.
    pub datadog_ui: &'static str,
    /// The `datadog_organization_settings` Terraform attribute to set, or why there is none: a
    /// fragment for reading; `--format terraform` writes the complete resource (the four
    /// required nested blocks and every other setting as it is now) with the fix applied.
    pub terraform: &'static str,
}

/// One posture rule. IDs and severities are a public contract: never renumbered, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Rule {
    /// The stable ID, e.g. `DDORG-SAML-001`.
    pub id: &'static str,
    /// How bad a finding of this rule is.
    pub severity: Severity,
    /// One line saying what is wrong when the rule fires.
    pub title: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it.
    pub remediation: Remediation,
    /// Datadog's documentation on the setting.
    pub reference: &'static str,
    /// The compliance controls a finding of this rule bears on (NIST SP 800-53 Rev. 5, CIS
    /// Controls v8, SOC 2), by framework; [`crate::sarif_tags`] makes SARIF tags of them.
    pub controls: &'static [Control],
}

const SAML_DOCS: &str = "https://docs.datadoghq.com/account_management/saml/";
const LOGIN_UI: &str = "Organization Settings > Login Methods";
const SAML_UI: &str = "Organization Settings > Login Methods > SAML > Configure";
const NO_TF_METADATA: &str = "none: datadog_organization_settings reports this as read-only \
    (computed from the uploaded IdP metadata); upload new metadata in the UI";
const NO_TF_SALESFORCE: &str = "none: datadog_organization_settings does not manage the \
    Salesforce integration; change the connection in the integration tile";
const SALESFORCE_UI: &str = "Integrations > Salesforce > Configure";
const SALESFORCE_DOCS: &str = "https://docs.datadoghq.com/integrations/salesforce/";

/// Every rule, in report order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "DDORG-SAML-001",
        severity: Severity::High,
        title: "SAML is off although it can be enabled",
        rationale: "Without SAML, logins are not tied to the company's identity provider: leavers \
            keep access until someone removes them by hand, and the IdP's MFA and session \
            policies do not apply.",
        remediation: Remediation {
            text: "Configure SAML with your identity provider and enable it.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml { enabled = true } }",
        },
        reference: SAML_DOCS,
    controls: &[nist("IA-2"), nist("IA-2(1)"), nist("AC-2"), cis("6.7"), cis("6.3"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-002",
        severity: Severity::High,
        title: "SAML is on but strict mode is off: password and Google logins still work",
        rationale: "Without strict mode a user can bypass the identity provider (and its MFA) by \
            logging in with a Datadog password or a Google account, and keeps that login after \
            leaving the company.",
        remediation: Remediation {
            text: "Turn on SAML strict mode so that every user must log in through SAML.",
            datadog_ui: LOGIN_UI,
            terraform: "settings { saml_strict_mode { enabled = true } }",
        },
        reference: "https://docs.datadoghq.com/account_management/saml/#saml-strict",
    controls: &[nist("IA-2"), nist("IA-2(1)"), nist("IA-2(2)"), cis("6.3"), cis("6.5"), cis("6.7"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-003",
        severity: Severity::Medium,
        title: "IdP-initiated login is on: assertions are accepted without an AuthnRequest",
        rationale: "An unsolicited assertion cannot be tied to a login the user started, which \
            makes stolen or replayed assertions and login CSRF easier to use.",
        remediation: Remediation {
            text: "Turn off IdP-initiated login unless your identity provider requires it.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml_idp_initiated_login { enabled = false } }",
        },
        reference: "https://docs.datadoghq.com/account_management/saml/#idp-initiated-login",
    controls: &[nist("IA-2(8)"), nist("SC-23"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-004",
        severity: Severity::Critical,
        title: "Just-in-time provisioning gives new users the Admin role",
        rationale: "Every person the identity provider lets in on a provisioned domain becomes a \
            Datadog administrator on first login, with no review.",
        remediation: Remediation {
            text: "Give just-in-time users the Read Only or Standard role and grant more by hand.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml_autocreate_access_role = \"ro\" }",
        },
        reference:
            "https://docs.datadoghq.com/account_management/saml/#just-in-time-jit-provisioning",
    controls: &[nist("AC-6"), nist("AC-6(5)"), nist("AC-2"), cis("5.4"), cis("6.8"), soc2("CC6.2"), soc2("CC6.3")],
    },
    Rule {
        id: "DDORG-SAML-005",
        severity: Severity::High,
        title: "Just-in-time provisioning admits a public email domain or one the policy does not allow",
        rationale: "Anyone can register an address on a public email domain; if the identity \
            provider vouches for such an address, Datadog creates a user for it. A domain outside \
            the policy's allowed_jit_domains is one nobody has agreed should get accounts. High, \
            not critical: the identity provider must still accept the address.",
        remediation: Remediation {
            text: "Remove public email domains (and any not in the policy's allowed_jit_domains) \
                from the just-in-time domains; list only domains your company owns.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml_autocreate_users_domains { domains = [\"example.com\"] } }",
        },
        reference:
            "https://docs.datadoghq.com/account_management/saml/#just-in-time-jit-provisioning",
    controls: &[nist("AC-2"), nist("AC-3"), nist("IA-8"), cis("5.6"), cis("6.1"), soc2("CC6.2")],
    },
    Rule {
        id: "DDORG-SAML-006",
        severity: Severity::Low,
        title: "The just-in-time provisioning role is not an allowed role",
        rationale: "New users get a role the policy does not allow: `ERROR` (a role Datadog could \
            not resolve), a role this version does not know, or one left out of the policy. The \
            Admin role is DDORG-SAML-004's finding and is not reported here too (unless the policy \
            disables DDORG-SAML-004).",
        remediation: Remediation {
            text: "Set the just-in-time role to one of the policy's allowed roles.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml_autocreate_access_role = \"ro\" }",
        },
        reference:
            "https://docs.datadoghq.com/account_management/saml/#just-in-time-jit-provisioning",
    controls: &[nist("AC-2"), nist("AC-6"), nist("CM-6"), cis("6.8"), soc2("CC6.3")],
    },
    Rule {
        id: "DDORG-SAML-007",
        severity: Severity::High,
        title: "The SAML IdP endpoint is not HTTPS",
        rationale:
            "Logins are sent to the identity provider over a channel anyone on the path can \
            read and change.",
        remediation: Remediation {
            text: "Upload IdP metadata whose single sign-on endpoint is an https:// URL.",
            datadog_ui: SAML_UI,
            terraform: NO_TF_METADATA,
        },
        reference: SAML_DOCS,
    controls: &[nist("SC-8"), nist("SC-8(1)"), nist("SC-23"), cis("3.10"), soc2("CC6.7")],
    },
    Rule {
        id: "DDORG-SAML-008",
        severity: Severity::Medium,
        title: "SAML is on but no IdP metadata is uploaded",
        rationale: "Without metadata Datadog cannot verify the identity provider's signatures, so \
            SAML logins fail and users fall back to other login methods.",
        remediation: Remediation {
            text: "Upload your identity provider's metadata file.",
            datadog_ui: SAML_UI,
            terraform: NO_TF_METADATA,
        },
        reference: SAML_DOCS,
    controls: &[nist("IA-2"), nist("CM-6"), cis("4.1"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-009",
        severity: Severity::Medium,
        title: "The IdP metadata has expired or expires soon",
        rationale: "When the metadata (and its signing certificate) expires, SAML logins stop \
            working, and the rush to restore access invites weaker login methods.",
        remediation: Remediation {
            text: "Renew the certificate at the identity provider and upload the new metadata.",
            datadog_ui: SAML_UI,
            terraform: NO_TF_METADATA,
        },
        reference: SAML_DOCS,
    controls: &[nist("IA-5"), nist("SC-17"), cis("4.1"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-010",
        severity: Severity::Medium,
        title: "SAML is off and cannot be enabled: single sign-on is impossible",
        rationale: "Datadog reports settings.saml_can_be_enabled false: logins cannot go through \
            the company's identity provider at all, so leavers keep their Datadog password or \
            Google login and the IdP's MFA never applies. DDORG-SAML-001 cannot fire here; this \
            rule keeps such an org from looking clean.",
        remediation: Remediation {
            text: "Ask Datadog to make SAML available to the organization (plan or account \
                setting), then configure and enable it.",
            datadog_ui: LOGIN_UI,
            terraform: "none: saml_can_be_enabled is read-only (Datadog decides it); once it is \
                true, settings { saml { enabled = true } }",
        },
        reference: SAML_DOCS,
        controls: &[nist("IA-2"), nist("AC-2"), cis("6.7"), soc2("CC6.1")],
    },
    Rule {
        id: "DDORG-SAML-011",
        severity: Severity::High,
        title: "The SAML IdP endpoint is localhost, a private or link-local address, an IP literal, or not an allowed IdP host",
        rationale: "Datadog sends every login to this endpoint. Loopback, private and link-local \
            addresses point into the user's own machine or network (a test setup left behind, or \
            a planted one); an IP literal has no name users or certificates can vouch for; and a \
            host outside the policy's allowed_idp_hosts means an identity provider nobody \
            approved decides who logs in.",
        remediation: Remediation {
            text: "Upload IdP metadata whose single sign-on endpoint is your identity provider's \
                public https:// host name, or add that host to the policy's allowed_idp_hosts.",
            datadog_ui: SAML_UI,
            terraform: NO_TF_METADATA,
        },
        reference: SAML_DOCS,
        controls: &[nist("IA-2"), nist("SC-23"), nist("CM-6"), cis("6.7"), soc2("CC6.1"), soc2("CC6.6")],
    },
    Rule {
        id: "DDORG-SAML-012",
        severity: Severity::Medium,
        title: "The SAML login URL is not HTTPS or not on the org's Datadog site",
        rationale: "Users and IdP tiles start SP-initiated logins at saml_login_url; plain HTTP \
            lets anyone on the path change the login, and a host off the org's Datadog site \
            (datadoghq.eu for an EU1 org, …) sends users to a page that is not their \
            organization's.",
        remediation: Remediation {
            text: "Compare the login URL in Organization Settings with your site's \
                (https://app.<site>/… or your custom subdomain); fix the IdP tiles and \
                bookmarks that use another, and contact Datadog support if the setting itself is \
                wrong.",
            datadog_ui: LOGIN_UI,
            terraform: "none: saml_login_url is computed by Datadog (read-only in \
                datadog_organization_settings)",
        },
        reference: SAML_DOCS,
        controls: &[nist("SC-8"), nist("SC-23"), cis("3.10"), soc2("CC6.7")],
    },
    Rule {
        id: "DDORG-SAML-013",
        severity: Severity::Low,
        title: "SAML is off but settings are staged for it: just-in-time domains or an insecure IdP endpoint",
        rationale: "These settings take effect the moment someone turns SAML on: the just-in-time \
            domains start admitting new users and logins go to the staged endpoint. The SAML \
            rules do not evaluate them while SAML is off, so this rule reviews them before the \
            switch rather than after.",
        remediation: Remediation {
            text: "Before enabling SAML, clear or review the just-in-time domains and upload \
                metadata whose endpoint is an https:// host of your identity provider.",
            datadog_ui: SAML_UI,
            terraform: "settings { saml_autocreate_users_domains { enabled = false } } (the IdP \
                endpoint comes from the uploaded metadata)",
        },
        reference: SAML_DOCS,
        controls: &[nist("CM-6"), nist("CM-3"), cis("4.1"), soc2("CC8.1")],
    },
    Rule {
        id: "DDORG-SHARE-001",
        severity: Severity::Medium,
        title: "Users can share widgets outside Datadog",
        rationale:
            "A shared widget is readable by anyone with its link, without a login: metrics, \
            hostnames and customer names leave the organization.",
        remediation: Remediation {
            text: "Turn off sharing widgets outside the organization.",
            datadog_ui: "Organization Settings > Public Sharing",
            terraform: "settings { private_widget_share = false }",
        },
        reference: "https://docs.datadoghq.com/dashboards/sharing/",
    controls: &[nist("AC-3"), nist("AC-21"), nist("AC-22"), cis("3.3"), soc2("CC6.6"), soc2("CC6.7")],
    },
    Rule {
        id: "DDORG-SFDC-001",
        severity: Severity::High,
        title: "A connected Salesforce org's instance URL is not HTTPS or not on an allowed domain",
        rationale:
            "Datadog sends incident data and credentials to the instance URL; plain HTTP or \
            a host outside Salesforce's domains sends them somewhere else.",
        remediation: Remediation {
            text: "Reconnect the Salesforce org through its https:// My Domain URL \
                (…my.salesforce.com; …my.salesforce.mil on Government Cloud Plus – Defense; \
                …my.sfcrmproducts.cn on Alibaba Cloud), or add its domain to the policy's \
                allowed_salesforce_hosts.",
            datadog_ui: SALESFORCE_UI,
            terraform: NO_TF_SALESFORCE,
        },
        reference: SALESFORCE_DOCS,
    controls: &[nist("SC-8"), nist("CA-3"), cis("3.10"), soc2("CC6.7")],
    },
    Rule {
        id: "DDORG-SFDC-002",
        severity: Severity::Info,
        title: "A connected Salesforce org is not of an allowed type",
        rationale:
            "Incidents filed into a sandbox or developer org are not seen by the people who \
            work them: a routing choice worth knowing, not a weakness (info). A type this version \
            does not know is reported by DDORG-SFDC-003 instead.",
        remediation: Remediation {
            text: "Connect the production org, or add the type to the policy's \
                allowed_salesforce_org_types.",
            datadog_ui: SALESFORCE_UI,
            terraform: NO_TF_SALESFORCE,
        },
        reference: SALESFORCE_DOCS,
    controls: &[nist("CM-6"), nist("CA-3")],
    },
    Rule {
        id: "DDORG-SFDC-003",
        severity: Severity::Info,
        title: "A connected Salesforce org has a type this version does not know",
        rationale: "Datadog documents `Production` and `Sandbox`; another value is new or unusual \
            and worth a look.",
        remediation: Remediation {
            text: "Check the org in Salesforce; if the type is expected, nothing needs doing.",
            datadog_ui: SALESFORCE_UI,
            terraform: NO_TF_SALESFORCE,
        },
        reference: SALESFORCE_DOCS,
    controls: &[nist("CM-6")],
    },
];

/// The rule with this ID, if there is one.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Framework;

    #[test]
    fn ids_are_unique_and_severities_are_the_contract() {
        let expected = [
            ("DDORG-SAML-001", Severity::High),
            ("DDORG-SAML-002", Severity::High),
            ("DDORG-SAML-003", Severity::Medium),
            ("DDORG-SAML-004", Severity::Critical),
            ("DDORG-SAML-005", Severity::High),
            ("DDORG-SAML-006", Severity::Low),
            ("DDORG-SAML-007", Severity::High),
            ("DDORG-SAML-008", Severity::Medium),
            ("DDORG-SAML-009", Severity::Medium),
            ("DDORG-SAML-010", Severity::Medium),
            ("DDORG-SAML-011", Severity::High),
            ("DDORG-SAML-012", Severity::Medium),
            ("DDORG-SAML-013", Severity::Low),
            ("DDORG-SHARE-001", Severity::Medium),
            ("DDORG-SFDC-001", Severity::High),
            ("DDORG-SFDC-002", Severity::Info),
            ("DDORG-SFDC-003", Severity::Info),
        ];
        let got: Vec<_> = RULES.iter().map(|r| (r.id, r.severity)).collect();
        assert_eq!(got, expected);
        for r in RULES {
            assert!(
                r.reference.starts_with("https://docs.datadoghq.com/"),
                "{}",
                r.id
            );
            assert!(!r.remediation.datadog_ui.is_empty() && !r.remediation.terraform.is_empty());
            assert!(
                r.controls
                    .iter()
                    .any(|c| c.framework == Framework::Nist80053),
                "{} maps to no NIST SP 800-53 control",
                r.id
            );
        }
    }

    #[test]
    fn sarif_tags_are_security_then_one_external_tag_per_control() {
        let r = rule("DDORG-SAML-007").unwrap();
        assert_eq!(
            crate::controls::sarif_tags(r),
            [
                "security",
                "external/nist-800-53/SC-8",
                "external/nist-800-53/SC-8(1)",
                "external/nist-800-53/SC-23",
                "external/cis-v8/3.10",
                "external/soc2/CC6.7"
            ]
        );
    }
}
