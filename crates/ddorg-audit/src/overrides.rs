//! Policy overrides (`[[overrides]]`): settings for the fleet orgs that carry a tag.
//!
//! A sandbox fleet can keep its own threshold, disabled rules and allowlists without a second
//! policy file: `tags = ["sandbox"]` plus any policy key but `exceptions` and `overrides`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::policy::{Policy, PolicySettings};
use crate::report::OrgReport;

/// Settings applied on top of the policy for orgs with one of `tags`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyOverride {
    /// The fleet tags it applies to: an org with any of them gets its settings.
    pub tags: Vec<String>,
    /// The settings it changes; `exceptions` and `overrides` are never set here.
    pub settings: PolicySettings,
}

impl PolicyOverride {
    /// An override of `settings` for orgs with any of `tags`.
    pub fn new(tags: Vec<String>, settings: PolicySettings) -> PolicyOverride {
        PolicyOverride { tags, settings }
    }

    /// Whether an org with these tags gets this override.
    pub fn applies_to(&self, tags: &[String]) -> bool {
        self.tags.iter().any(|t| tags.contains(t))
    }

    /// Checks the override; `Err` names the key.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.tags.is_empty() || self.tags.iter().any(|t| t.trim().is_empty()) {
            return Err(
                "`tags` is required and holds no empty tag: the fleet tags it is for".into(),
            );
        }
        if self.settings.exceptions.is_some() || self.settings.overrides.is_some() {
            return Err(
                "`exceptions` and `overrides` belong at the top of the policy, not in an override"
                    .into(),
            );
        }
        self.settings.check()
    }
}

impl OrgReport {
    /// Records the org's fleet tags and the threshold the policy's overrides give them.
    pub fn set_tags(&mut self, tags: &[String], policy: &Policy) {
        self.tags = tags.to_vec();
        self.fail_on = policy.override_fail_on(tags);
    }
}

/// Written flat, as in the file: `tags` next to the policy keys it sets.
impl Serialize for PolicyOverride {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut v = serde_json::to_value(&self.settings).map_err(serde::ser::Error::custom)?;
        if let Some(map) = v.as_object_mut() {
            map.insert("tags".into(), serde_json::Value::from(self.tags.clone()));
        }
        v.serialize(s)
    }
}

/// Read flat: `tags`, then every other key as a [`PolicySettings`] key (an unknown one is an
/// error naming it).
impl<'de> Deserialize<'de> for PolicyOverride {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut table = toml::Table::deserialize(d)?;
        let tags = match table.remove("tags") {
            None => return Err(D::Error::custom("an override needs `tags = [...]`")),
            Some(v) => Vec::<String>::deserialize(v)
                .map_err(|e| D::Error::custom(format!("tags: {}", e.message())))?,
        };
        let settings = PolicySettings::deserialize(toml::Value::Table(table))
            .map_err(|e| D::Error::custom(e.message().to_string()))?;
        Ok(PolicyOverride { tags, settings })
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;
    use crate::severity::FailOn;

    const POLICY: &str = r#"
        fail_on = "medium"
        disabled_rules = ["DDORG-SFDC-003"]

        [[overrides]]
        tags = ["sandbox", "dev"]
        fail_on = "never"
        disabled_rules = ["DDORG-SHARE-001"]
        allowed_salesforce_org_types = ["Production", "Sandbox"]

        [[overrides]]
        tags = ["eu"]
        allowed_jit_domains = ["example.eu"]
    "#;

    #[test]
    fn overrides_apply_in_order_to_orgs_with_their_tags() {
        let p = Policy::from_toml_str(POLICY).unwrap();
        assert_eq!(
            p.for_tags(&[]).fail_on,
            FailOn::AtOrAbove(crate::Severity::Medium)
        );
        assert!(matches!(
            p.for_tags(&["prod".into()]),
            std::borrow::Cow::Borrowed(_)
        ));
        let dev = p.for_tags(&["dev".into(), "eu".into()]);
        assert_eq!(dev.fail_on, FailOn::Never);
        assert_eq!(dev.disabled_rules, ["DDORG-SHARE-001"]);
        assert_eq!(dev.allowed_salesforce_org_types, ["Production", "Sandbox"]);
        assert_eq!(
            dev.allowed_jit_domains.as_deref(),
            Some(&["example.eu".to_string()][..])
        );
        assert_eq!(p.override_fail_on(&["sandbox".into()]), Some(FailOn::Never));
        assert_eq!(p.override_fail_on(&["eu".into()]), None);
    }

    #[test]
    fn the_report_form_reads_back_the_same() {
        let p = Policy::from_toml_str(POLICY).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""tags":["sandbox","dev"]"#), "{json}");
        let back: Policy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn mistakes_in_an_override_are_named() {
        for (text, needle) in [
            ("[[overrides]]\nfail_on = \"never\"\n", "needs `tags"),
            ("[[overrides]]\ntags = []\nfail_on = \"never\"\n", "`tags` is required"),
            ("[[overrides]]\ntags = [\"a\"]\nfail_onn = \"never\"\n", "fail_onn"),
            (
                "[[overrides]]\ntags = [\"a\"]\ndisabled_rules = [\"DDORG-X-1\"]\n",
                "DDORG-X-1",
            ),
            (
                "[[overrides]]\ntags = [\"a\"]\n[[overrides.exceptions]]\nrule = \"DDORG-SHARE-001\"\n",
                "belong at the top",
            ),
        ] {
            let e = Policy::from_toml_str(text).unwrap_err();
            assert!(e.message().contains(needle), "{text:?}: {e}");
        }
    }
}
