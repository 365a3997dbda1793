//! The rules about where logins go (DDORG-SAML-011, -012) and what is staged while SAML is off
//! (DDORG-SAML-013).

use serde_json::Value;

use super::saml::jit_domains;
use super::{setting_path, Ctx, Outcome};
use crate::hosts::{host_matches, scheme_and_host, site_of_host, structural_problem};
use crate::policy::Policy;

const ENDPOINT: &str = "saml_idp_endpoint";
const LOGIN_URL: &str = "saml_login_url";

/// Why an IdP endpoint host is not one logins should go to: a structural problem, or (when the
/// policy lists allowed IdP hosts) a host outside them.
fn endpoint_host_problem(host: &str, policy: &Policy) -> Option<String> {
    if let Some(why) = structural_problem(host) {
        return Some(why);
    }
    let allowed = policy.allowed_idp_hosts.as_ref()?;
    (!allowed.iter().any(|p| host_matches(p, host))).then(|| {
        format!(
            "not one of the policy's allowed_idp_hosts ({})",
            allowed.join(", ")
        )
    })
}

/// The endpoint as text, `Err` when absent, null or empty.
fn endpoint<'a>(c: &Ctx<'a>) -> Result<&'a str, String> {
    let url = c.str(ENDPOINT)?;
    if url.trim().is_empty() {
        return Err(format!("{} is empty", setting_path(ENDPOINT)));
    }
    Ok(url)
}

pub(super) fn idp_endpoint_host(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("the IdP endpoint")?;
    let url = endpoint(c)?;
    let Some((_, host)) = scheme_and_host(url) else {
        return Err(format!(
            "{} {url:?} is not a URL with a host (DDORG-SAML-007 reports it)",
            setting_path(ENDPOINT)
        ));
    };
    let Some(why) = endpoint_host_problem(&host, c.policy) else {
        return Ok(Outcome::pass());
    };
    let mut ev = c.ev(&["saml.enabled", ENDPOINT]);
    ev.insert("idp_endpoint_host".into(), Value::from(host.as_str()));
    if let Some(allowed) = &c.policy.allowed_idp_hosts {
        ev.insert(
            "policy.allowed_idp_hosts".into(),
            Value::from(allowed.clone()),
        );
    }
    Ok(Outcome::fire(
        format!("the SAML IdP endpoint {url:?} has the host {host:?}: {why}"),
        ev,
    ))
}

pub(super) fn login_url(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("the SAML login URL")?;
    let url = c.str(LOGIN_URL)?;
    if url.trim().is_empty() {
        return Err(format!("{} is empty", setting_path(LOGIN_URL)));
    }
    let site = c.site.map(|s| s.as_str());
    let mut ev = c.ev(&["saml.enabled", LOGIN_URL]);
    ev.insert("audited_site".into(), Value::from(site));
    let Some((scheme, host)) = scheme_and_host(url) else {
        return Ok(Outcome::fire(
            format!("the SAML login URL {url:?} is not a URL with a host"),
            ev,
        ));
    };
    let on = site_of_host(&host);
    let wrong_site = match (c.site, on) {
        (_, None) => Some(format!("its host {host:?} is on no Datadog site")),
        (Some(audited), Some(on)) if audited != on => Some(format!(
            "its host {host:?} is on {on}, not the org's site {audited}"
        )),
        _ => None,
    };
    let problems: Vec<String> = (scheme != "https")
        .then(|| "it is not HTTPS".to_string())
        .into_iter()
        .chain(wrong_site)
        .collect();
    if problems.is_empty() {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        format!("the SAML login URL {url:?}: {}", problems.join("; ")),
        ev,
    ))
}

pub(super) fn staged_while_off(c: &Ctx<'_>) -> Result<Outcome, String> {
    if c.bool("saml.enabled")? {
        return Ok(Outcome::pass());
    }
    let mut staged = Vec::new();
    let mut paths = vec!["saml.enabled"];
    // What is absent or null is not staged: these parts only look at what is there.
    if c.bool("saml_autocreate_users_domains.enabled") == Ok(true) {
        if let Ok(domains) = jit_domains(c) {
            if !domains.is_empty() {
                let list: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
                staged.push(format!(
                    "just-in-time provisioning for {} (settings.saml_autocreate_users_domains.enabled is true)",
                    list.join(", ")
                ));
                paths.extend([
                    "saml_autocreate_users_domains.enabled",
                    "saml_autocreate_users_domains.domains",
                ]);
            }
        }
    }
    if let Ok(url) = endpoint(c) {
        let why = match scheme_and_host(url) {
            None => Some("not a URL with a host".to_string()),
            Some((scheme, _)) if scheme != "https" => Some("not HTTPS".to_string()),
            Some((_, host)) => endpoint_host_problem(&host, c.policy),
        };
        if let Some(why) = why {
            staged.push(format!("the IdP endpoint {url:?} ({why})"));
            paths.push(ENDPOINT);
        }
    }
    if staged.is_empty() {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        format!(
            "SAML is off, but enabling it would turn on {}",
            staged.join(" and ")
        ),
        c.ev(&paths),
    ))
}
