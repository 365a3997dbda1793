//! An org's settings as a complete `datadog_organization_settings` Terraform resource plus its
//! `import` block, as they are now or with an audit's fixes applied.
//!
//! The resource's schema, as DataDog/terraform-provider-datadog defines it in
//! `datadog/resource_datadog_organization_settings.go` (documented in
//! `docs/resources/organization_settings.md`):
//!
//! - `name`: optional string, 1 to 32 bytes; when left out the provider does not send it.
//! - `public_id`, `description`: computed (read-only); never written here.
//! - `settings`: optional + computed block (at most one). When present, its four nested blocks
//!   `saml`, `saml_autocreate_users_domains`, `saml_idp_initiated_login` and `saml_strict_mode`
//!   are **required** (min 1, max 1), and every `enabled` in them is optional with default
//!   `false`: a block written as `saml {}` switches SAML off. Hence a fix is never a fragment:
//!   the whole block is written from the current values.
//! - `settings.private_widget_share`: optional bool, default `false`.
//! - `settings.saml_autocreate_access_role`: optional string, default `"st"`, one of `st`, `adm`,
//!   `ro`, `ERROR` (the provider rejects any other value).
//! - `settings.saml_autocreate_users_domains.domains`: optional list of strings (no default:
//!   when left out the provider sends an empty list).
//! - `settings.saml_can_be_enabled`, `saml_idp_endpoint`, `saml_idp_metadata_uploaded`,
//!   `saml_login_url`: computed; never written here.
//! - Newer provider versions add `security_contacts` (optional + computed: left out, so kept as
//!   it is) and `saml_configurations { idp_metadata }` (an upload of the IdP metadata file,
//!   which `GET /api/v1/org` does not return: left out).
//! - Import: `terraform import datadog_organization_settings.<label> <public_id>` (the ID is
//!   the org's public ID); here as an `import` block (Terraform 1.5 or later).
//!
//! A value the server sent as `null`, left out or of the wrong type cannot be written as it is:
//! the attribute is left out with a comment saying so and what the provider does then (its
//! default), so `terraform plan` shows the change instead of a silent guess.

mod fixes;
mod hcl;

use std::fmt::Write;

use ddorg_core::OrganizationResponse;
use serde_json::Value;

use crate::policy::Policy;
use crate::report::{OrgReport, OrgStatus};

pub(crate) use hcl::Labels;

/// The Terraform resource type every block here is of.
pub const RESOURCE_TYPE: &str = "datadog_organization_settings";

/// The values `saml_autocreate_access_role` accepts, as the provider validates it.
const PROVIDER_ROLES: [&str; 4] = ["st", "adm", "ro", "ERROR"];

/// The most bytes the provider accepts in `name` (`validation.StringLenBetween(1, 32)`).
const MAX_NAME_BYTES: usize = 32;

/// An attribute of the block: its value, or the comment saying why it is left out.
#[derive(Clone, Debug, PartialEq)]
enum Attr<T> {
    Set(T),
    Omitted(String),
}

/// The `settings` block: the settable attributes, and what the fixes read.
#[derive(Clone, Debug)]
struct Settings {
    private_widget_share: Attr<bool>,
    access_role: Attr<String>,
    saml_enabled: Attr<bool>,
    jit_domains: Attr<Vec<String>>,
    jit_enabled: Attr<bool>,
    idp_initiated_login: Attr<bool>,
    strict_mode: Attr<bool>,
    /// `saml_idp_metadata_uploaded` (computed: read, never written): whether turning SAML on
    /// can work.
    metadata_uploaded: Option<bool>,
}

/// One `datadog_organization_settings` resource and its import.
#[derive(Clone, Debug)]
struct Block {
    public_id: String,
    name: Attr<String>,
    /// `Err`: why the whole `settings` block is left out.
    settings: Result<Settings, String>,
    /// Comments at the top of the resource: fixes Terraform cannot make.
    notes: Vec<String>,
    /// Comments put above one attribute (by its name): the fixes made to it.
    fixed: Vec<(&'static str, String)>,
}

/// The value at `path` under `settings`: `Err` says it is absent or null.
fn at<'a>(settings: &'a Value, path: &str) -> Result<&'a Value, String> {
    let mut v = settings;
    for key in path.split('.') {
        v = v
            .get(key)
            .ok_or_else(|| format!("settings.{path} is absent in Datadog's answer"))?;
    }
    if v.is_null() {
        return Err(format!("settings.{path} is null in Datadog's answer"));
    }
    Ok(v)
}

fn bool_attr(settings: &Value, path: &str) -> Attr<bool> {
    let why = match at(settings, path) {
        Ok(Value::Bool(b)) => return Attr::Set(*b),
        Ok(other) => format!("settings.{path} is {other}, not true or false"),
        Err(e) => e,
    };
    Attr::Omitted(format!(
        "{why}: left out, so the provider's default (false) applies"
    ))
}

