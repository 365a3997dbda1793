//! [`Severity`] of a rule and the [`FailOn`] threshold that turns findings into exit code 1.

use std::fmt;
use std::str::FromStr;

use ddorg_core::suggest::did_you_mean;
use ddorg_core::{Error, ErrorKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How bad a finding is. The names are a stable contract; ordered from `Info` (lowest) to
/// `Critical` (highest), so `severity >= Severity::High` reads as it sounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; not a weakness by itself.
    Info,
    /// A deviation from policy with little direct risk.
    Low,
    /// A weakness an attacker needs something else to exploit.
    Medium,
    /// A weakness that directly weakens authentication or exposes data.
    High,
    /// Anyone on the internet can become an administrator, or the like.
    Critical,
}

impl Severity {
    /// Every severity, highest first: the order reports list them in.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in every report and file: `"critical"` … `"info"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;

    /// The name in any letter case (`high`, `High`, `HIGH`), surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Severity, Error> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "unknown severity {s:?}{}: expected critical, high, medium, low or info",
                        did_you_mean(s.trim(), Severity::ALL.map(Severity::as_str))
                    ),
                )
            })
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Which findings make an audit fail (exit code 1): those at or above a severity, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailOn {
    /// Findings at or above this severity fail the audit.
    AtOrAbove(Severity),
    /// No finding fails the audit (`"never"`); errors still do.
    Never,
}

impl Default for FailOn {
    /// `high`: critical and high findings fail the audit.
    fn default() -> Self {
        FailOn::AtOrAbove(Severity::High)
    }
}

impl FailOn {
    /// Whether a finding of this severity fails the audit.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::AtOrAbove(threshold) => severity >= threshold,
            FailOn::Never => false,
        }
    }

    /// The name used in files and flags: a severity or `"never"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailOn::AtOrAbove(s) => s.as_str(),
            FailOn::Never => "never",
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FailOn {
    type Err = Error;

    /// A severity or `never`, in any letter case.
    fn from_str(s: &str) -> Result<FailOn, Error> {
        if s.trim().eq_ignore_ascii_case("never") {
            return Ok(FailOn::Never);
        }
        s.parse().map(FailOn::AtOrAbove).map_err(|_| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "unknown fail_on {s:?}{}: expected critical, high, medium, low, info or never",
                    did_you_mean(
                        s.trim(),
                        Severity::ALL
                            .map(Severity::as_str)
                            .into_iter()
                            .chain(["never"])
                    )
                ),
            )
        })
    }
}

impl Serialize for FailOn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_info_to_critical() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        }
        for name in ["High", "HIGH", " high "] {
            assert_eq!(name.parse::<Severity>().unwrap(), Severity::High);
        }
        assert!("higher".parse::<Severity>().is_err());
    }

    #[test]
    fn fail_on_counts_at_or_above_and_never_counts_nothing() {
        let high: FailOn = "high".parse().unwrap();
        assert!(high.fails(Severity::Critical) && high.fails(Severity::High));
        assert!(!high.fails(Severity::Medium));
        let never: FailOn = "never".parse().unwrap();
        assert!(Severity::ALL.iter().all(|s| !never.fails(*s)));
        assert_eq!(FailOn::default(), high);
        assert_eq!("NEVER".parse::<FailOn>().unwrap(), never);
        assert_eq!(
            "Medium".parse::<FailOn>().unwrap(),
            FailOn::AtOrAbove(Severity::Medium)
        );
        assert!("sometimes"
            .parse::<FailOn>()
            .unwrap_err()
            .to_string()
            .contains("never"));
    }
}
