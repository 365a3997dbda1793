//! Human-readable output for the three responses. Every value from the server passes through
//! [`escape_controls`], so a name holding ANSI or OSC sequences or CR/LF cannot restyle the
//! terminal or forge a line; `--json` prints the data as received instead.

use std::fmt::Write;

use ddorg_core::{
    escape_controls, AccessRole, OrganizationListResponse, OrganizationResponse, RateLimit,
    SalesforceIncidentsOrganizationsResponse,
};

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn text(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("-")
}

fn role(r: Option<&AccessRole>) -> String {
    match r {
        Some(AccessRole::Standard) => "st (standard)".into(),
        Some(AccessRole::Admin) => "adm (admin)".into(),
        Some(AccessRole::ReadOnly) => "ro (read-only)".into(),
        Some(AccessRole::Error) => "ERROR".into(),
        Some(AccessRole::Unknown(other)) => format!("{other} (unknown to this version)"),
        // A role a later ddorg-core knows by name: its JSON value says what it is.
        Some(other) => other.as_str().into(),
        None => "-".into(),
    }
}

/// The organization as an aligned two-column listing.
pub fn org(resp: &OrganizationResponse) -> String {
    let mut out = String::new();
    let Some(org) = resp.org.as_ref() else {
        return "The response holds no organization.\n".into();
    };
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(out, "{k:<30}{}", escape_controls(v));
    };
    row("Name", text(org.name.as_deref()));
    row("Public ID", text(org.public_id.as_deref()));
    row("Created", text(org.created.as_deref()));
    row("Description", text(org.description.as_deref()));
    row("Trial", yes_no(*org.trial));
    if let Some(b) = org.billing.as_ref() {
        row("Billing type (deprecated)", text(b.type_.as_deref()));
    }
    if let Some(s) = org.subscription.as_ref() {
        row("Subscription (deprecated)", text(s.type_.as_deref()));
    }
    if let Some(s) = org.settings.as_ref() {
        let enabled = |o: Option<bool>| yes_no(o);
        row(
            "SAML enabled",
            enabled(s.saml.as_ref().and_then(|x| *x.enabled)),
        );
        row(
            "SAML strict mode",
            enabled(s.saml_strict_mode.as_ref().and_then(|x| *x.enabled)),
        );
        row("SAML can be enabled", yes_no(*s.saml_can_be_enabled));
        row(
            "SAML IdP-initiated login",
            enabled(s.saml_idp_initiated_login.as_ref().and_then(|x| *x.enabled)),
        );
        row(
            "SAML IdP metadata uploaded",
            yes_no(*s.saml_idp_metadata_uploaded),
        );
        row("SAML IdP endpoint", text(s.saml_idp_endpoint.as_deref()));
        row("SAML login URL", text(s.saml_login_url.as_deref()));
        row(
            "SAML autocreate access role",
            &role(s.saml_autocreate_access_role.as_ref()),
        );
        if let Some(d) = s.saml_autocreate_users_domains.as_ref() {
            let domains = d.domains.as_deref().unwrap_or_default().join(", ");
            row(
                "SAML autocreate domains",
                &format!(
                    "{} (enabled: {})",
                    if domains.is_empty() { "-" } else { &domains },
                    yes_no(*d.enabled)
                ),
            );
        }
        row("Private widget share", yes_no(*s.private_widget_share));
    }
    out
}

/// The connected Salesforce organizations as a table.
pub fn salesforce(resp: &SalesforceIncidentsOrganizationsResponse) -> String {
    if resp.data.is_empty() {
        return "No Salesforce organizations are connected.\n".into();
    }
    let header = ["ID", "NAME", "SFDC ORG ID", "ORG TYPE", "INSTANCE URL"];
    let rows: Vec<[String; 5]> = resp
        .data
        .iter()
        .map(|d| {
            let a = &d.attributes;
            [
                escape_controls(&d.id).into_owned(),
                escape_controls(text(a.name.as_deref())).into_owned(),
                escape_controls(text(a.sfdc_org_id.as_deref())).into_owned(),
                escape_controls(text(a.sfdc_org_type.as_deref())).into_owned(),
                escape_controls(text(a.instance_url.as_deref())).into_owned(),
            ]
        })
        .collect();
    let mut out = table(&header, &rows);
    let _ = writeln!(out, "{} connected", rows.len());
    out
}

/// The managed organizations (`GET /api/v1/org`) as a table, in the order listed.
pub fn org_list(resp: &OrganizationListResponse) -> String {
    let header = ["PUBLIC ID", "NAME", "CREATED", "SAML", "SAML STRICT MODE"];
    let rows: Vec<[String; 5]> = resp
        .iter()
        .map(|o| {
            let s = o.settings.as_ref();
            let saml = s.and_then(|s| s.saml.as_ref()).and_then(|x| *x.enabled);
            let strict = s
                .and_then(|s| s.saml_strict_mode.as_ref())
                .and_then(|x| *x.enabled);
            [
                escape_controls(text(o.public_id.as_deref())).into_owned(),
                escape_controls(text(o.name.as_deref())).into_owned(),
                escape_controls(text(o.created.as_deref())).into_owned(),
                yes_no(saml).into(),
                yes_no(strict).into(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "The response lists no organizations.\n".into();
    }
    let mut out = table(&header, &rows);
    let _ = writeln!(
        out,
        "{} organization{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    out
}

/// Left-aligned columns two spaces apart, the last one unpadded; cells already escaped.
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let _ = write!(l, "{cell:<w$}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for r in rows {
        line(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

/// One line about the rate limit, for stderr after a human-readable answer.
pub fn rate_limit(rl: &RateLimit) -> String {
    let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    format!(
        "rate limit {}: {} of {} requests left, resets in {}s",
        escape_controls(rl.name.as_deref().unwrap_or("-")),
        n(rl.remaining),
        n(rl.limit),
        n(rl.reset)
    )
}
