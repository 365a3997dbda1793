//! The Rust driver of the shared fault matrix, `tests/faults.json` (schema: docs/reliability.md).
//!
//! Every row gets its own fake, scripted with the same reply JSON the Python and C drivers post
//! to the fake's control API, and a client built from the row's options. Each row runs on its own
//! thread under a time guard, so a hang fails the row instead of hanging CI; every failing row is
//! reported by name, not just the first.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ddorg_core::{Client, Error, DEFAULT_USER_AGENT};
use ddorg_fake::{FakeServer, Reply};
use serde_json::{Map, Value};

const MATRIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/faults.json");

/// A row still running after this long has hung: it fails, and the rest go on.
const ROW_GUARD: Duration = Duration::from_secs(30);

const ROW_KEYS: &[&str] = &[
    "name",
    "doc",
    "langs",
    "langs_why",
    "call",
    "public_id",
    "client",
    "replies",
    "then",
    "expect",
    "expect_requests",
    "expect_path",
    "expect_user_agent",
];
const CLIENT_KEYS: &[&str] = &[
    "api_key",
    "app_key",
    "base_url",
    "max_retries",
    "timeout_ms",
    "connect_timeout_ms",
    "max_body_size",
    "user_agent",
    "append_user_agent",
];
const EXPECT_KEYS: &[&str] = &[
    "ok",
    "error",
    "status",
    "errors",
    "errors_contain",
    "errors_exclude",
    "message_contains",
    "message_excludes",
    "attempts",
    "rate_limit",
    "fields",
    "json",
    "elapsed_min_ms",
    "elapsed_max_ms",
];

#[test]
fn fault_matrix() {
    let text = std::fs::read_to_string(MATRIX).expect("tests/faults.json is readable");
    let matrix: Value = serde_json::from_str(&text).expect("tests/faults.json is valid JSON");
    let defaults = matrix["defaults"].clone();
    let rows = matrix["rows"].as_array().expect("rows is an array").clone();

    let mut names = std::collections::HashSet::new();
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for row in rows {
        let name = row["name"].as_str().unwrap_or("<unnamed>").to_string();
        assert!(names.insert(name.clone()), "duplicate row name {name}");
        if !runs_in_rust(&row) {
            skipped += 1;
            continue;
        }
        let started = Instant::now();
        match run_guarded(row, defaults.clone()) {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!("{name}: {why}")),
        }
        let took = started.elapsed();
        if took > Duration::from_secs(5) {
            eprintln!("faults: {name} took {took:?}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n  {}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n  ")
    );
    assert!(passed >= 50, "the matrix shrank to {passed} rows");
    println!("faults: {passed} rows passed, {skipped} skipped (not for rust)");
}

fn runs_in_rust(row: &Value) -> bool {
    match row.get("langs").and_then(Value::as_array) {
        Some(langs) => langs.iter().any(|l| l == "rust"),
        None => true,
    }
}

/// Runs a row on its own thread; a panic or a hang becomes that row's failure.
fn run_guarded(row: Value, defaults: Value) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name(row["name"].as_str().unwrap_or("row").to_string())
        .spawn(move || {
            let _ = tx.send(run_row(&row, &defaults));
        })
        .expect("a thread for the row");
    match rx.recv_timeout(ROW_GUARD) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("hung for more than {ROW_GUARD:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked (see stderr)".to_string()),
    }
}

fn check_keys(what: &str, v: &Value, known: &[&str]) -> Result<(), String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("{what} must be an object"))?;
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown {what} key {k:?} (known: {known:?})")),
        None => Ok(()),
    }
}

