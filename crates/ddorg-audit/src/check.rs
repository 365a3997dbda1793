//! The rules' logic: a pure function of the two decoded responses, the policy and the time.
//!
//! The rules read the responses through their JSON form (what ddorg serializes equals what it
//! received), so evidence names exact JSON paths and values, a `null` is told apart from an absent
//! field, and fields the schema does not document (`saml_idp_metadata_valid_until`) are read the
//! same way as documented ones.

use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{Map, Value};

use crate::policy::{normalize_domain, Policy, KNOWN_SALESFORCE_ORG_TYPES};
use crate::report::{Finding, NotEvaluated, Observed};
use crate::rules::{Rule, RULES};
use crate::timestamp::{format_rfc3339, parse_timestamp, UnixSeconds};

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

/// Evaluates every rule of [`RULES`] against one org's responses.
///
/// Pure: no I/O and no clock (`now` is the time DDORG-SAML-009 compares with), so the same
/// inputs always give the same evaluation. A rule whose input is absent or `null`, or that does
/// not apply (SAML off for a SAML rule), or that the policy disables, is not evaluated, with the
/// reason; it is never passed.
pub fn evaluate(
    org: &OrganizationResponse,
    salesforce: SalesforceInput<'_>,
    policy: &Policy,
    now: UnixSeconds,
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
        "DDORG-SAML-001" => saml_off,
        "DDORG-SAML-002" => strict_mode_off,
        "DDORG-SAML-003" => idp_initiated_login,
        "DDORG-SAML-004" => jit_admin_role,
        "DDORG-SAML-005" => jit_public_domain,
        "DDORG-SAML-006" => jit_role_not_allowed,
        "DDORG-SAML-007" => idp_endpoint_not_https,
        "DDORG-SAML-008" => no_idp_metadata,
        "DDORG-SAML-009" => idp_metadata_expiry,
        "DDORG-SHARE-001" => widget_sharing,
        "DDORG-SFDC-001" => salesforce_instance_url,
        "DDORG-SFDC-002" => salesforce_org_type_allowed,
        "DDORG-SFDC-003" => salesforce_org_type_known,
        _ => return None,
    })
}

struct Ctx<'a> {
    settings: Result<&'a Value, String>,
    salesforce: Result<&'a [Value], String>,
    policy: &'a Policy,
    now: UnixSeconds,
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

fn saml_off(c: &Ctx<'_>) -> Result<Outcome, String> {
    if c.bool("saml.enabled")? {
        return Ok(Outcome::pass());
    }
    if !c.bool("saml_can_be_enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is off (settings.saml.enabled is false) although settings.saml_can_be_enabled is true".into(),
        c.ev(&["saml.enabled", "saml_can_be_enabled"]),
    ))
}

fn strict_mode_off(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("strict mode")?;
    if c.bool("saml_strict_mode.enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is on but settings.saml_strict_mode.enabled is false: users can still log in with a password or Google".into(),
        c.ev(&["saml.enabled", "saml_strict_mode.enabled"]),
    ))
}

fn idp_initiated_login(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("IdP-initiated login")?;
    if !c.bool("saml_idp_initiated_login.enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "settings.saml_idp_initiated_login.enabled is true: Datadog accepts SAML assertions it did not ask for".into(),
        c.ev(&["saml.enabled", "saml_idp_initiated_login.enabled"]),
    ))
}

const JIT_PATHS: [&str; 2] = ["saml.enabled", "saml_autocreate_users_domains.enabled"];

fn jit_admin_role(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.jit_on()? {
        return Ok(Outcome::pass());
    }
    let role = c.str("saml_autocreate_access_role")?;
    if role != "adm" {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "just-in-time provisioning is on and settings.saml_autocreate_access_role is \"adm\": every new SAML user is an administrator".into(),
        c.ev(&[JIT_PATHS[0], JIT_PATHS[1], "saml_autocreate_access_role"]),
    ))
}

