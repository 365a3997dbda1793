//! [`Policy`]: what the rules allow, with a default for every setting, read from `POLICY.toml`.

use std::borrow::Cow;
use std::path::Path;

use ddorg_core::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

use crate::domains::normalize_domain;
pub use crate::domains::BUILTIN_PUBLIC_EMAIL_DOMAINS;
use crate::exceptions::{Exception, ExceptionSettings};
use crate::overrides::PolicyOverride;
use crate::rules::{rule, RULES};
use crate::severity::FailOn;

/// The Salesforce org types Datadog documents (DDORG-SFDC-003 reports any other).
pub const KNOWN_SALESFORCE_ORG_TYPES: &[&str] = &["Production", "Sandbox"];

/// The Salesforce domains an `instance_url` host may be or be under (DDORG-SFDC-001), by default.
///
/// From Salesforce's My Domain URL formats (help.salesforce.com, "My Domain URL Formats" and
/// "Partitioned Domains") and the Salesforce CLI's own list (forcedotcom/sfdx-core,
/// `src/util/sfdcUrl.ts`: `isSalesforceDomain`, `toLightningDomain`):
/// - commercial orgs, Hyperforce and Government Cloud Plus (FedRAMP High) alike:
///   `<name>.my.salesforce.com`, sandboxes `<name>--<sandbox>.sandbox.my.salesforce.com`,
///   partitions `<name>.develop|scratch|demo|free|patch.my.salesforce.com`, instanced
///   `na139.salesforce.com`, and `*.force.com` (`<name>.lightning.force.com`);
/// - `*.cloudforce.com` (older instanced orgs) and `*.my-salesforce.com` (alternative domains);
/// - Government Cloud Plus – Defense (DoD IL5): `<name>.my.salesforce.mil`,
///   `*.lightning.crmforce.mil`, `*.force.mil`, `*.cloudforce.mil`;
/// - Salesforce on Alibaba Cloud (China): `<name>.my.sfcrmproducts.cn`, `*.sfcrmapps.cn`.
pub const DEFAULT_SALESFORCE_HOSTS: &[&str] = &[
    "salesforce.com",
    "force.com",
    "cloudforce.com",
    "my-salesforce.com",
    "salesforce.mil",
    "force.mil",
    "crmforce.mil",
    "cloudforce.mil",
    "sfcrmproducts.cn",
    "sfcrmapps.cn",
];

/// What the audit allows. Every setting has a default (see [`Policy::default`]); the report
/// records the effective policy, so a reader knows exactly what was checked.
///
/// ```
/// let policy = ddorg_audit::Policy::from_toml_str(r#"
///     fail_on = "medium"
///     allowed_autocreate_roles = ["ro"]
///     public_email_domains = ["example-free-mail.com"]
///
///     [[exceptions]]
///     rule = "DDORG-SHARE-001"
///     orgs = ["status-page-*"]
///     reason = "public status dashboards, reviewed by security"
///     expires = 2027-06-30
///
///     [[overrides]]
///     tags = ["sandbox"]
///     fail_on = "never"
/// "#)?;
/// assert!(policy.public_email_domains.iter().any(|d| d == "gmail.com"));
/// assert_eq!(policy.for_tags(&["sandbox".into()]).fail_on, ddorg_audit::FailOn::Never);
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
    /// Domains treated as public email providers (DDORG-SAML-005), lowercase patterns: the
    /// built-in list ([`BUILTIN_PUBLIC_EMAIL_DOMAINS`]) plus the policy's own. Defaults to the
    /// built-in list.
    pub public_email_domains: Vec<String>,
    /// Salesforce org types allowed (DDORG-SFDC-002). Defaults to `Production`.
    pub allowed_salesforce_org_types: Vec<String>,
    /// Domains a Salesforce `instance_url` host must be or be under (DDORG-SFDC-001), lowercase.
    /// Defaults to [`DEFAULT_SALESFORCE_HOSTS`].
    pub allowed_salesforce_hosts: Vec<String>,
    /// How many days before the IdP metadata's end of validity DDORG-SAML-009 warns. Defaults
    /// to 30.
    pub idp_metadata_expiry_warning_days: u32,
    /// Host patterns the SAML IdP endpoint must match (DDORG-SAML-011): `okta.com` (itself and
    /// its subdomains), `*.okta.com` (subdomains only) or a glob (`login-*.example.com`).
    /// Defaults to none set: only the structural checks (localhost, private addresses, IP
    /// literals) apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_idp_hosts: Option<Vec<String>>,
    /// The only just-in-time domains allowed (DDORG-SAML-005 fires for any other), as domain
    /// patterns. Defaults to none set: only public email domains fire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_jit_domains: Option<Vec<String>>,
    /// Accepted findings ([`Exception`]), in policy order. Defaults to none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Exception>,
    /// Settings for orgs with a fleet tag ([`PolicyOverride`]), applied in policy order on top
    /// of the rest. Defaults to none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<PolicyOverride>,
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
            allowed_salesforce_hosts: DEFAULT_SALESFORCE_HOSTS
                .iter()
                .map(|d| d.to_string())
                .collect(),
            idp_metadata_expiry_warning_days: 30,
            allowed_idp_hosts: None,
            allowed_jit_domains: None,
            exceptions: Vec::new(),
            overrides: Vec::new(),
        }
    }
}