fn run_row(row: &Value, defaults: &Value) -> Result<(), String> {
    check_keys("row", row, ROW_KEYS)?;
    let expect = &row["expect"];
    let fake = FakeServer::start().map_err(|e| format!("fake server: {e}"))?;
    let port = fake.port().to_string();
    let fill = |s: &str| s.replace("{port}", &port);

    for reply in row["replies"].as_array().into_iter().flatten() {
        let reply = Reply::from_json(&fill(&reply.to_string()))
            .map_err(|e| format!("reply {reply} rejected by the fake: {e}"))?;
        fake.enqueue(reply);
    }

    let mut options: Map<String, Value> =
        defaults["client"].as_object().cloned().unwrap_or_default();
    if let Some(c) = row.get("client") {
        check_keys("client", c, CLIENT_KEYS)?;
        options.extend(c.as_object().cloned().unwrap_or_default());
    }
    let text = |k: &str| options.get(k).and_then(Value::as_str).map(fill);
    let number = |k: &str| options.get(k).and_then(Value::as_u64);
    let mut builder = Client::builder();
    if let Some(k) = text("api_key") {
        builder = builder.api_key(k);
    }
    if let Some(k) = text("app_key") {
        builder = builder.app_key(k);
    }
    builder = match text("base_url").as_deref() {
        None | Some("fake") => builder.base_url(fake.base_url()),
        Some(url) => builder.base_url(url),
    };
    if let Some(n) = number("max_retries") {
        builder = builder.max_retries(n as u32);
    }
    if let Some(ms) = number("timeout_ms") {
        builder = builder.timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = number("connect_timeout_ms") {
        builder = builder.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(n) = number("max_body_size") {
        builder = builder.max_body_size(n);
    }
    if let Some(ua) = text("user_agent") {
        builder = builder.user_agent(ua);
    }
    if let Some(token) = text("append_user_agent") {
        builder = builder.append_user_agent(token);
    }

    let setting = |k: &str| row.get(k).unwrap_or(&defaults[k]);
    let call = setting("call").as_str().unwrap_or("get_org");
    let public_id = setting("public_id").as_str().unwrap_or_default();
    let mut expects = vec![expect];
    expects.extend(
        row.get("then")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );

    // One client for every call of the row, so a later call meets the connections an earlier
    // one left in the pool. A config error is each call's outcome: bindings report it when the
    // client is built, which is the first thing their drivers do.
    let client = builder.clone().build().ok();
    for (i, expect) in expects.iter().enumerate() {
        check_keys("expect", expect, EXPECT_KEYS)?;
        let started = Instant::now();
        let built = match &client {
            Some(c) => Ok(c.clone()),
            None => builder.clone().build(),
        };
        let outcome = built.and_then(|client| match call {
            "get_org" => client
                .get_org(public_id)
                .map(|r| (encode(r.value()), r.attempts())),
            "list_salesforce_organizations" => client
                .list_salesforce_organizations()
                .map(|r| (encode(r.value()), r.attempts())),
            other => panic!("unknown call {other:?}"),
        });
        let elapsed = started.elapsed();
        check_outcome(expect, outcome, elapsed).map_err(|e| format!("call {}: {e}", i + 1))?;
    }

    if let Some(n) = row.get("expect_requests").and_then(Value::as_u64) {
        let seen = fake.request_count() as u64;
        if seen != n {
            return Err(format!("the fake saw {seen} API requests, expected {n}"));
        }
    }
    if let Some(path) = row.get("expect_path").and_then(Value::as_str) {
        for r in fake.requests() {
            if r.path != path {
                return Err(format!("requested {:?}, expected {path:?}", r.path));
            }
        }
    }
    if let Some(ua) = row.get("expect_user_agent").and_then(Value::as_str) {
        let want = ua.replace("{default_user_agent}", DEFAULT_USER_AGENT);
        let requests = fake.requests();
        if requests.is_empty() {
            return Err("expect_user_agent, but the fake saw no request".into());
        }
        for r in requests {
            if r.header("user-agent") != Some(want.as_str()) {
                return Err(format!(
                    "sent user agent {:?}, expected {want:?}",
                    r.header("user-agent")
                ));
            }
        }
    }
    Ok(())
}

fn encode<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("models serialize")
}

fn check_outcome(
    expect: &Value,
    outcome: Result<(Value, u32), Error>,
    elapsed: Duration,
) -> Result<(), String> {
    let ms = elapsed.as_millis() as u64;
    if let Some(max) = expect.get("elapsed_max_ms").and_then(Value::as_u64) {
        if ms > max {
            return Err(format!("took {ms} ms, more than {max} ms"));
        }
    }
    if let Some(min) = expect.get("elapsed_min_ms").and_then(Value::as_u64) {
        if ms < min {
            return Err(format!("took {ms} ms, less than {min} ms"));
        }
    }
    let want_attempts = expect.get("attempts").and_then(Value::as_u64);
    match (expect.get("ok") == Some(&Value::Bool(true)), outcome) {
        (true, Ok((value, attempts))) => {
            if let Some(n) = want_attempts {
                if u64::from(attempts) != n {
                    return Err(format!("succeeded after {attempts} attempts, expected {n}"));
                }
            }
            if let Some(want) = expect.get("json") {
                if value != *want {
                    return Err(format!("the JSON form is {value}, expected exactly {want}"));
                }
            }
            let fields: BTreeMap<String, Value> = expect
                .get("fields")
                .and_then(Value::as_object)
                .map(|m| m.clone().into_iter().collect())
                .unwrap_or_default();
            for (path, want) in fields {
                let got = lookup(&value, &path);
                let same = match got {
                    None => want.is_null(),
                    Some(got) => *got == want,
                };
                if !same {
                    return Err(format!("field {path} is {got:?}, expected {want}"));
                }
            }
            Ok(())
        }
        (true, Err(e)) => Err(format!("expected success, got {e:?}")),
        (false, Ok((value, _))) => Err(format!(
            "expected {} error, got success: {value}",
            expect["error"]
        )),
        (false, Err(e)) => check_error(expect, &e),
    }
}

/// Follows a dotted path (`org.settings.saml.enabled`, `data.0.id`) through encoded JSON.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        Value::Object(map) => map.get(key),
        _ => None,
    })
}

