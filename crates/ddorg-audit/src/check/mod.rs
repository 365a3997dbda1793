//! The rules' logic: a pure function of the two decoded responses, the policy and the time.
//!
//! The rules read the responses through their JSON form (what ddorg serializes equals what it
//! received), so evidence names exact JSON paths and values, a `null` is told apart from an absent
//! field, and fields the schema does not document (`saml_idp_metadata_valid_until`) are read the
//! same way as documented ones.

mod endpoints;
mod salesforce;
mod saml;

use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse, Site};
use serde_json::{Map, Value};

use crate::policy::Policy;
use crate::report::{Finding, NotEvaluated, Observed};
use crate::rules::{Rule, RULES};
use crate::timestamp::UnixSeconds;

/// What the Salesforce call gave.
#[derive(Clone, Copy, Debug)]
pub enum SalesforceInput<'a> {
    /// The list of connected Salesforce orgs.
    Listed(&'a SalesforceIncidentsOrganizationsResponse),
    /// The list could not be read; the SFDC rules are not evaluated, for this reason (e.g.
    /// "HTTP 403: the key lacks the integrations_read permission").
    Unavailable(&'a str),
}

/// The result of every rule for one org.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Evaluation {
    /// The rules that fired, in rule order (a Salesforce rule once per Salesforce org).
    pub findings: Vec<Finding>,
    /// The rules that could not be evaluated, with the reason, in rule order.
    pub not_evaluated: Vec<NotEvaluated>,
    /// The rules evaluated that did not fire, in rule order.
    pub passed: Vec<String>,
    /// The settings read, as received.
    pub observed: Observed,
}

/// Evaluates every rule of [`RULES`] against one org's responses, the org's Datadog site
/// unknown (DDORG-SAML-012 then accepts a login URL on any Datadog site); see
/// [`evaluate_on_site`].
pub fn evaluate(
    org: &OrganizationResponse,
    salesforce: SalesforceInput<'_>,
    policy: &Policy,
    now: UnixSeconds,
) -> Evaluation {
    evaluate_on_site(org, salesforce, policy, now, None)
}

