//! `ddorg demo`: both calls and the error path through the real client, with nothing to set up.
//!
//! Without keys in the environment (or with `--fake`) it starts the fake Datadog in-process; with
//! `DD_API_KEY` and `DD_APP_KEY` set it talks to the configured site (or `--base-url`) instead.
//! The exit code is that of the first call that should have succeeded and did not. With `--json`
//! the same run is one JSON object on stdout: each step's response as received, or its error as
//! `--json` reports errors.

use ddorg_core::{Error, ErrorKind, RateLimit, ENV_API_KEY, ENV_APP_KEY};
use ddorg_fake::{FakeServer, Reply};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::options::{client, Options};
use crate::render;
use crate::report::{error_line, exit_code, json_error};
use crate::spec::{Failure, Invocation};

pub fn run(inv: &Invocation) -> Result<u8, Failure> {
    let keys_set = [ENV_API_KEY, ENV_APP_KEY]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
    let mut out = Transcript::new(inv.opts.json);
    let code = if keys_set && !inv.flag("--fake") {
        live(&mut out, &inv.opts, inv.value("--public-id"))?
    } else {
        fake(&mut out, &inv.opts)?;
        0
    };
    out.finish();
    Ok(code)
}

/// What the demo shows, as text as it goes, or (`--json`) gathered into one JSON object printed
/// at the end.
struct Transcript {
    json: Option<Map<String, Value>>,
    steps: Vec<Map<String, Value>>,
}

fn to_value<T: Serialize>(value: &T) -> Value {
    // Models, rate limits and errors always serialize.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Transcript {
    fn new(json: bool) -> Transcript {
        Transcript {
            json: json.then(Map::new),
            steps: Vec::new(),
        }
    }

    /// The opening lines: what the demo runs against.
    fn start(&mut self, against: &str, base_url: &str, text: &str) {
        match &mut self.json {
            Some(top) => {
                top.insert("version".into(), json!(ddorg_core::VERSION));
                top.insert("against".into(), json!(against));
                top.insert("base_url".into(), json!(base_url));
            }
            None => print!("{text}"),
        }
    }

    /// A new step, titled.
    fn section(&mut self, title: &str) {
        if self.json.is_none() {
            println!("\n== {title}");
        }
        let mut step = Map::new();
        step.insert("title".into(), json!(title));
        self.steps.push(step);
    }

    fn step(&mut self) -> &mut Map<String, Value> {
        if self.steps.is_empty() {
            self.steps.push(Map::new());
        }
        let last = self.steps.len() - 1;
        &mut self.steps[last]
    }

    /// A call that succeeded: its text, or its response as received and its rate limit.
    fn response<T: Serialize>(
        &mut self,
        text: &str,
        value: &T,
        attempts: u32,
        rl: Option<&RateLimit>,
    ) {
        if self.json.is_none() {
            print!("{text}");
            return;
        }
        let step = self.step();
        step.insert("response".into(), to_value(value));
        step.insert("attempts".into(), json!(attempts));
        step.insert("rate_limit".into(), to_value(&rl));
    }

    /// A call that failed (expectedly or not): the CLI's error line, or its `--json` error.
    fn error(&mut self, e: &Error) {
        if self.json.is_none() {
            println!("{}", error_line(e));
            return;
        }
        self.step().insert("error".into(), to_value(&json_error(e)));
    }

    /// A remark for a person; in JSON, `key` gets `value` instead.
    fn note(&mut self, text: &str, key: &str, value: Value) {
        match &mut self.json {
            Some(_) => {
                self.step().insert(key.into(), value);
            }
            None => println!("{text}"),
        }
    }

    /// A remark about the whole run; in JSON, a top-level `key`.
    fn summary(&mut self, text: &str, key: &str, value: Value) {
        match &mut self.json {
            Some(top) => {
                top.insert(key.into(), value);
            }
            None => println!("{text}"),
        }
    }

    fn finish(self) {
        if let Some(mut top) = self.json {
            top.insert(
                "steps".into(),
                Value::Array(self.steps.into_iter().map(Value::Object).collect()),
            );
            let text = serde_json::to_string_pretty(&top).unwrap_or_default();
            println!("{text}");
        }
    }
}

