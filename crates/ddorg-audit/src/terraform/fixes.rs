//! The audit's findings applied to a `datadog_organization_settings` block: each fix Terraform
//! can make changes one attribute (with a comment naming the rule and the old value); each fix
//! it cannot make becomes a comment at the top of the resource.

use std::fmt::Display;

use serde_json::Value;

use super::{Attr, Block};
use crate::policy::Policy;
use crate::report::Finding;

/// The role just-in-time users get after a fix of DDORG-SAML-004 or DDORG-SAML-006: the least
/// privileged role the policy allows (`ro`, then `st`), else `ro` (the rules' remediation).
fn fixed_role(policy: &Policy) -> &'static str {
    ["ro", "st"]
        .into_iter()
        .find(|r| policy.allowed_autocreate_roles.iter().any(|a| a == r))
        .unwrap_or("ro")
}

/// Who a finding is about and what it is, for a comment: `DDORG-SAML-002 (high)`.
fn tag(f: &Finding) -> String {
    match &f.subject {
        Some(s) => format!("{} ({}, {s})", f.rule, f.severity),
        None => format!("{} ({})", f.rule, f.severity),
    }
}

/// Sets `attr` to `new`, returning the comment for the fix (with the value it replaces).
fn set<T: Display>(attr: &mut Attr<T>, new: T, f: &Finding) -> String {
    let was = match attr {
        Attr::Set(v) => format!("was {v}"),
        Attr::Omitted(_) => "was not set".into(),
    };
    let note = format!("{}: {} (fixed; {was})", tag(f), f.title);
    *attr = Attr::Set(new);
    note
}

/// Applies every finding of `findings` to `block`, except those a policy exception accepts:
/// an accepted risk is left as it is, with a comment saying why.
pub(super) fn apply(block: &mut Block, findings: &[Finding], policy: &Policy) {
    for f in findings {
        if let Some(e) = &f.exception {
            block.notes.push(format!(
                "{}: {}: not fixed: excepted by the policy until {}",
                tag(f),
                f.title,
                e.expires
            ));
            continue;
        }
        if let Err(why) = apply_one(block, f, policy) {
            block.notes.push(format!(
                "{}: {}: not fixed here: {why}. {} ({})",
                tag(f),
                f.title,
                f.remediation.text,
                f.remediation.datadog_ui
            ));
        }
    }
}

/// Applies one finding, or says why Terraform cannot make its fix.
fn apply_one(block: &mut Block, f: &Finding, policy: &Policy) -> Result<(), String> {
    let Ok(s) = block.settings.as_mut() else {
        return Err("the settings block is left out".into());
    };
    let (attr, note) = match f.rule.as_str() {
        "DDORG-SAML-001" => {
            // SAML on without IdP metadata makes every SAML login fail; with metadata it only
            // adds a login method (strict mode, a separate finding, is what removes the others).
            if s.metadata_uploaded != Some(true) {
                return Err("turning SAML on before IdP metadata is uploaded \
                    (settings.saml_idp_metadata_uploaded is not true) would make every SAML \
                    login fail; upload the metadata first, then set saml { enabled = true }"
                    .into());
            }
            ("saml", set(&mut s.saml_enabled, true, f))
        }
        "DDORG-SAML-002" => ("saml_strict_mode", set(&mut s.strict_mode, true, f)),
        "DDORG-SAML-003" => (
            "saml_idp_initiated_login",
            set(&mut s.idp_initiated_login, false, f),
        ),
        "DDORG-SAML-004" | "DDORG-SAML-006" => {
            let role = fixed_role(policy).to_string();
            if s.access_role == Attr::Set(role.clone()) {
                return Ok(()); // the other of the two rules already set it
            }
            let was = match &s.access_role {
                Attr::Set(v) => format!("was \"{v}\""),
                Attr::Omitted(_) => "was not set".into(),
            };
            s.access_role = Attr::Set(role);
            (
                "saml_autocreate_access_role",
                format!("{}: {} (fixed; {was})", tag(f), f.title),
            )
        }
        "DDORG-SAML-005" => {
            let Attr::Set(domains) = &mut s.jit_domains else {
                return Err("the domain list is not known".into());
            };
            let public: Vec<&str> = match f.evidence.get("public_email_domains_matched") {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => return Err("the finding does not name the public domains".into()),
            };
            let before = domains.len();
            domains.retain(|d| !public.contains(&d.as_str()));
            let mut note = format!(
                "{}: {} (fixed; removed {} of {before} domains: {})",
                tag(f),
                f.title,
                before - domains.len(),
                public.join(", ")
            );
            if domains.is_empty() {
                note.push_str("; no domain is left, so no user is created just in time");
            }
            ("domains", note)
        }
        "DDORG-SHARE-001" => (
            "private_widget_share",
            set(&mut s.private_widget_share, false, f),
        ),
        "DDORG-SAML-007" | "DDORG-SAML-008" | "DDORG-SAML-009" => {
            return Err(
                "the IdP metadata is not a setting of this resource (newer provider \
                versions can upload it with saml_configurations { idp_metadata = file(...) })"
                    .into(),
            )
        }
        id if id.starts_with("DDORG-SFDC-") => {
            return Err("this resource does not manage the Salesforce integration".into())
        }
        _ => return Err("this resource has no setting for it".into()),
    };
    block.fixed.push((attr, note));
    Ok(())
}
