//! [`Policy`]: what the rules allow, with a default for every setting, read from `POLICY.toml`.

use std::path::Path;

use ddorg_core::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

use crate::rules::{rule, RULES};
use crate::severity::FailOn;

/// Free email domains anyone can register an address on (DDORG-SAML-005). A policy's
/// `public_email_domains` adds to this list; it never removes from it.
pub const BUILTIN_PUBLIC_EMAIL_DOMAINS: &[&str] = &[
    "126.com",
    "163.com",
    "aol.com",
    "fastmail.com",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "libero.it",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "naver.com",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "rediffmail.com",
    "rocketmail.com",
    "t-online.de",
    "tuta.io",
    "tutanota.com",
    "web.de",
    "yahoo.co.jp",
    "yahoo.co.uk",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "ymail.com",
    "zoho.com",
];

/// The Salesforce org types Datadog documents (DDORG-SFDC-003 reports any other).
pub const KNOWN_SALESFORCE_ORG_TYPES: &[&str] = &["Production", "Sandbox"];

/// What the audit allows. Every setting has a default (see [`Policy::default`]); the report
/// records the effective policy, so a reader knows exactly what was checked.
///
/// ```
/// let policy = ddorg_audit::Policy::from_toml_str(r#"
///     fail_on = "medium"
///     allowed_autocreate_roles = ["ro"]
///     public_email_domains = ["example-free-mail.com"]
/// "#)?;
/// assert!(policy.public_email_domains.iter().any(|d| d == "gmail.com"));
/// assert!(ddorg_audit::Policy::from_toml_str("fail_onn = \"low\"").is_err());
/// # Ok::<(), ddorg_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// Findings at or above this severity make the audit fail (exit code 1). Defaults to `high`.
    pub fail_on: FailOn,
    /// Rule IDs not to evaluate; they are reported as not evaluated, never as passed. Defaults to
    /// none.
    pub disabled_rules: Vec<String>,
    /// Roles just-in-time provisioning may give (DDORG-SAML-006). Defaults to `ro`, `st`.
    pub allowed_autocreate_roles: Vec<String>,
    /// Domains treated as public email providers (DDORG-SAML-005), lowercase: the built-in list
    /// ([`BUILTIN_PUBLIC_EMAIL_DOMAINS`]) plus the policy's own. Defaults to the built-in list.
    pub public_email_domains: Vec<String>,
    /// Salesforce org types allowed (DDORG-SFDC-002). Defaults to `Production`.
    pub allowed_salesforce_org_types: Vec<String>,
    /// Domains a Salesforce `instance_url` host must be or end in (DDORG-SFDC-001), lowercase.
    /// Defaults to `salesforce.com`, `force.com`.
    pub allowed_salesforce_hosts: Vec<String>,
    /// How many days before the IdP metadata's end of validity DDORG-SAML-009 warns. Defaults
    /// to 30.
    pub idp_metadata_expiry_warning_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on: FailOn::default(),
            disabled_rules: Vec::new(),
            allowed_autocreate_roles: vec!["ro".into(), "st".into()],
            public_email_domains: BUILTIN_PUBLIC_EMAIL_DOMAINS
                .iter()
                .map(|d| d.to_string())
                .collect(),
            allowed_salesforce_org_types: vec!["Production".into()],
            allowed_salesforce_hosts: vec!["salesforce.com".into(), "force.com".into()],
            idp_metadata_expiry_warning_days: 30,
        }
    }
}

/// A policy as written, every setting optional (a missing one keeps its default): what
/// `POLICY.toml` holds (an unknown key is an error) and what the bindings' keyword arguments
/// give. [`Policy::from_settings`] checks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicySettings {
    /// See [`Policy::fail_on`].
    pub fail_on: Option<FailOn>,
    /// See [`Policy::disabled_rules`].
    pub disabled_rules: Option<Vec<String>>,
    /// See [`Policy::allowed_autocreate_roles`].
    pub allowed_autocreate_roles: Option<Vec<String>>,
    /// Domains added to [`BUILTIN_PUBLIC_EMAIL_DOMAINS`].
    pub public_email_domains: Option<Vec<String>>,
    /// See [`Policy::allowed_salesforce_org_types`].
    pub allowed_salesforce_org_types: Option<Vec<String>>,
    /// See [`Policy::allowed_salesforce_hosts`].
    pub allowed_salesforce_hosts: Option<Vec<String>>,
    /// See [`Policy::idp_metadata_expiry_warning_days`].
    pub idp_metadata_expiry_warning_days: Option<u32>,
}

/// A domain as the rules compare it: trimmed, lowercase, without a leading `@` or `*.` or a
/// trailing dot.
pub(crate) fn normalize_domain(d: &str) -> String {
    let d = d.trim().to_ascii_lowercase();
    let d = d.trim_start_matches('@').trim_start_matches("*.");
    d.trim_end_matches('.').to_string()
}

fn config(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
}