fn fake(out: &mut Transcript, opts: &Options) -> Result<(), Error> {
    let fake = FakeServer::start().map_err(|e| {
        Error::new(
            ErrorKind::Network,
            format!("could not start the fake server: {e}"),
        )
    })?;
    out.start(
        "fake",
        &fake.base_url(),
        &format!(
            "ddorg {} demo against an embedded fake Datadog at {}\n\
             (set DD_API_KEY and DD_APP_KEY, without --fake, to run it against your Datadog site)\n",
            ddorg_core::VERSION,
            fake.base_url()
        ),
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

    let id = ddorg_fake::EXAMPLE_PUBLIC_ID;
    out.section(&format!("GET /api/v1/org/{id}"));
    let org = client.get_org(id)?;
    let mut text = render::org(&org);
    if let Some(rl) = org.rate_limit() {
        text.push_str(&render::rate_limit(rl));
        text.push('\n');
    }
    out.response(&text, org.value(), org.attempts(), org.rate_limit());

    out.section("GET /api/v2/integration/salesforce-incidents/organizations");
    let sf = client.list_salesforce_organizations()?;
    out.response(
        &render::salesforce(&sf),
        sf.value(),
        sf.attempts(),
        sf.rate_limit(),
    );

    out.section("a 503 then a success: retried with backoff");
    fake.enqueue(Reply::errors(503, &["Service Unavailable"]));
    let again = client.get_org(id)?;
    out.response(
        &format!("succeeded after {} attempts\n", again.attempts()),
        again.value(),
        again.attempts(),
        again.rate_limit(),
    );

    out.section("an organization that does not exist: a typed error");
    fake.enqueue(Reply::errors(404, &["Organization not found"]));
    match client.get_org("no-such-org") {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            out.error(&e);
            let said: Vec<String> = e.errors().iter().map(|m| format!("{m:?}")).collect();
            out.note(
                &format!(
                    "kind {}, HTTP status {}, Datadog says {}; `ddorg` would exit {}",
                    e.kind(),
                    e.status().map_or("none".into(), |s| s.to_string()),
                    said.join(", "),
                    exit_code(e.kind())
                ),
                "exit_code",
                json!(exit_code(e.kind())),
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
    out.summary(
        &format!(
            "\nThe fake server received {} requests.",
            fake.request_count()
        ),
        "requests_received",
        json!(fake.request_count()),
    );

    out.section("a fleet audit: simulated orgs, each with its own key pair (ddorg audit --fleet)");
    let (report, postures) = crate::audit::demo_report()?;
    match out.json {
        Some(_) => {
            let text = ddorg_audit::render(&report, ddorg_audit::Format::Json);
            let report: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            out.step().insert("report".into(), report);
        }
        None => print!("{}", crate::audit::demo_text(&report, &postures)),
    }
    Ok(())
}

/// Against the configured site: every section runs, failures are shown as they come, and the
/// exit code is that of the first unexpected one.
fn live(out: &mut Transcript, opts: &Options, public_id: Option<&str>) -> Result<u8, Error> {
    let client = client(opts)?;
    out.start(
        "site",
        client.base_url(),
        &format!(
            "ddorg {} demo against {}\n",
            ddorg_core::VERSION,
            client.base_url()
        ),
    );
    let mut first_failure: Option<u8> = None;
    let mut failed = |out: &mut Transcript, e: &Error| {
        out.error(e);
        first_failure.get_or_insert(exit_code(e.kind()));
    };
    out.section("GET /api/v2/integration/salesforce-incidents/organizations");
    match client.list_salesforce_organizations() {
        Ok(sf) => out.response(
            &render::salesforce(&sf),
            sf.value(),
            sf.attempts(),
            sf.rate_limit(),
        ),
        Err(e) => failed(out, &e),
    }
    match public_id {
        Some(id) => {
            out.section(&format!("GET /api/v1/org/{id}"));
            match client.get_org(id) {
                Ok(org) => out.response(
                    &render::org(&org),
                    org.value(),
                    org.attempts(),
                    org.rate_limit(),
                ),
                Err(e) => failed(out, &e),
            }
        }
        None => {
            if out.json.is_none() {
                println!("\n(pass --public-id ID to also fetch your organization)");
            }
        }
    }
    out.section("an organization that does not exist: a typed error");
    match client.get_org("ddorg-demo-no-such-org") {
        Err(e) if e.kind() == ErrorKind::NotFound => out.error(&e),
        Err(e) => failed(out, &e),
        Ok(_) => out.note(
            "unexpected success: the site returned an organization for a made-up id",
            "unexpected_success",
            json!(true),
        ),
    }
    if let Some(code) = first_failure {
        out.summary(
            &format!("\nSome calls failed: exiting {code}, the code of the first failure."),
            "exit_code",
            json!(code),
        );
    }
    Ok(first_failure.unwrap_or(0))
}
