//! The SAML rules that read the org's login settings (DDORG-SAML-001 … DDORG-SAML-010).

use serde_json::Value;

use super::{setting_path, Ctx, Outcome};
use crate::domains::first_match;
use crate::hosts::scheme_and_host;
use crate::timestamp::{format_rfc3339, parse_timestamp};

pub(super) fn saml_off(c: &Ctx<'_>) -> Result<Outcome, String> {
    if c.bool("saml.enabled")? {
        return Ok(Outcome::pass());
    }
    // SAML off where it cannot be enabled is DDORG-SAML-010's finding, not this one's.
    if !c.bool("saml_can_be_enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is off (settings.saml.enabled is false) although settings.saml_can_be_enabled is true".into(),
        c.ev(&["saml.enabled", "saml_can_be_enabled"]),
    ))
}

pub(super) fn strict_mode_off(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("strict mode")?;
    if c.bool("saml_strict_mode.enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is on but settings.saml_strict_mode.enabled is false: users can still log in with a password or Google".into(),
        c.ev(&["saml.enabled", "saml_strict_mode.enabled"]),
    ))
}

pub(super) fn idp_initiated_login(c: &Ctx<'_>) -> Result<Outcome, String> {
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

pub(super) fn jit_admin_role(c: &Ctx<'_>) -> Result<Outcome, String> {
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

/// The just-in-time domains as strings, or why they cannot be read.
pub(super) fn jit_domains<'a>(c: &Ctx<'a>) -> Result<Vec<&'a Value>, String> {
    let path = JIT_DOMAINS;
    let domains = c.at(path)?;
    domains
        .as_array()
        .map(|items| items.iter().collect())
        .ok_or_else(|| format!("{} is {domains}, not a list", setting_path(path)))
}

const JIT_DOMAINS: &str = "saml_autocreate_users_domains.domains";

pub(super) fn jit_domain_not_allowed(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.jit_on()? {
        return Ok(Outcome::pass());
    }
    let items = jit_domains(c)?;
    let text = |d: &Value| d.as_str().unwrap_or_default().to_string();
    let public: Vec<Value> = items
        .iter()
        .filter(|d| {
            d.as_str()
                .is_some_and(|d| first_match(&c.policy.public_email_domains, d).is_some())
        })
        .map(|d| (*d).clone())
        .collect();
    let outside: Vec<Value> = match &c.policy.allowed_jit_domains {
        None => Vec::new(),
        Some(allowed) => items
            .iter()
            .filter(|d| !public.contains(d))
            .filter(|d| d.as_str().is_none_or(|d| first_match(allowed, d).is_none()))
            .map(|d| (*d).clone())
            .collect(),
    };
    if public.is_empty() && outside.is_empty() {
        return Ok(Outcome::pass());
    }
    let list = |v: &[Value]| {
        v.iter()
            .map(|d| format!("{:?}", text(d)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !public.is_empty() {
        parts.push(format!(
            "the public email domain{} {}: anyone with such an address the IdP accepts gets a user",
            if public.len() == 1 { "" } else { "s" },
            list(&public)
        ));
    }
    if let (false, Some(allowed)) = (outside.is_empty(), &c.policy.allowed_jit_domains) {
        parts.push(format!(
            "{} outside the policy's allowed_jit_domains ({})",
            list(&outside),
            allowed.join(", ")
        ));
    }
    let mut ev = c.ev(&[JIT_PATHS[0], JIT_PATHS[1], JIT_DOMAINS]);
    if !public.is_empty() {
        ev.insert("public_email_domains_matched".into(), Value::Array(public));
    }
    if !outside.is_empty() {
        ev.insert("domains_not_allowed".into(), Value::Array(outside));
        ev.insert(
            "policy.allowed_jit_domains".into(),
            Value::from(c.policy.allowed_jit_domains.clone()),
        );
    }
    Ok(Outcome::fire(
        format!("just-in-time provisioning admits {}", parts.join("; and ")),
        ev,
    ))
}

pub(super) fn jit_role_not_allowed(c: &Ctx<'_>) -> Result<Outcome, String> {
    if !c.jit_on()? {
        return Ok(Outcome::pass());
    }
    let role = c.str("saml_autocreate_access_role")?;
    if c.policy.allowed_autocreate_roles.iter().any(|r| r == role) {
        return Ok(Outcome::pass());
    }
    // The Admin role is DDORG-SAML-004's (critical) finding; one finding per cause.
    if role == "adm" && !c.policy.is_disabled("DDORG-SAML-004") {
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

pub(super) fn idp_endpoint_not_https(c: &Ctx<'_>) -> Result<Outcome, String> {
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

pub(super) fn no_idp_metadata(c: &Ctx<'_>) -> Result<Outcome, String> {
    c.saml_on("IdP metadata")?;
    if c.bool("saml_idp_metadata_uploaded")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is on but settings.saml_idp_metadata_uploaded is false".into(),
        c.ev(&["saml.enabled", "saml_idp_metadata_uploaded"]),
    ))
}

pub(super) fn idp_metadata_expiry(c: &Ctx<'_>) -> Result<Outcome, String> {
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

pub(super) fn saml_impossible(c: &Ctx<'_>) -> Result<Outcome, String> {
    if c.bool("saml.enabled")? || c.bool("saml_can_be_enabled")? {
        return Ok(Outcome::pass());
    }
    Ok(Outcome::fire(
        "SAML is off and settings.saml_can_be_enabled is false: no login can go through the identity provider".into(),
        c.ev(&["saml.enabled", "saml_can_be_enabled"]),
    ))
}
