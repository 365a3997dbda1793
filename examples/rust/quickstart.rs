//! Quick start: who is this org, is SAML enforced, which Salesforce orgs are connected.
//!
//! Run against your account:   DD_API_KEY=… DD_APP_KEY=… DD_SITE=datadoghq.eu \
//!                             cargo run -p ddorg-core --example quickstart -- <PUBLIC_ID>
//! Run against the local fake: cargo run -p ddorg-core --example quickstart -- --fake
use std::process::ExitCode;

use ddorg_core::{Client, ErrorKind};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The message says what failed and how to fix it; `{e:?}` would print Rust's internals.
            eprintln!("error ({}): {e}", e.kind());
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), ddorg_core::Error> {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "--fake".into());
    let _fake; // keeps the fake server alive while we use it
    let (client, public_id) = if arg == "--fake" {
        let fake = ddorg_fake::FakeServer::start().expect("start the fake");
        let client = Client::builder()
            .api_key("demo")
            .app_key("demo")
            .base_url(fake.base_url())
            .build()?;
        _fake = fake;
        (client, "abcdef12345".to_string())
    } else {
        (Client::from_env()?, arg) // DD_API_KEY, DD_APP_KEY, DD_SITE, DDORG_BASE_URL
    };

    let resp = client.get_org(&public_id)?;
    // Every field is optional in Datadog's schema: say "unknown" rather than print `None`.
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    if let Some(org) = resp.org.as_ref() {
        let settings = org.settings.as_ref();
        let saml = settings
            .and_then(|s| s.saml.as_ref())
            .and_then(|s| *s.enabled);
        let strict = settings
            .and_then(|s| s.saml_strict_mode.as_ref())
            .and_then(|s| *s.enabled);
        println!(
            "org {} ({}): SAML enabled {}, strict mode {}",
            org.name.as_deref().unwrap_or("(no name)"),
            org.public_id.as_deref().unwrap_or(&public_id),
            yes_no(saml),
            yes_no(strict)
        );
    }
    if let Some(rl) = resp.rate_limit() {
        if let (Some(remaining), Some(limit)) = (rl.remaining, rl.limit) {
            println!("{remaining} of {limit} calls left in this window");
        }
    }

    match client.list_salesforce_organizations() {
        Ok(list) => {
            for sf in &list.data {
                let a = &sf.attributes;
                println!(
                    "salesforce {}: {} <{}>",
                    sf.id,
                    a.name.as_deref().unwrap_or("(no name)"),
                    a.instance_url.as_deref().unwrap_or("no instance URL")
                );
            }
        }
        // The message names the permission the key lacks (integrations_read).
        Err(e) if e.kind() == ErrorKind::Forbidden => eprintln!("no Salesforce orgs: {e}"),
        Err(e) => return Err(e),
    }
    Ok(())
}