fn jit_public_domain(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.jit_on()? {
        return Ok(Outcome::pass());
    }
    let path = "saml_autocreate_users_domains.domains";
    let domains = c.at(path)?;
    let items = domains
        .as_array()
        .ok_or_else(|| format!("{} is {domains}, not a list", setting_path(path)))?;
    let public: Vec<Value> = items
        .iter()
        .filter(|d| {
            d.as_str()
                .is_some_and(|d| c.policy.public_email_domains.contains(&normalize_domain(d)))
        })
        .cloned()
        .collect();
    if public.is_empty() {
        return Ok(Outcome::pass());
    }
    let names: Vec<String> = public.iter().map(|d| d.to_string()).collect();
    let mut ev = c.ev(&[JIT_PATHS[0], JIT_PATHS[1], path]);
    ev.insert("public_email_domains_matched".into(), Value::Array(public));
    Ok(Outcome::fire(
        format!(
            "just-in-time provisioning admits the public email domain{} {}: anyone with such an address the IdP accepts gets a user",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
        ev,
    ))
}

fn jit_role_not_allowed(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.jit_on()? {
        return Ok(Outcome::pass());
    }
    let role = c.str("saml_autocreate_access_role")?;
    if c.policy.allowed_autocreate_roles.iter().any(|r| r == role) {
        return Ok(Outcome::pass());
    }
    let why = match role {
        "ERROR" => " (Datadog could not resolve the role)",
        "st" | "adm" | "ro" => "",
        _ => " (a role this version does not know)",
    };
    let mut ev = c.ev(&[JIT_PATHS[0], JIT_PATHS[1], "saml_autocreate_access_role"]);
    ev.insert(
        "policy.allowed_autocreate_roles".into(),
        Value::from(c.policy.allowed_autocreate_roles.clone()),
    );
    Ok(Outcome::fire(
        format!(
            "just-in-time users get the role {role:?}{why}, which is not in the policy's allowed roles ({})",
            c.policy.allowed_autocreate_roles.join(", ")
        ),
        ev,
    ))
}

/// The scheme and the lowercase host of a URL (userinfo and port removed), if it has both.
fn scheme_and_host(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then(|| (scheme.to_ascii_lowercase(), host))
}

fn idp_endpoint_not_https(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("the IdP endpoint")?;
    let path = "saml_idp_endpoint";
    let url = c.str(path)?;
    if url.trim().is_empty() {
        return Err(format!("{} is empty", setting_path(path)));
    }
    match scheme_and_host(url) {
        Some((scheme, _)) if scheme == "https" => Ok(Outcome::pass()),
        _ => Ok(Outcome::fire(
            format!("the SAML IdP endpoint {url:?} is not an https:// URL"),
            c.ev(&["saml.enabled", path]),
        )),
    }
}

fn no_idp_metadata(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("IdP metadata")?;
    if c.bool("saml_idp_metadata_uploaded")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is on but settings.saml_idp_metadata_uploaded is false".into(),
        c.ev(&["saml.enabled", "saml_idp_metadata_uploaded"]),
    ))
}