/// A policy as written, every setting optional (a missing one keeps its default): what
/// `POLICY.toml` holds (an unknown key is an error naming it) and what the bindings' keyword
/// arguments give. [`Policy::from_settings`] checks it. In an `[[overrides]]` table the same
/// keys (but `exceptions` and `overrides`) apply on top of the policy for orgs with its tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicySettings {
    /// See [`Policy::fail_on`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<FailOn>,
    /// See [`Policy::disabled_rules`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_rules: Option<Vec<String>>,
    /// See [`Policy::allowed_autocreate_roles`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_autocreate_roles: Option<Vec<String>>,
    /// Domains added to [`BUILTIN_PUBLIC_EMAIL_DOMAINS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_email_domains: Option<Vec<String>>,
    /// See [`Policy::allowed_salesforce_org_types`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_salesforce_org_types: Option<Vec<String>>,
    /// See [`Policy::allowed_salesforce_hosts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_salesforce_hosts: Option<Vec<String>>,
    /// See [`Policy::idp_metadata_expiry_warning_days`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_metadata_expiry_warning_days: Option<u32>,
    /// See [`Policy::allowed_idp_hosts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_idp_hosts: Option<Vec<String>>,
    /// See [`Policy::allowed_jit_domains`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_jit_domains: Option<Vec<String>>,
    /// `[[exceptions]]`: see [`Exception`]; `rule`, `orgs`, `reason` and `expires` are required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<Vec<ExceptionSettings>>,
    /// `[[overrides]]`: see [`PolicyOverride`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Vec<PolicyOverride>>,
}

fn config(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
}

/// Normalized domain patterns, or the name of the key that holds an empty one.
fn domains(key: &str, list: &[String]) -> Result<Vec<String>, String> {
    let out: Vec<String> = list.iter().map(|d| normalize_domain(d)).collect();
    if out.iter().any(|d| d.is_empty() || d == "*" || d == "*.") {
        return Err(format!(
            "{key} holds an empty domain (or a bare `*`, which would match everything)"
        ));
    }
    Ok(out)
}

impl PolicySettings {
    /// Checks every setting but `exceptions` and `overrides`; `Err` names the key.
    pub(crate) fn check(&self) -> Result<(), String> {
        if let Some(ids) = &self.disabled_rules {
            if let Some(id) = ids.iter().find(|id| rule(id).is_none()) {
                let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                return Err(format!(
                    "disabled_rules names {id:?}, which is not a rule (rules: {})",
                    known.join(", ")
                ));
            }
        }
        for (key, list) in [
            ("public_email_domains", &self.public_email_domains),
            ("allowed_salesforce_hosts", &self.allowed_salesforce_hosts),
            ("allowed_idp_hosts", &self.allowed_idp_hosts),
            ("allowed_jit_domains", &self.allowed_jit_domains),
        ] {
            if let Some(list) = list {
                domains(key, list)?;
            }
        }
        if let Some(days) = self.idp_metadata_expiry_warning_days {
            if days > 3650 {
                return Err(format!(
                    "idp_metadata_expiry_warning_days must be at most 3650, got {days}"
                ));
            }
        }
        Ok(())
    }

