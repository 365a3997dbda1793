//! Compliance controls a rule maps to (NIST SP 800-53, CIS Controls, SOC 2), and their SARIF tags.
//!
//! A reviewer who must show an auditor which control a finding touches reads it here once: the
//! catalog (`rules.rs`) names each rule's controls, the JSON report copies them into every
//! finding, docs/audit.md lists them, and SARIF carries them as `external/<framework>/<id>` tags.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

/// A compliance framework rules are mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Framework {
    /// NIST SP 800-53 Revision 5 (controls such as `IA-2`, `IA-2(1)`).
    Nist80053,
    /// CIS Critical Security Controls version 8 (safeguards such as `6.3`).
    CisV8,
    /// AICPA SOC 2 Trust Services Criteria (2017, revised points of focus 2022), e.g. `CC6.1`.
    Soc2,
}

impl Framework {
    /// Every framework, in the order reports list them.
    pub const ALL: &'static [Framework] =
        &[Framework::Nist80053, Framework::CisV8, Framework::Soc2];

    /// The short name used in JSON and in SARIF tags: `nist-800-53`, `cis-v8`, `soc2`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Framework::Nist80053 => "nist-800-53",
            Framework::CisV8 => "cis-v8",
            Framework::Soc2 => "soc2",
        }
    }

    /// The name a reader knows, with the revision: `NIST SP 800-53 Rev. 5`, ….
    pub const fn title(self) -> &'static str {
        match self {
            Framework::Nist80053 => "NIST SP 800-53 Rev. 5",
            Framework::CisV8 => "CIS Controls v8",
            Framework::Soc2 => "SOC 2 (2017 Trust Services Criteria)",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Framework {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One control of one framework, e.g. NIST SP 800-53 `IA-2(1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Control {
    /// The framework.
    pub framework: Framework,
    /// The control's ID as the framework writes it: `IA-2(1)`, `6.3`, `CC6.1`.
    pub id: &'static str,
}

impl Control {
    /// The SARIF tag GitHub code scanning and other dashboards filter on:
    /// `external/nist-800-53/IA-2(1)`, `external/cis-v8/6.3`, `external/soc2/CC6.1`.
    pub fn sarif_tag(&self) -> String {
        format!("external/{}/{}", self.framework.as_str(), self.id)
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.framework.title(), self.id)
    }
}

/// A compliance control as a report's finding names it:
/// `{"framework": "nist-800-53", "id": "IA-2"}` (owned, so that a report reads back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlRef {
    /// `nist-800-53` (Rev. 5), `cis-v8` or `soc2`.
    pub framework: String,
    /// The control's ID, e.g. `IA-2(1)`, `6.3`, `CC6.1`.
    pub id: String,
}

impl From<&Control> for ControlRef {
    fn from(c: &Control) -> ControlRef {
        ControlRef {
            framework: c.framework.as_str().to_string(),
            id: c.id.to_string(),
        }
    }
}

pub(crate) const fn nist(id: &'static str) -> Control {
    Control {
        framework: Framework::Nist80053,
        id,
    }
}

pub(crate) const fn cis(id: &'static str) -> Control {
    Control {
        framework: Framework::CisV8,
        id,
    }
}

pub(crate) const fn soc2(id: &'static str) -> Control {
    Control {
        framework: Framework::Soc2,
        id,
    }
}

/// The SARIF `properties.tags` of a rule: `security`, then one `external/…` tag per control.
///
/// ```
/// let tags = ddorg_audit::sarif_tags(ddorg_audit::rule("DDORG-SAML-002").unwrap());
/// assert_eq!(tags[0], "security");
/// assert!(tags.iter().any(|t| t == "external/nist-800-53/IA-2(1)"));
/// ```
pub fn sarif_tags(rule: &crate::rules::Rule) -> Vec<String> {
    std::iter::once("security".to_string())
        .chain(rule.controls.iter().map(Control::sarif_tag))
        .collect()
}