impl Policy {
    /// Reads a policy file; see [`Policy::from_toml_str`].
    pub fn from_file(path: &Path) -> Result<Policy, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            config(format!(
                "cannot read the policy file {}: {e}",
                path.display()
            ))
        })?;
        Policy::from_toml_str(&text)
            .map_err(|e| config(format!("policy file {}: {}", path.display(), e.message())))
    }

    /// Reads a policy from TOML text. Every key is optional (a missing one keeps its default); an
    /// unknown key, an unknown rule ID in `disabled_rules` or a value out of range is a
    /// [`ErrorKind::Config`] error naming it, so that a typo cannot silently weaken an audit.
    pub fn from_toml_str(text: &str) -> Result<Policy, Error> {
        let file: PolicySettings = toml::from_str(text).map_err(|e| {
            config(format!(
                "invalid policy: {}",
                e.to_string().trim_end().replace('\n', " ")
            ))
        })?;
        Policy::from_settings(file)
    }

    /// The default policy with these settings applied, checked as [`Policy::from_toml_str`]
    /// checks a file.
    pub fn from_settings(file: PolicySettings) -> Result<Policy, Error> {
        let mut p = Policy::default();
        if let Some(v) = file.fail_on {
            p.fail_on = v;
        }
        if let Some(ids) = file.disabled_rules {
            for id in &ids {
                if rule(id).is_none() {
                    let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                    return Err(config(format!(
                        "invalid policy: disabled_rules names {id:?}, which is not a rule (rules: {})",
                        known.join(", ")
                    )));
                }
            }
            p.disabled_rules = ids;
        }
        if let Some(roles) = file.allowed_autocreate_roles {
            p.allowed_autocreate_roles = roles.iter().map(|r| r.trim().to_string()).collect();
        }
        if let Some(extra) = file.public_email_domains {
            for d in extra {
                let d = normalize_domain(&d);
                if d.is_empty() {
                    return Err(config(
                        "invalid policy: public_email_domains holds an empty domain".into(),
                    ));
                }
                if !p.public_email_domains.contains(&d) {
                    p.public_email_domains.push(d);
                }
            }
        }
        if let Some(types) = file.allowed_salesforce_org_types {
            p.allowed_salesforce_org_types = types;
        }
        if let Some(hosts) = file.allowed_salesforce_hosts {
            let hosts: Vec<String> = hosts.iter().map(|h| normalize_domain(h)).collect();
            if hosts.iter().any(String::is_empty) {
                return Err(config(
                    "invalid policy: allowed_salesforce_hosts holds an empty domain".into(),
                ));
            }
            p.allowed_salesforce_hosts = hosts;
        }
        if let Some(days) = file.idp_metadata_expiry_warning_days {
            if days > 3650 {
                return Err(config(format!(
                    "invalid policy: idp_metadata_expiry_warning_days must be at most 3650, got {days}"
                )));
            }
            p.idp_metadata_expiry_warning_days = days;
        }
        Ok(p)
    }

    /// Whether the policy turns this rule off.
    pub fn is_disabled(&self, id: &str) -> bool {
        self.disabled_rules.iter().any(|d| d == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default_policy() {
        assert_eq!(Policy::from_toml_str("").unwrap(), Policy::default());
    }

    #[test]
    fn every_key_is_read_and_domains_extend_the_builtin_list() {
        let p = Policy::from_toml_str(
            r#"
            fail_on = "never"
            disabled_rules = ["DDORG-SFDC-003"]
            allowed_autocreate_roles = ["ro"]
            public_email_domains = ["@Example-Mail.COM.", "gmail.com"]
            allowed_salesforce_org_types = ["Production", "Sandbox"]
            allowed_salesforce_hosts = ["salesforce.com"]
            idp_metadata_expiry_warning_days = 7
            "#,
        )
        .unwrap();
        assert_eq!(p.fail_on, FailOn::Never);
        assert!(p.is_disabled("DDORG-SFDC-003"));
        assert_eq!(p.allowed_autocreate_roles, ["ro"]);
        assert_eq!(
            p.public_email_domains.len(),
            BUILTIN_PUBLIC_EMAIL_DOMAINS.len() + 1
        );
        assert!(p
            .public_email_domains
            .contains(&"example-mail.com".to_string()));
        assert_eq!(p.allowed_salesforce_hosts, ["salesforce.com"]);
        assert_eq!(p.idp_metadata_expiry_warning_days, 7);
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_that_name_them() {
        let e = Policy::from_toml_str("fail_onn = \"low\"").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.message().contains("fail_onn"), "{e}");
        let e = Policy::from_toml_str("disabled_rules = [\"DDORG-SAML-010\"]").unwrap_err();
        assert!(e.message().contains("DDORG-SAML-010"), "{e}");
        let e = Policy::from_toml_str("fail_on = \"severe\"").unwrap_err();
        assert!(e.message().contains("severe"), "{e}");
        assert!(Policy::from_toml_str("idp_metadata_expiry_warning_days = -1").is_err());
        assert!(Policy::from_toml_str("not toml").is_err());
    }
}
