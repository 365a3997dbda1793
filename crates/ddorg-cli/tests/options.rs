//! The CLI driver of the `option_*` rows of `tests/faults.json`: the same option values that the
//! Rust, Python and C drivers pass get the same answer from `ddorg` (timeouts at and over the
//! limit, a zero body cap, the user agent replaced or appended to), as an exit code and a
//! message. Only those rows: the rest of the matrix needs replies and calls the CLI has no flags
//! for, and its outcomes are the core's, driven in Rust by `crates/ddorg-core/tests/faults.rs`.

mod common;

use ddorg_fake::FakeServer;
use serde_json::{Map, Value};

const MATRIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/faults.json");

/// The contract's exit code for each error kind (CONTRACT.md), written out here so that the test
/// checks the binary against the contract rather than against its own table.
fn exit_code(kind: &str) -> i32 {
    match kind {
        "config" | "invalid_argument" => 2,
        "bad_request" | "unauthorized" | "forbidden" | "not_found" | "unexpected_status" => 3,
        "rate_limited" => 4,
        "server" => 5,
        "timeout" | "network" | "tls" => 6,
        "decode" | "response_too_large" => 7,
        other => panic!("unknown kind {other}"),
    }
}

/// The row's client options as `ddorg` flags; `None` for an option the CLI has no flag for.
fn flags(options: &Map<String, Value>, fake: &FakeServer) -> Option<Vec<String>> {
    let mut args = Vec::new();
    for (key, value) in options {
        let text = || value.as_str().map(str::to_string);
        let seconds = || {
            value
                .as_u64()
                .map(|ms| format!("{}.{:03}", ms / 1000, ms % 1000))
        };
        let (flag, value) = match key.as_str() {
            "api_key" | "app_key" => continue, // from the environment, as the CLI requires
            "base_url" if value == "fake" => ("--base-url", Some(fake.base_url())),
            "base_url" => ("--base-url", text()),
            "max_retries" => ("--max-retries", Some(value.to_string())),
            "max_body_size" => ("--max-body-size", Some(value.to_string())),
            "timeout_ms" => ("--timeout", seconds()),
            "connect_timeout_ms" => ("--connect-timeout", seconds()),
            "user_agent" => ("--user-agent", text()),
            "append_user_agent" => ("--append-user-agent", text()),
            _ => return None,
        };
        args.push(flag.to_string());
        args.push(value?);
    }
    // `--user-agent` replaces what was appended before it: put it first, as the builders apply it.
    if let Some(i) = args.iter().position(|a| a == "--user-agent") {
        let pair: Vec<String> = args.drain(i..i + 2).collect();
        args.splice(0..0, pair);
    }
    Some(args)
}

#[test]
fn option_rows_get_the_same_answer_from_the_cli() {
    let matrix: Value =
        serde_json::from_str(&std::fs::read_to_string(MATRIX).unwrap()).expect("valid JSON");
    let defaults = matrix["defaults"]["client"].as_object().unwrap().clone();
    let mut ran = 0;
    let mut failures = Vec::new();
    for row in matrix["rows"].as_array().unwrap() {
        let name = row["name"].as_str().unwrap();
        if !name.starts_with("option_") {
            continue;
        }
        let fake = FakeServer::start().unwrap();
        let mut options = defaults.clone();
        options.extend(row["client"].as_object().cloned().unwrap_or_default());
        let args = flags(&options, &fake).unwrap_or_else(|| panic!("{name}: no CLI flag"));
        let out = common::keyless_command()
            .args(&args)
            .args(["org", "get", "abcdef12345"])
            .env("DD_API_KEY", options["api_key"].as_str().unwrap())
            .env("DD_APP_KEY", options["app_key"].as_str().unwrap())
            .output()
            .expect("ddorg runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expect = &row["expect"];
        let want_code = match expect["error"].as_str() {
            Some(kind) => exit_code(kind),
            None => 0,
        };
        let mut fail = |why: String| failures.push(format!("{name}: {why} (args {args:?})"));
        if out.status.code() != Some(want_code) {
            fail(format!(
                "exit {:?}, expected {want_code}: {stderr}",
                out.status.code()
            ));
        }
        if let Some(s) = expect["message_contains"].as_str() {
            if !stderr.contains(s) {
                fail(format!("stderr {stderr:?} lacks {s:?}"));
            }
        }
        if let Some(n) = row["expect_requests"].as_u64() {
            if fake.request_count() as u64 != n {
                fail(format!("{} requests, expected {n}", fake.request_count()));
            }
        }
        if let Some(ua) = row["expect_user_agent"].as_str() {
            let default = concat!("ddorg-cli/", env!("CARGO_PKG_VERSION"));
            let want = ua.replace("{default_user_agent}", default);
            let sent: Vec<_> = fake
                .requests()
                .iter()
                .map(|r| r.header("user-agent").map(str::to_string))
                .collect();
            if sent.is_empty() || sent.iter().any(|s| s.as_deref() != Some(want.as_str())) {
                fail(format!("sent user agents {sent:?}, expected {want:?}"));
            }
        }
        ran += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 10, "only {ran} option rows");
}