/// Evaluates every rule of [`RULES`] against one org's responses, for an org on `site` (the
/// site the audit's client talked to; `None` when unknown, e.g. a custom base URL).
///
/// Pure: no I/O and no clock (`now` is the time DDORG-SAML-009 compares with), so the same
/// inputs always give the same evaluation. A rule whose input is absent or `null`, or that does
/// not apply (SAML off for a SAML rule), or that the policy disables, is not evaluated, with the
/// reason; it is never passed.
pub fn evaluate_on_site(
    org: &OrganizationResponse,
    salesforce: SalesforceInput<'_>,
    policy: &Policy,
    now: UnixSeconds,
    site: Option<Site>,
) -> Evaluation {
    // Serializing a decoded model cannot fail: it holds only JSON values.
    let org_json = serde_json::to_value(org).unwrap_or(Value::Null);
    let settings = match org_json.get("org") {
        None | Some(Value::Null) => Err("the response has no `org` object".to_string()),
        Some(o) => match o.get("settings") {
            None => Err("the response has no org.settings".to_string()),
            Some(Value::Null) => Err("org.settings is null".to_string()),
            Some(s) => Ok(s),
        },
    };
    let sf_json = match salesforce {
        SalesforceInput::Listed(list) => {
            let v = serde_json::to_value(list).unwrap_or(Value::Null);
            match v.get("data") {
                Some(Value::Array(items)) => Ok(items.clone()),
                _ => Err("the Salesforce list has no `data` array".to_string()),
            }
        }
        SalesforceInput::Unavailable(reason) => Err(reason.to_string()),
    };
    let ctx = Ctx {
        settings: settings.as_deref().map_err(String::clone),
        salesforce: sf_json.as_deref().map_err(String::clone),
        policy,
        now,
        site,
    };
    let mut out = Evaluation {
        observed: Observed {
            settings: settings.as_ref().ok().map(|s| (*s).clone()),
            salesforce_organizations: sf_json.as_ref().ok().cloned(),
            name: org_json
                .get("org")
                .and_then(|o| o.get("name"))
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        ..Evaluation::default()
    };
    for rule in RULES {
        if policy.is_disabled(rule.id) {
            out.not_evaluated.push(NotEvaluated {
                rule: rule.id.into(),
                subject: None,
                reason: "disabled by the policy (disabled_rules)".into(),
            });
            continue;
        }
        let outcome = match check_of(rule.id) {
            Some(check) => check(&ctx).unwrap_or_else(Outcome::skipped),
            None => Outcome::skipped(format!("{} has no check in this version", rule.id)),
        };
        out.add(rule, outcome);
    }
    out
}

impl Evaluation {
    fn add(&mut self, rule: &'static Rule, outcome: Outcome) {
        if outcome.hits.is_empty() && outcome.skips.is_empty() {
            self.passed.push(rule.id.into());
        }
        for hit in outcome.hits {
            self.findings
                .push(Finding::new(rule, hit.subject, hit.detail, hit.evidence));
        }
        for (subject, reason) in outcome.skips {
            self.not_evaluated.push(NotEvaluated {
                rule: rule.id.into(),
                subject,
                reason,
            });
        }
    }
}

struct Hit {
    subject: Option<String>,
    detail: String,
    evidence: Map<String, Value>,
}

/// What one rule made of one org: no hits and no skips is a pass.
#[derive(Default)]
struct Outcome {
    hits: Vec<Hit>,
    skips: Vec<(Option<String>, String)>,
}

impl Outcome {
    fn pass() -> Outcome {
        Outcome::default()
    }

    fn fire(detail: String, evidence: Map<String, Value>) -> Outcome {
        Outcome {
            hits: vec![Hit {
                subject: None,
                detail,
                evidence,
            }],
            skips: Vec::new(),
        }
    }

    fn skipped(reason: String) -> Outcome {
        Outcome {
            hits: Vec::new(),
            skips: vec![(None, reason)],
        }
    }
}

/// A rule's check: `Err` is a reason the whole rule could not be evaluated.
type Check = fn(&Ctx<'_>) -> Result<Outcome, String>;

fn check_of(id: &str) -> Option<Check> {
    Some(match id {
        "DDORG-SAML-001" => saml::saml_off,
        "DDORG-SAML-002" => saml::strict_mode_off,
        "DDORG-SAML-003" => saml::idp_initiated_login,
        "DDORG-SAML-004" => saml::jit_admin_role,
        "DDORG-SAML-005" => saml::jit_domain_not_allowed,
        "DDORG-SAML-006" => saml::jit_role_not_allowed,
        "DDORG-SAML-007" => saml::idp_endpoint_not_https,
        "DDORG-SAML-008" => saml::no_idp_metadata,
        "DDORG-SAML-009" => saml::idp_metadata_expiry,
        "DDORG-SAML-010" => saml::saml_impossible,
        "DDORG-SAML-011" => endpoints::idp_endpoint_host,
        "DDORG-SAML-012" => endpoints::login_url,
        "DDORG-SAML-013" => endpoints::staged_while_off,
        "DDORG-SHARE-001" => widget_sharing,
        "DDORG-SFDC-001" => salesforce::salesforce_instance_url,
        "DDORG-SFDC-002" => salesforce::salesforce_org_type_allowed,
        "DDORG-SFDC-003" => salesforce::salesforce_org_type_known,
        _ => return None,
    })
}

struct Ctx<'a> {
    settings: Result<&'a Value, String>,
    salesforce: Result<&'a [Value], String>,
    policy: &'a Policy,
    now: UnixSeconds,
    site: Option<Site>,
}

/// The JSON path of a setting, as evidence and reasons name it.
fn setting_path(path: &str) -> String {
    format!("settings.{path}")
}

impl<'a> Ctx<'a> {
    /// The value at a dotted path under `org.settings`; `Err` says it is absent or null.
    fn at(&self, path: &str) -> Result<&'a Value, String> {
        let mut v = self.settings.clone()?;
        for key in path.split('.') {
            v = match v.get(key) {
                Some(next) => next,
                None => return Err(format!("{} is absent", setting_path(path))),
            };
        }
        if v.is_null() {
            return Err(format!("{} is null", setting_path(path)));
        }
        Ok(v)
    }

    fn bool(&self, path: &str) -> Result<bool, String> {
        let v = self.at(path)?;
        v.as_bool()
            .ok_or_else(|| format!("{} is {v}, not true or false", setting_path(path)))
    }

    fn str(&self, path: &str) -> Result<&'a str, String> {
        let v = self.at(path)?;
        v.as_str()
            .ok_or_else(|| format!("{} is {v}, not a string", setting_path(path)))
    }

    fn ev(&self, paths: &[&str]) -> Map<String, Value> {
        paths
            .iter()
            .map(|p| {
                let v = self.at(p).cloned().unwrap_or(Value::Null);
                (setting_path(p), v)
            })
            .collect()
    }

    /// `Ok` when SAML is on; otherwise the reason a rule about `what` is not evaluated.
    fn saml_on(&self, what: &str) -> Result<(), String> {
        if self.bool("saml.enabled")? {
            Ok(())
        } else {
            Err(format!(
                "SAML is off (settings.saml.enabled is false): {what} only takes effect when SAML is on"
            ))
        }
    }

    /// `Ok(true)` when just-in-time provisioning is on (SAML on and domains enabled).
    fn jit_on(&self) -> Result<bool, String> {
        self.saml_on("just-in-time provisioning")?;
        self.bool("saml_autocreate_users_domains.enabled")
    }
}

fn widget_sharing(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.bool("private_widget_share")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "settings.private_widget_share is true: widgets can be shared with anyone who has the link"
            .into(),
        c.ev(&["private_widget_share"]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_check() {
        for r in RULES {
            assert!(check_of(r.id).is_some(), "{}", r.id);
        }
    }
}
