//! `ddorg demo`: both calls and the error path through the real client, with nothing to set up.
//!
//! Without keys in the environment (or with `--fake`) it starts the fake Datadog in-process; with
//! `DD_API_KEY` and `DD_APP_KEY` set it talks to the configured site (or `--base-url`) instead. The exit code is that of the first call that should have succeeded and did not.

use ddorg_core::{Error, ErrorKind, ENV_API_KEY, ENV_APP_KEY};
use ddorg_fake::{FakeServer, Reply};

use crate::options::{client, Options};
use crate::render;
use crate::report::{error_line, exit_code};
use crate::spec::{Failure, Invocation};

pub fn run(inv: &Invocation) -> Result<u8, Failure> {
    let keys_set = [ENV_API_KEY, ENV_APP_KEY]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
    if keys_set && !inv.flag("--fake") {
        return Ok(live(&inv.opts, inv.value("--public-id"))?);
    }
    fake(&inv.opts)?;
    Ok(0)
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
    println!(
        "(set DD_API_KEY and DD_APP_KEY, without --fake, to run it against your Datadog site)"
    );
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
        Err(e) if e.kind() == ErrorKind::NotFound => {
            println!("{}", error_line(&e));
            println!(
                "kind {:?}, HTTP status {:?}, Datadog says {:?}; `ddorg` would exit {}",
                e.kind(),
                e.status(),
                e.errors(),
                exit_code(e.kind())
            );
        }
        Err(e) => return Err(e),
        Ok(_) => {
            return Err(Error::new(
                ErrorKind::UnexpectedStatus,
                "the fake answered a request for an unknown organization with a success",
            ))
        }
    }
    println!(
        "\nThe fake server received {} requests.",
        fake.request_count()
    );

    section("a fleet audit: simulated orgs, each with its own key pair (ddorg audit --fleet)");
    crate::audit::demo()
}

/// Against the configured site: every section runs, failures are printed as they come, and the
/// exit code is that of the first unexpected one.
fn live(opts: &Options, public_id: Option<&str>) -> Result<u8, Error> {
    let client = client(opts)?;
    println!(
        "ddorg {} demo against {}",
        ddorg_core::VERSION,
        client.base_url()
    );
    let mut first_failure: Option<u8> = None;
    let mut failed = |e: &Error| {
        println!("{}", error_line(e));
        first_failure.get_or_insert(exit_code(e.kind()));
    };
    section("GET /api/v2/integration/salesforce-incidents/organizations");
    match client.list_salesforce_organizations() {
        Ok(sf) => print!("{}", render::salesforce(&sf)),
        Err(e) => failed(&e),
    }
    match public_id {
        Some(id) => {
            section(&format!("GET /api/v1/org/{id}"));
            match client.get_org(id) {
                Ok(org) => print!("{}", render::org(&org)),
                Err(e) => failed(&e),
            }
        }
        None => println!("\n(pass --public-id ID to also fetch your organization)"),
    }
    section("an organization that does not exist: a typed error");
    match client.get_org("ddorg-demo-no-such-org") {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("{}", error_line(&e)),
        Err(e) => failed(&e),
        Ok(_) => println!("unexpected success: the site returned an organization for a made-up id"),
    }
    if let Some(code) = first_failure {
        println!("\nSome calls failed: exiting {code}, the code of the first failure.");
    }
    Ok(first_failure.unwrap_or(0))
}
