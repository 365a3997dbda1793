//! `ddorg demo`: both calls and the error path through the real client, with nothing to set up.
//!
//! Without keys in the environment it starts the fake Datadog in-process; with `DD_API_KEY` and
//! `DD_APP_KEY` set (and no `--base-url`) it talks to the configured site instead.

use ddorg_core::{Error, ErrorKind, ENV_API_KEY, ENV_APP_KEY};
use ddorg_fake::{FakeServer, Reply};

use crate::args::Options;
use crate::{client, error_line, exit_code, render};

pub fn run(opts: &Options, public_id: Option<&str>) -> Result<(), Error> {
    let keys_set = [ENV_API_KEY, ENV_APP_KEY]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
    if keys_set && opts.base_url.is_none() {
        return live(opts, public_id);
    }
    fake(opts)
}

fn section(title: &str) {
    println!("\n== {title}");
}

fn fake(opts: &Options) -> Result<(), Error> {
    let fake = FakeServer::start().map_err(|e| {
        Error::new(
            ErrorKind::Network,
            format!("could not start the fake server: {e}"),
        )
    })?;
    println!(
        "ddorg {} demo against an embedded fake Datadog at {}",
        ddorg_core::VERSION,
        fake.base_url()
    );
    println!("(set DD_API_KEY and DD_APP_KEY to run it against your Datadog site instead)");
    let client = client(&Options {
        base_url: Some(fake.base_url()),
        site: None,
        ..opts.clone()
    })
    .or_else(|_| {
        // No keys in the environment: the fake accepts any non-empty pair.
        ddorg_core::Client::builder()
            .api_key("demo-api-key")
            .app_key("demo-app-key")
            .base_url(fake.base_url())
            .build()
    })?;

    section("GET /api/v1/org/abcdef12345");
    let org = client.get_org("abcdef12345")?;
    print!("{}", render::org(&org));
    if let Some(rl) = org.rate_limit() {
        println!("{}", render::rate_limit(rl));
    }

    section("GET /api/v2/integration/salesforce-incidents/organizations");
    let sf = client.list_salesforce_organizations()?;
    print!("{}", render::salesforce(&sf));

    section("a 503 then a success: retried with backoff");
    fake.enqueue(Reply::errors(503, &["Service Unavailable"]));
    let again = client.get_org("abcdef12345")?;
    println!("succeeded after {} attempts", again.attempts());

    section("an organization that does not exist: a typed error");
    fake.enqueue(Reply::errors(404, &["Organization not found"]));
    match client.get_org("no-such-org") {
        Err(e) => {
            println!("{}", error_line(&e));
            println!(
                "kind {:?}, HTTP status {:?}, Datadog says {:?}; `ddorg` would exit {}",
                e.kind(),
                e.status(),
                e.errors(),
                exit_code(e.kind())
            );
        }
        Ok(_) => println!("unexpected success"),
    }
    println!(
        "\nThe fake server received {} requests.",
        fake.request_count()
    );

    section("a fleet audit: simulated orgs, each with its own key pair (ddorg audit --fleet)");
    crate::audit::demo()
}

fn live(opts: &Options, public_id: Option<&str>) -> Result<(), Error> {
    let client = client(opts)?;
    println!(
        "ddorg {} demo against {}",
        ddorg_core::VERSION,
        client.base_url()
    );
    section("GET /api/v2/integration/salesforce-incidents/organizations");
    match client.list_salesforce_organizations() {
        Ok(sf) => print!("{}", render::salesforce(&sf)),
        Err(e) => println!("{}", error_line(&e)),
    }
    match public_id {
        Some(id) => {
            section(&format!("GET /api/v1/org/{id}"));
            let org = client.get_org(id)?;
            print!("{}", render::org(&org));
        }
        None => println!("\n(pass --public-id ID to also fetch your organization)"),
    }
    section("an organization that does not exist: a typed error");
    match client.get_org("ddorg-demo-no-such-org") {
        Err(e) => println!("{}", error_line(&e)),
        Ok(_) => println!("unexpected success"),
    }
    Ok(())
}
