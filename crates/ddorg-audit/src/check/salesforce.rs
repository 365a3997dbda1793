//! The Salesforce rules (DDORG-SFDC-001 … 003), evaluated once per connected Salesforce org.

use serde_json::{Map, Value};

use super::{Ctx, Hit, Outcome};
use crate::hosts::{host_matches, scheme_and_host};
use crate::policy::KNOWN_SALESFORCE_ORG_TYPES;

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

pub(super) fn salesforce_instance_url(c: &Ctx<'_>) -> Result<Outcome, String> {
    let allowed = &c.policy.allowed_salesforce_hosts;
    per_salesforce_org(c, "instance_url", |id, url| {
        let Some((scheme, host)) = scheme_and_host(url) else {
            return Some(format!(
                "Salesforce org {id:?}: the instance URL {url:?} is not a URL with a host"
            ));
        };
        let host_ok = allowed.iter().any(|d| host_matches(d, &host));
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

pub(super) fn salesforce_org_type_allowed(c: &Ctx<'_>) -> Result<Outcome, String> {
    let allowed = &c.policy.allowed_salesforce_org_types;
    // A type this version does not know is DDORG-SFDC-003's finding; one finding per cause.
    let known_reported = !c.policy.is_disabled("DDORG-SFDC-003");
    per_salesforce_org(c, "sfdc_org_type", |id, t| {
        let reported_by_sfdc_003 = known_reported && !KNOWN_SALESFORCE_ORG_TYPES.contains(&t);
        let allowed_type = allowed.iter().any(|a| a == t);
        (!allowed_type && !reported_by_sfdc_003).then(|| {
            format!(
                "Salesforce org {id:?} is of type {t:?}, not an allowed type ({})",
                allowed.join(", ")
            )
        })
    })
}

pub(super) fn salesforce_org_type_known(c: &Ctx<'_>) -> Result<Outcome, String> {
    per_salesforce_org(c, "sfdc_org_type", |id, t| {
        (!KNOWN_SALESFORCE_ORG_TYPES.contains(&t)).then(|| {
            format!(
                "Salesforce org {id:?} is of type {t:?}, which this version does not know (known: {})",
                KNOWN_SALESFORCE_ORG_TYPES.join(", ")
            )
        })
    })
}