    /// Applies the (checked) settings but `exceptions` and `overrides` to `p`.
    pub(crate) fn apply_to(&self, p: &mut Policy) {
        let norm = |list: &[String]| list.iter().map(|d| normalize_domain(d)).collect();
        if let Some(v) = self.fail_on {
            p.fail_on = v;
        }
        if let Some(ids) = &self.disabled_rules {
            p.disabled_rules = ids.clone();
        }
        if let Some(roles) = &self.allowed_autocreate_roles {
            p.allowed_autocreate_roles = roles.iter().map(|r| r.trim().to_string()).collect();
        }
        if let Some(extra) = &self.public_email_domains {
            for d in extra.iter().map(|d| normalize_domain(d)) {
                if !p.public_email_domains.contains(&d) {
                    p.public_email_domains.push(d);
                }
            }
        }
        if let Some(types) = &self.allowed_salesforce_org_types {
            p.allowed_salesforce_org_types = types.clone();
        }
        if let Some(hosts) = &self.allowed_salesforce_hosts {
            p.allowed_salesforce_hosts = norm(hosts);
        }
        if let Some(days) = self.idp_metadata_expiry_warning_days {
            p.idp_metadata_expiry_warning_days = days;
        }
        if let Some(hosts) = &self.allowed_idp_hosts {
            p.allowed_idp_hosts = Some(norm(hosts));
        }
        if let Some(d) = &self.allowed_jit_domains {
            p.allowed_jit_domains = Some(norm(d));
        }
    }
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
    /// unknown key, an unknown rule ID, a value out of range, or an exception without `reason`
    /// or `expires` is a [`ErrorKind::Config`] error naming it, so that a typo cannot silently
    /// weaken an audit.
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
        let invalid = |m: String| config(format!("invalid policy: {m}"));
        file.check().map_err(invalid)?;
        let mut p = Policy::default();
        file.apply_to(&mut p);
        for (i, e) in file.exceptions.iter().flatten().enumerate() {
            let rule = e
                .rule
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let e = e
                .check()
                .map_err(|m| invalid(format!("exceptions[{i}]{rule}: {m}")))?;
            p.exceptions.push(e);
        }
        for (i, o) in file.overrides.iter().flatten().enumerate() {
            o.check()
                .map_err(|m| invalid(format!("overrides[{i}] (tags {:?}): {m}", o.tags)))?;
            p.overrides.push(o.clone());
        }
        Ok(p)
    }

    /// Whether the policy turns this rule off.
    pub fn is_disabled(&self, id: &str) -> bool {
        self.disabled_rules.iter().any(|d| d == id)
    }

    /// The policy for an org with these fleet tags: every `[[overrides]]` whose tags it has,
    /// applied in policy order on top of this one. Borrowed when none applies.
    pub fn for_tags(&self, tags: &[String]) -> Cow<'_, Policy> {
        let mut matching = self
            .overrides
            .iter()
            .filter(|o| o.applies_to(tags))
            .peekable();
        if matching.peek().is_none() {
            return Cow::Borrowed(self);
        }
        let mut p = self.clone();
        for o in matching {
            o.settings.apply_to(&mut p);
        }
        Cow::Owned(p)
    }

    /// The `fail_on` an override gives orgs with these tags (the last matching one that sets
    /// it), if any: such orgs keep it even when `--fail-on` changes the policy's.
    pub fn override_fail_on(&self, tags: &[String]) -> Option<FailOn> {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.applies_to(tags))
            .find_map(|o| o.settings.fail_on)
    }

    /// The exceptions that have expired at `now` (see [`Exception::is_expired`]).
    pub fn expired_exceptions(&self, now: crate::UnixSeconds) -> Vec<Exception> {
        self.exceptions
            .iter()
            .filter(|e| e.is_expired(now))
            .cloned()
            .collect()
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
            allowed_idp_hosts = ["Okta.com", "*.login.example"]
            allowed_jit_domains = ["example.com"]
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
        assert_eq!(
            p.allowed_idp_hosts.as_deref(),
            Some(&["okta.com".to_string(), "*.login.example".to_string()][..])
        );
        assert_eq!(
            p.allowed_jit_domains.as_deref(),
            Some(&["example.com".to_string()][..])
        );
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_that_name_them() {
        let e = Policy::from_toml_str("fail_onn = \"low\"").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.message().contains("fail_onn"), "{e}");
        let e = Policy::from_toml_str("disabled_rules = [\"DDORG-SAML-099\"]").unwrap_err();
        assert!(e.message().contains("DDORG-SAML-099"), "{e}");
        let e = Policy::from_toml_str("fail_on = \"severe\"").unwrap_err();
        assert!(e.message().contains("severe"), "{e}");
        assert!(Policy::from_toml_str("idp_metadata_expiry_warning_days = -1").is_err());
        assert!(Policy::from_toml_str("not toml").is_err());
        let e = Policy::from_toml_str("allowed_jit_domains = [\"*\"]").unwrap_err();
        assert!(e.message().contains("allowed_jit_domains"), "{e}");
    }
}