fn role_attr(settings: &Value) -> Attr<String> {
    let path = "saml_autocreate_access_role";
    let why = match at(settings, path) {
        Ok(Value::String(r)) if PROVIDER_ROLES.contains(&r.as_str()) => {
            return Attr::Set(r.clone())
        }
        Ok(other) => format!(
            "settings.{path} is {other}, which the provider does not accept ({})",
            PROVIDER_ROLES.join(", ")
        ),
        Err(e) => e,
    };
    Attr::Omitted(format!(
        "{why}: left out, so the provider's default (\"st\") applies"
    ))
}

fn domains_attr(settings: &Value) -> Attr<Vec<String>> {
    let path = "saml_autocreate_users_domains.domains";
    let why = match at(settings, path) {
        Ok(Value::Array(items)) => {
            match items.iter().map(Value::as_str).collect::<Option<Vec<_>>>() {
                Some(d) => return Attr::Set(d.into_iter().map(str::to_string).collect()),
                None => format!("settings.{path} holds a value that is not a string"),
            }
        }
        Ok(other) => format!("settings.{path} is {other}, not a list"),
        Err(e) => e,
    };
    Attr::Omitted(format!(
        "{why}: left out, so the provider sends an empty list"
    ))
}

fn name_attr(name: Option<&Value>) -> Attr<String> {
    let why = match name {
        Some(Value::String(n)) if (1..=MAX_NAME_BYTES).contains(&n.len()) => {
            return Attr::Set(n.clone())
        }
        Some(Value::String(n)) => format!(
            "name {} is {} bytes, the provider accepts 1 to {MAX_NAME_BYTES}",
            hcl::string(n),
            n.len()
        ),
        Some(Value::Null) => "name is null in Datadog's answer".into(),
        Some(other) => format!("name is {other}, not a string"),
        None => "name is absent in Datadog's answer".into(),
    };
    Attr::Omitted(format!("{why}: left out, so Terraform does not send it"))
}

impl Settings {
    fn from_json(s: &Value) -> Settings {
        Settings {
            private_widget_share: bool_attr(s, "private_widget_share"),
            access_role: role_attr(s),
            saml_enabled: bool_attr(s, "saml.enabled"),
            jit_domains: domains_attr(s),
            jit_enabled: bool_attr(s, "saml_autocreate_users_domains.enabled"),
            idp_initiated_login: bool_attr(s, "saml_idp_initiated_login.enabled"),
            strict_mode: bool_attr(s, "saml_strict_mode.enabled"),
            metadata_uploaded: at(s, "saml_idp_metadata_uploaded")
                .ok()
                .and_then(Value::as_bool),
        }
    }
}

impl Block {
    /// The block of an org as Datadog sent it: `name` (absent if `None`) and `settings`
    /// (`None`: absent).
    fn new(public_id: &str, name: Option<&Value>, settings: Option<&Value>) -> Block {
        let settings = match settings {
            Some(s) if s.is_object() => Ok(Settings::from_json(s)),
            Some(Value::Null) | None => Err("org.settings is absent or null in Datadog's answer: \
                the settings block is left out, so Terraform keeps the settings as they are"
                .to_string()),
            Some(other) => Err(format!(
                "org.settings is {}, not an object: the settings block is left out",
                kind(other)
            )),
        };
        Block {
            public_id: public_id.to_string(),
            name: name_attr(name),
            settings,
            notes: Vec::new(),
            fixed: Vec::new(),
        }
    }