fn check_error(expect: &Value, e: &Error) -> Result<(), String> {
    let kind = expect["error"].as_str().ok_or("expect needs ok or error")?;
    let wrong = |what: &str| Err(format!("{what}; the error was {e:?}"));
    if e.kind().as_str() != kind {
        return wrong(&format!("expected kind {kind}"));
    }
    if let Some(status) = expect.get("status") {
        let got = e.status().map(u64::from);
        if got != status.as_u64() {
            return wrong(&format!("expected status {status}"));
        }
    }
    if let Some(n) = expect.get("attempts").and_then(Value::as_u64) {
        if u64::from(e.attempts()) != n {
            return wrong(&format!("expected {n} attempts"));
        }
    }
    if let Some(want) = expect.get("errors") {
        if *want != encode(&e.errors()) {
            return wrong(&format!("expected errors {want}"));
        }
    }
    let text = |k: &str| expect.get(k).and_then(Value::as_str);
    if let Some(s) = text("errors_contain") {
        if !e.errors().iter().any(|m| m.contains(s)) {
            return wrong(&format!("expected an errors entry containing {s:?}"));
        }
    }
    if let Some(s) = text("errors_exclude") {
        if e.errors().iter().any(|m| m.contains(s)) {
            return wrong(&format!("expected no errors entry containing {s:?}"));
        }
    }
    if let Some(s) = text("message_contains") {
        if !e.message().contains(s) {
            return wrong(&format!("expected the message to contain {s:?}"));
        }
    }
    if let Some(s) = text("message_excludes") {
        if format!("{e} {e:?}").contains(s) {
            return wrong(&format!("expected the message not to contain {s:?}"));
        }
    }
    if let Some(want) = expect.get("rate_limit").and_then(Value::as_object) {
        let got = encode(&e.rate_limit());
        for (k, v) in want {
            if got.get(k) != Some(v) {
                return wrong(&format!("expected rate_limit.{k} = {v}"));
            }
        }
    }
    Ok(())
}