fn idp_metadata_expiry(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("the IdP metadata's validity")?;
    let path = "saml_idp_metadata_valid_until";
    let raw = c.at(path).map_err(|e| {
        if e.ends_with("absent") {
            format!("{e} (Datadog does not document this field; not every response carries it)")
        } else {
            e
        }
    })?;
    let until =
        parse_timestamp(raw).map_err(|e| format!("{} cannot be read: {e}", setting_path(path)))?;
    let warn_days = i64::from(c.policy.idp_metadata_expiry_warning_days);
    let left = until - c.now;
    if left >= warn_days * 86_400 {
        return Ok(Outcome::pass());
    }
    let when = format_rfc3339(until);
    let detail = if left <= 0 {
        format!(
            "the IdP metadata expired on {when}, {} day(s) ago",
            (-left) / 86_400
        )
    } else {
        format!(
            "the IdP metadata expires on {when}, in {} day(s): within the policy's {warn_days}-day warning",
            left / 86_400
        )
    };
    let mut ev = c.ev(&["saml.enabled", path]);
    ev.insert("valid_until_utc".into(), Value::from(when));
    ev.insert("audited_at_utc".into(), Value::from(format_rfc3339(c.now)));
    Ok(Outcome::fire(detail, ev))
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

/// Runs `check` on every connected Salesforce org's attribute `field`; an org whose attribute is
/// absent or null is not evaluated (for that org only).
fn per_salesforce_org(
    c: &Ctx<'_>,
    field: &str,
    check: impl Fn(&str, &str) -> Option<String>,
) -> Result<Outcome, String> {
    let items = c.salesforce.clone()?;
    let mut out = Outcome::default();
    for (i, item) in items.iter().enumerate() {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{i}"));
        let subject = Some(format!("salesforce:{id}"));
        let path = format!("salesforce_organizations[{id}].attributes.{field}");
        let value = item.get("attributes").and_then(|a| a.get(field));
        let text = match value {
            None => Err(format!("{path} is absent")),
            Some(Value::Null) => Err(format!("{path} is null")),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(other) => Err(format!("{path} is {other}, not a string")),
        };
        match text {
            Err(reason) => out.skips.push((subject, reason)),
            Ok(text) => {
                if let Some(detail) = check(&id, text) {
                    let mut ev = Map::new();
                    ev.insert(path, Value::from(text));
                    if let Some(name) = item.get("attributes").and_then(|a| a.get("name")) {
                        ev.insert(
                            format!("salesforce_organizations[{id}].attributes.name"),
                            name.clone(),
                        );
                    }
                    out.hits.push(Hit {
                        subject,
                        detail,
                        evidence: ev,
                    });
                }
            }
        }
    }
    Ok(out)
}

fn salesforce_instance_url(c: &Ctx<'_>) -> Result<Outcome, String> {
    let allowed = &c.policy.allowed_salesforce_hosts;
    per_salesforce_org(c, "instance_url", |id, url| {
        let Some((scheme, host)) = scheme_and_host(url) else {
            return Some(format!(
                "Salesforce org {id:?}: the instance URL {url:?} is not a URL with a host"
            ));
        };
        let host_ok = allowed
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")));
        match (scheme == "https", host_ok) {
            (true, true) => None,
            (false, true) => Some(format!(
                "Salesforce org {id:?}: the instance URL {url:?} is not HTTPS"
            )),
            (https, false) => Some(format!(
                "Salesforce org {id:?}: the instance URL {url:?} {}has the host {host:?}, outside the allowed domains ({})",
                if https { "" } else { "is not HTTPS and " },
                allowed.join(", ")
            )),
        }
    })
}

fn salesforce_org_type_allowed(c: &Ctx<'_>) -> Result<Outcome, String> {
    let allowed = &c.policy.allowed_salesforce_org_types;
    per_salesforce_org(c, "sfdc_org_type", |id, t| {
        (!allowed.iter().any(|a| a == t)).then(|| {
            format!(
                "Salesforce org {id:?} is of type {t:?}, not an allowed type ({})",
                allowed.join(", ")
            )
        })
    })
}

fn salesforce_org_type_known(c: &Ctx<'_>) -> Result<Outcome, String> {
    per_salesforce_org(c, "sfdc_org_type", |id, t| {
        (!KNOWN_SALESFORCE_ORG_TYPES.contains(&t)).then(|| {
            format!(
                "Salesforce org {id:?} is of type {t:?}, which this version does not know (known: {})",
                KNOWN_SALESFORCE_ORG_TYPES.join(", ")
            )
        })
    })
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

    #[test]
    fn hosts_are_read_without_userinfo_or_port() {
        assert_eq!(
            scheme_and_host("HTTPS://user@Acme.My.Salesforce.com.:443/x"),
            Some(("https".into(), "acme.my.salesforce.com".into()))
        );
        assert_eq!(scheme_and_host("acme.salesforce.com"), None);
        assert_eq!(scheme_and_host("https://"), None);
    }
}
