//! Quick start: who is this org, is SAML enforced, which Salesforce orgs are connected.
//!
//! Run against your account:   DD_API_KEY=… DD_APP_KEY=… DD_SITE=datadoghq.eu \
//!                             cargo run -p ddorg-core --example quickstart -- <PUBLIC_ID>
//! Run against the local fake: cargo run -p ddorg-core --example quickstart -- --fake
use ddorg_core::{Client, ErrorKind};

fn main() -> Result<(), ddorg_core::Error> {
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
    if let Some(org) = resp.org.as_ref() {
        let settings = org.settings.as_ref();
        let saml = settings
            .and_then(|s| s.saml.as_ref())
            .and_then(|s| *s.enabled);
        let strict = settings
            .and_then(|s| s.saml_strict_mode.as_ref())
            .and_then(|s| *s.enabled);
        println!(
            "org {:?}: SAML enabled {saml:?}, strict {strict:?}",
            org.name
        );
    }
    if let Some(rl) = resp.rate_limit() {
        println!(
            "{:?} of {:?} calls left in this window",
            rl.remaining, rl.limit
        );
    }

    match client.list_salesforce_organizations() {
        Ok(list) => {
            for sf in &list.data {
                println!(
                    "salesforce {} {:?} {:?}",
                    sf.id, sf.attributes.name, sf.attributes.instance_url
                );
            }
        }
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            eprintln!("this key lacks integrations_read: {e}");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