    /// The `import` block and the resource, labelled `label`, ending in a newline.
    fn render(&self, label: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "import {{\n  to = {RESOURCE_TYPE}.{label}\n  id = {}\n}}\n",
            hcl::string(&self.public_id)
        );
        let _ = writeln!(out, "resource \"{RESOURCE_TYPE}\" \"{label}\" {{");
        for n in &self.notes {
            comment_lines(&mut out, "  ", n);
        }
        self.attr(&mut out, "  ", "name", &self.name, |n| hcl::string(n));
        match &self.settings {
            Err(why) => comment_lines(&mut out, "  ", why),
            Ok(s) => {
                out.push_str("\n  settings {\n");
                let i = "    ";
                self.attr(
                    &mut out,
                    i,
                    "private_widget_share",
                    &s.private_widget_share,
                    b,
                );
                self.attr(
                    &mut out,
                    i,
                    "saml_autocreate_access_role",
                    &s.access_role,
                    |r| hcl::string(r),
                );
                self.nested(&mut out, "saml", &[("enabled", &s.saml_enabled)], None);
                self.nested(
                    &mut out,
                    "saml_autocreate_users_domains",
                    &[("enabled", &s.jit_enabled)],
                    Some(&s.jit_domains),
                );
                let idp = [("enabled", &s.idp_initiated_login)];
                self.nested(&mut out, "saml_idp_initiated_login", &idp, None);
                self.nested(
                    &mut out,
                    "saml_strict_mode",
                    &[("enabled", &s.strict_mode)],
                    None,
                );
                out.push_str("  }\n");
            }
        }
        out.push_str("}\n");
        out
    }

    /// `name = value`, or the comment saying why it is left out; after the fixes' comments.
    fn attr<T>(
        &self,
        out: &mut String,
        indent: &str,
        name: &'static str,
        attr: &Attr<T>,
        show: impl Fn(&T) -> String,
    ) {
        for (_, note) in self.fixed.iter().filter(|(a, _)| *a == name) {
            comment_lines(out, indent, note);
        }
        match attr {
            Attr::Set(v) => {
                let _ = writeln!(out, "{indent}{name} = {}", show(v));
            }
            Attr::Omitted(why) => comment_lines(out, indent, why),
        }
    }

    /// A required nested block: always written, even when every attribute in it is left out.
    fn nested(
        &self,
        out: &mut String,
        block: &'static str,
        bools: &[(&'static str, &Attr<bool>)],
        domains: Option<&Attr<Vec<String>>>,
    ) {
        let _ = writeln!(out, "\n    {block} {{");
        if let Some(d) = domains {
            self.attr(out, "      ", "domains", d, |list| {
                let items: Vec<String> = list.iter().map(|s| hcl::string(s)).collect();
                format!("[{}]", items.join(", "))
            });
        }
        for (name, attr) in bools {
            // Fix notes are keyed by the block's name for its `enabled`.
            for (_, note) in self.fixed.iter().filter(|(a, _)| *a == block) {
                comment_lines(out, "      ", note);
            }
            match attr {
                Attr::Set(v) => {
                    let _ = writeln!(out, "      {name} = {v}");
                }
                Attr::Omitted(why) => comment_lines(out, "      ", why),
            }
        }
        out.push_str("    }\n");
    }
}

fn b(v: &bool) -> String {
    v.to_string()
}

/// A JSON value's kind, for a comment (never the value itself: it may be long).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `text` as `# ` comment lines (server text made one line first).
fn comment_lines(out: &mut String, indent: &str, text: &str) {
    let _ = writeln!(out, "{indent}# {}", hcl::comment(text));
}

/// The org's settings as they are now: a complete `datadog_organization_settings` resource and
/// its `import` block (id = `public_id`), ending in a newline; what
/// `ddorg org get PUBLIC_ID --format terraform` prints.
///
/// ```
/// let resp: ddorg_core::OrganizationResponse = ddorg_core::from_json(
///     r#"{"org":{"name":"Acme","public_id":"abc123","settings":{"saml":{"enabled":true}}}}"#,
/// )?;
/// let hcl = ddorg_audit::org_terraform(&resp, "abc123");
/// assert!(hcl.contains("resource \"datadog_organization_settings\" \"acme_abc123\""));
/// assert!(hcl.contains("id = \"abc123\""));
/// // Every required nested block is written, even when Datadog did not send its value.
/// assert!(hcl.contains("saml_strict_mode {"));
/// # Ok::<(), ddorg_core::Error>(())
/// ```
pub fn org_terraform(resp: &OrganizationResponse, public_id: &str) -> String {
    // Serializing a decoded model cannot fail: it holds only JSON values.
    let json = serde_json::to_value(resp).unwrap_or(Value::Null);
    let org = json.get("org");
    let name = org.and_then(|o| o.get("name"));
    let block = Block::new(public_id, name, org.and_then(|o| o.get("settings")));
    block.render(&hcl::label(name.and_then(Value::as_str), public_id))
}

/// Whether the org answered, so that its settings can be written as Terraform.
fn answered(org: &OrgReport) -> bool {
    org.status == OrgStatus::Audited || org.observed.settings.is_some()
}

/// The label an audited org's block gets, before making it unique in a file.
pub(crate) fn report_label(org: &OrgReport) -> String {
    let name = org.observed.name.as_deref().unwrap_or(&org.name);
    hcl::label(Some(name), &org.public_id)
}

/// The org's resource with every fix Terraform can make applied and the other settings as they
/// are now, labelled `label`; `None` when the org did not answer (nothing to write).
pub(crate) fn fixed_block(org: &OrgReport, policy: &Policy, label: &str) -> Option<String> {
    if !answered(org) {
        return None;
    }
    let name = org.observed.name.clone().map(Value::String);
    let mut block = Block::new(
        &org.public_id,
        name.as_ref(),
        org.observed.settings.as_ref(),
    );
    fixes::apply(&mut block, &org.findings, policy);
    Some(block.render(label))
}

/// [`fixed_block`] with the org's own label: the report's per-org `terraform`.
pub(crate) fn report_terraform(org: &OrgReport, policy: &Policy) -> Option<String> {
    fixed_block(org, policy, &report_label(org))
}

#[cfg(test)]
mod tests;
