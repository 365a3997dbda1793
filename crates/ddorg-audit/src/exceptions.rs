//! Policy exceptions (`[[exceptions]]`): accepted findings, each with a reason and an end date.
//!
//! An exception names one rule and the orgs it covers (names or public IDs, `*`/`?` globs). A
//! finding it covers stays in the report, marked with the exception, and no longer counts for
//! `fail_on`. From its `expires` date (00:00 UTC) on it covers nothing and the report lists it
//! as expired, so an acceptance cannot outlive its review without anyone noticing.

use serde::{Deserialize, Deserializer, Serialize};

use crate::hosts::glob;
use crate::report::OrgReport;
use crate::timestamp::{parse_date, UnixSeconds};

/// One accepted finding, as the effective policy records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Exception {
    /// The rule ID it excepts, e.g. `DDORG-SHARE-001`.
    pub rule: String,
    /// The orgs it covers: names or public IDs, with `*` and `?` globs (`"sandbox-*"`).
    pub orgs: Vec<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// The date (`YYYY-MM-DD`, UTC) from which it no longer applies.
    pub expires: String,
    /// Who accepted it (a person or team), if the policy says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl Exception {
    /// Whether it has expired at `now`: on or after 00:00 UTC of its `expires` date. An
    /// unreadable date (only possible in a hand-made policy) counts as expired.
    pub fn is_expired(&self, now: UnixSeconds) -> bool {
        parse_date(&self.expires).is_none_or(|t| now >= t)
    }

    /// Whether it covers the org with this name or public ID.
    pub fn covers(&self, name: &str, public_id: &str) -> bool {
        self.orgs
            .iter()
            .any(|p| glob(p, name) || glob(p, public_id))
    }
}

/// An exception applied to a finding, as the finding carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppliedException {
    /// The exception's reason.
    pub reason: String,
    /// The exception's end date (`YYYY-MM-DD`).
    pub expires: String,
    /// The exception's owner, if it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// An `[[exceptions]]` table as written: every field optional here so that a missing one is
/// reported by name (see `Policy::from_settings`), not as a parser message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExceptionSettings {
    /// See [`Exception::rule`].
    pub rule: Option<String>,
    /// See [`Exception::orgs`].
    pub orgs: Option<Vec<String>>,
    /// See [`Exception::reason`]. Required.
    pub reason: Option<String>,
    /// See [`Exception::expires`]. Required: a TOML date (`2027-03-31`) or a string of one.
    #[serde(default, deserialize_with = "date_or_string")]
    pub expires: Option<String>,
    /// See [`Exception::owner`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// `expires = 2027-03-31` (a TOML local date) and `expires = "2027-03-31"` both read as the text.
fn date_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => Ok(Some(s)),
        toml::Value::Datetime(dt) => Ok(Some(dt.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "expires must be a date YYYY-MM-DD, got a {}",
            other.type_str()
        ))),
    }
}

impl ExceptionSettings {
    /// The exception, checked; `Err` says what is missing or wrong (without the location, which
    /// the caller adds).
    pub(crate) fn check(&self) -> Result<Exception, String> {
        let rule = match self.rule.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => return Err("`rule` is required: the rule ID the exception is for".into()),
        };
        if crate::rules::rule(&rule).is_none() {
            return Err(format!("`rule` names {rule:?}, which is not a rule"));
        }
        let orgs: Vec<String> = match &self.orgs {
            Some(o) if !o.is_empty() => o.iter().map(|p| p.trim().to_string()).collect(),
            _ => {
                return Err(
                    "`orgs` is required: the org names or public IDs (globs allowed) it covers"
                        .into(),
                )
            }
        };
        if orgs.iter().any(String::is_empty) {
            return Err("`orgs` holds an empty name".into());
        }
        let reason = match self.reason.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => return Err("`reason` is required: say why the finding is accepted".into()),
        };
        let expires =
            match self.expires.as_deref().map(str::trim) {
                None | Some("") => return Err(
                    "`expires` is required: the date (YYYY-MM-DD) the acceptance is reviewed by"
                        .into(),
                ),
                Some(e) => e.to_string(),
            };
        if parse_date(&expires).is_none() {
            return Err(format!(
                "`expires` must be a date YYYY-MM-DD, got {expires:?}"
            ));
        }
        let owner = self
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string);
        Ok(Exception {
            rule,
            orgs,
            reason,
            expires,
            owner,
        })
    }
}

impl OrgReport {
    /// Marks every finding that an exception of `policy` unexpired at `now` covers (the first
    /// that does, in policy order); the audit does this for every org it audits. Call
    /// [`crate::Report::summarize`] afterwards if the org is already in a report.
    pub fn apply_exceptions(&mut self, policy: &crate::Policy, now: UnixSeconds) {
        apply(self, &policy.exceptions, now);
    }
}

/// Marks every finding of `org` that an unexpired exception covers (the first that does, in
/// policy order).
pub(crate) fn apply(org: &mut OrgReport, exceptions: &[Exception], now: UnixSeconds) {
    let live: Vec<&Exception> = exceptions
        .iter()
        .filter(|e| !e.is_expired(now) && e.covers(&org.name, &org.public_id))
        .collect();
    if live.is_empty() {
        return;
    }
    for f in &mut org.findings {
        if let Some(e) = live.iter().find(|e| e.rule == f.rule) {
            f.exception = Some(AppliedException {
                reason: e.reason.clone(),
                expires: e.expires.clone(),
                owner: e.owner.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ExceptionSettings {
        ExceptionSettings {
            rule: Some("DDORG-SHARE-001".into()),
            orgs: Some(vec!["sandbox-*".into()]),
            reason: Some("public status dashboards".into()),
            expires: Some("2027-03-31".into()),
            owner: Some("sre@example.com".into()),
        }
    }

    #[test]
    fn an_exception_expires_at_midnight_utc_of_its_date() {
        let e = settings().check().unwrap();
        let midnight = parse_date("2027-03-31").unwrap();
        assert!(!e.is_expired(midnight - 1));
        assert!(e.is_expired(midnight));
    }

    #[test]
    fn orgs_match_by_name_or_public_id_with_globs() {
        let e = settings().check().unwrap();
        assert!(e.covers("sandbox-eu", "abc"));
        assert!(!e.covers("prod-eu", "abc"));
        let mut by_id = settings();
        by_id.orgs = Some(vec!["abc12?".into()]);
        assert!(by_id.check().unwrap().covers("prod", "abc123"));
    }

    #[test]
    fn missing_or_bad_fields_are_named() {
        for (change, needle) in [
            (
                ExceptionSettings {
                    reason: None,
                    ..settings()
                },
                "`reason` is required",
            ),
            (
                ExceptionSettings {
                    expires: None,
                    ..settings()
                },
                "`expires` is required",
            ),
            (
                ExceptionSettings {
                    rule: None,
                    ..settings()
                },
                "`rule` is required",
            ),
            (
                ExceptionSettings {
                    orgs: Some(vec![]),
                    ..settings()
                },
                "`orgs` is required",
            ),
            (
                ExceptionSettings {
                    rule: Some("DDORG-NOPE-001".into()),
                    ..settings()
                },
                "DDORG-NOPE-001",
            ),
            (
                ExceptionSettings {
                    expires: Some("2027-02-30".into()),
                    ..settings()
                },
                "YYYY-MM-DD",
            ),
        ] {
            let e = change.check().unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
    }
}
