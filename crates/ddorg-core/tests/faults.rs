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
use ddorg_fake::{FakeServer, Listen, ProxyMode, Reply, TlsCert};
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
    "listen",
    "env",
    "parallel",
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
    "ca_bundle",
    "tls_roots",
    "proxy",
];
/// The variables a row may set; every row starts with all of them unset.
const ENV_KEYS: &[&str] = &[
    "DDORG_CA_BUNDLE",
    "SSL_CERT_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
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
    "message_safe",
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

    // The trust and proxy variables are the rows' to set: none of the machine's apply.
    for name in ENV_KEYS {
        std::env::remove_var(name);
    }
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

/// Sets the row's environment variables and unsets them again when dropped.
struct RowEnv(Vec<String>);

impl RowEnv {
    fn set(env: Option<&Value>, fill: &dyn Fn(&str) -> String) -> Result<RowEnv, String> {
        let mut set = Vec::new();
        for (name, value) in env.and_then(Value::as_object).into_iter().flatten() {
            if !ENV_KEYS.contains(&name.as_str()) {
                return Err(format!(
                    "unknown env variable {name:?} (known: {ENV_KEYS:?})"
                ));
            }
            let value = value.as_str().ok_or("env values are strings")?;
            std::env::set_var(name, fill(value));
            set.push(name.clone());
        }
        Ok(RowEnv(set))
    }
}

impl Drop for RowEnv {
    fn drop(&mut self) {
        for name in &self.0 {
            std::env::remove_var(name);
        }
    }
}

/// The extra listener a row asks for (`{"tls": "expired"}`, `{"proxy": "trickle"}`).
fn listen(fake: &FakeServer, how: &Value) -> Result<ddorg_fake::Listening, String> {
    let name = |k: &str| how.get(k).and_then(Value::as_str);
    let how = match (name("tls"), name("proxy")) {
        (Some(cert), None) => Listen::Tls(TlsCert::from_name(cert).ok_or("unknown tls cert")?),
        (None, Some(mode)) => {
            Listen::Proxy(ProxyMode::from_name(mode).ok_or("unknown proxy mode")?)
        }
        _ => {
            return Err(format!(
                "listen must be {{\"tls\": ..}} or {{\"proxy\": ..}}, got {how}"
            ))
        }
    };
    fake.listen(how).map_err(|e| format!("listen: {e}"))
}

fn run_row(row: &Value, defaults: &Value) -> Result<(), String> {
    check_keys("row", row, ROW_KEYS)?;
    let expect = &row["expect"];
    let fake = FakeServer::start().map_err(|e| format!("fake server: {e}"))?;
    let port = fake.port().to_string();
    let listening = match row.get("listen") {
        Some(how) => Some(listen(&fake, how)?),
        None => None,
    };
    let (listen_url, listen_port) = listening
        .map(|l| (l.url, l.port.to_string()))
        .unwrap_or_default();
    let ca_dir = std::env::temp_dir().join(format!(
        "ddorg-faults-{}-{}",
        std::process::id(),
        row["name"].as_str().unwrap_or("row")
    ));
    std::fs::create_dir_all(&ca_dir).map_err(|e| format!("temp dir: {e}"))?;
    let ca_file = ca_dir.join("fake-ca.pem");
    std::fs::write(&ca_file, fake.ca_pem().map_err(|e| format!("ca: {e}"))?)
        .map_err(|e| format!("writing the CA: {e}"))?;
    let ca_file = ca_file.display().to_string();
    let fill = |s: &str| {
        s.replace("{port}", &port)
            .replace("{listen_url}", &listen_url)
            .replace("{listen_port}", &listen_port)
            .replace("{ca_file}", &ca_file)
    };
    let _env = RowEnv::set(row.get("env"), &fill)?;
    let outcome = run_calls(row, defaults, expect, &fake, &fill);
    let _ = std::fs::remove_dir_all(&ca_dir);
    outcome
}

fn run_calls(
    row: &Value,
    defaults: &Value,
    expect: &Value,
    fake: &FakeServer,
    fill: &dyn Fn(&str) -> String,
) -> Result<(), String> {
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
    if let Some(path) = text("ca_bundle") {
        builder = builder.ca_bundle(path);
    }
    if let Some(roots) = text("tls_roots") {
        builder = builder.tls_roots(roots.parse().map_err(|e| format!("tls_roots: {e}"))?);
    }
    if let Some(url) = text("proxy") {
        builder = builder.proxy(url);
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
    let send = |client: &Client| match call {
        "get_org" => client
            .get_org(public_id)
            .map(|r| (encode(r.value()), r.attempts())),
        "list_salesforce_organizations" => client
            .list_salesforce_organizations()
            .map(|r| (encode(r.value()), r.attempts())),
        other => panic!("unknown call {other:?}"),
    };
    // `parallel`: the first call is made that many times at once on the one client (so the
    // pool ends with that many connections); each must meet `expect`.
    let parallel = row.get("parallel").and_then(Value::as_u64).unwrap_or(1);
    for (i, expect) in expects.iter().enumerate() {
        check_keys("expect", expect, EXPECT_KEYS)?;
        let copies = if i == 0 { parallel } else { 1 };
        let results: Vec<_> = thread::scope(|scope| {
            let handles: Vec<_> = (0..copies)
                .map(|_| {
                    scope.spawn(|| {
                        let started = Instant::now();
                        let built = match &client {
                            Some(c) => Ok(c.clone()),
                            None => builder.clone().build(),
                        };
                        let outcome = built.and_then(|client| send(&client));
                        (outcome, started.elapsed())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a call"))
                .collect()
        });
        for (outcome, elapsed) in results {
            check_outcome(expect, outcome, elapsed, fill)
                .map_err(|e| format!("call {}: {e}", i + 1))?;
        }
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
    fill: &dyn Fn(&str) -> String,
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
        (false, Err(e)) => check_error(expect, &e, fill),
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

fn check_error(expect: &Value, e: &Error, fill: &dyn Fn(&str) -> String) -> Result<(), String> {
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
    let text = |k: &str| expect.get(k).and_then(Value::as_str).map(fill);
    if let Some(s) = text("errors_contain").as_deref() {
        if !e.errors().iter().any(|m| m.contains(s)) {
            return wrong(&format!("expected an errors entry containing {s:?}"));
        }
    }
    if let Some(s) = text("errors_exclude").as_deref() {
        if e.errors().iter().any(|m| m.contains(s)) {
            return wrong(&format!("expected no errors entry containing {s:?}"));
        }
    }
    if let Some(s) = text("message_contains").as_deref() {
        if !e.message().contains(s) {
            return wrong(&format!("expected the message to contain {s:?}"));
        }
    }
    if expect.get("message_safe") == Some(&Value::Bool(true))
        && format!("{e}").chars().any(char::is_control)
    {
        return wrong("expected a message without control characters");
    }
    if let Some(s) = text("message_excludes").as_deref() {
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
