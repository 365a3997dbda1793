//! The `ddorg` binary: output, `--json`, and every exit code of the contract.

use std::process::Command;

use ddorg_fake::{FakeServer, Listen, Reply, TlsCert};

mod common;

use common::{
    assert_hostile_text_escaped, assert_stderr_has, assert_stdout_has, code, command, ddorg,
    json_stderr, keyless, keyless_command, stderr, stdout, Scratch, API_KEY, HOSTILE,
};

#[test]
fn org_get_prints_a_readable_summary_and_exits_0() {
    let fake = FakeServer::start().unwrap();
    let o = ddorg(Some(&fake), &["org", "get", "abcdef12345"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("New child org"), "{out}");
    assert!(out.contains("SAML enabled"), "{out}");
    assert!(out.contains("ro (read-only)"), "{out}");
    assert_stderr_has(&o, "999 of 1000");
    assert_eq!(fake.requests()[0].path, "/api/v1/org/abcdef12345");
    assert!(fake.requests()[0]
        .header("user-agent")
        .unwrap()
        .starts_with("ddorg-cli/"));
}

#[test]
fn json_output_keeps_unknown_fields() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::json(200, r#"{"org":{"name":"n","brand_new":{"x":1},"settings":{"saml_autocreate_access_role":"owner"}}}"#));
    let o = ddorg(Some(&fake), &["--json", "org", "get", "abc"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["org"]["brand_new"]["x"], 1);
    assert_eq!(v["org"]["settings"]["saml_autocreate_access_role"], "owner");

    let o = ddorg(Some(&fake), &["salesforce", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["data"][0]["type"], "salesforce-incidents-org");
}

#[test]
fn json_output_equals_the_json_received_for_every_fixture() {
    let fake = FakeServer::start().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for (kind, args) in [
        ("org", &["--json", "org", "get", "abc"][..]),
        ("salesforce", &["--json", "salesforce", "list"][..]),
    ] {
        for entry in std::fs::read_dir(root.join(kind)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            fake.enqueue(Reply::json(200, &text));
            let o = ddorg(Some(&fake), args);
            assert_eq!(code(&o), 0, "{}: {}", path.display(), stderr(&o));
            let printed: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let received: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(printed, received, "{}", path.display());
        }
    }
}

/// Terminal escapes (OSC title, clear screen, colours), CR/LF and a forged success line.

#[test]
fn hostile_server_text_is_escaped_in_human_output_and_kept_in_json() {
    let fake = FakeServer::start().unwrap();
    let body = serde_json::json!({"org": {"name": HOSTILE, "settings": {"saml_idp_endpoint": HOSTILE, "saml_autocreate_access_role": HOSTILE}}});
    fake.set_org("abc", Reply::json(200, &body.to_string()));
    assert_hostile_text_escaped(&ddorg(Some(&fake), &["org", "get", "abc"]));
    let o = ddorg(Some(&fake), &["--json", "org", "get", "abc"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v, body, "--json keeps the data exactly");

    let sf = serde_json::json!({"data": [{"id": HOSTILE, "type": "salesforce-incidents-org", "attributes": {"name": HOSTILE}}]});
    fake.set_salesforce(Reply::json(200, &sf.to_string()));
    let o = ddorg(Some(&fake), &["salesforce", "list"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
}

#[test]
fn hostile_error_text_makes_one_bounded_escaped_error_line_and_verbose_logs_are_escaped() {
    let fake = FakeServer::start().unwrap();
    let mut errors = vec![HOSTILE.to_string()];
    errors.extend((0..999).map(|i| format!("error number {i}")));
    let errors: Vec<&str> = errors.iter().map(String::as_str).collect();
    fake.set_org("abc", Reply::errors(403, &errors));
    let o = ddorg(Some(&fake), &["-v", "org", "get", "abc"]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
    assert!(
        !err.lines().any(|l| l.starts_with("ddorg: success")),
        "{err}"
    );
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("ddorg: error (forbidden)"), "{last}");
    assert!(last.ends_with("and 997 more, 1 attempt"), "{last}");
    assert!(last.len() < 1000, "{} bytes", last.len());
    assert!(err.lines().count() > 1, "-v logged the attempt: {err}");
}

#[test]
fn salesforce_list_prints_a_table() {
    let fake = FakeServer::start().unwrap();
    let o = ddorg(Some(&fake), &["salesforce", "list"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.starts_with("ID"), "{out}");
    assert!(
        out.contains("Acme Production Org") && out.contains("1 connected"),
        "{out}"
    );
    fake.enqueue(Reply::json(200, r#"{"data":[]}"#));
    let o = ddorg(Some(&fake), &["salesforce", "list"]);
    assert!(stdout(&o).contains("No Salesforce organizations"));
}

#[test]
fn usage_and_config_errors_exit_2() {
    let fake = FakeServer::start().unwrap();
    for args in [
        &["org", "get"][..],
        &["frobnicate"],
        &["--timeout", "nope", "salesforce", "list"],
        &["--api-key", "x", "salesforce", "list"],
        &["--site", "datadoghq.moon", "salesforce", "list"],
        &["--base-url", "http://example.com", "salesforce", "list"],
        &["org", "get", ""],
    ] {
        let o = ddorg(Some(&fake), args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("ddorg: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let o = keyless(&["salesforce", "list"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "DD_API_KEY");
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn each_error_kind_has_its_exit_code_and_one_stderr_line() {
    let fake = FakeServer::start().unwrap();
    let cases: Vec<(Reply, i32, &str)> = vec![
        (Reply::errors(400, &["Bad Request"]), 3, "HTTP 400"),
        (Reply::errors(401, &["Unauthorized"]), 3, "HTTP 401"),
        (Reply::errors(403, &["Forbidden"]), 3, "Forbidden"),
        (
            Reply::errors(404, &["Organization not found"]),
            3,
            "Organization not found",
        ),
        (Reply::errors(418, &["teapot"]), 3, "HTTP 418"),
        (
            Reply::errors(429, &["Too many requests"]),
            4,
            "rate_limited",
        ),
        (Reply::errors(500, &["Internal"]), 5, "HTTP 500"),
        (Reply::errors(503, &["Unavailable"]), 5, "server"),
        (Reply::json(200, "not json"), 7, "decode"),
    ];
    for (reply, want, needle) in cases {
        fake.enqueue(reply);
        let o = ddorg(Some(&fake), &["--max-retries", "0", "org", "get", "abc"]);
        let err = stderr(&o);
        assert_eq!(code(&o), want, "{needle}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn oversized_bodies_exit_7_and_network_failures_and_timeouts_exit_6() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(
        Reply::json(200, ddorg_fake::ORG_EXAMPLE).delay(std::time::Duration::from_secs(5)),
    );
    let o = ddorg(Some(&fake), &["--timeout", "0.3", "org", "get", "abc"]);
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert_stderr_has(&o, "timeout");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = ddorg(
        None,
        &[
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--max-retries",
            "0",
            "org",
            "get",
            "abc",
        ],
    );
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert_stderr_has(&o, "network");
}

#[test]
fn retries_then_rate_limited_reports_attempts() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(
        Reply::errors(429, &["Too many requests"])
            .rate_limit(10, 10, 0, 0, "org_get")
            .repeat(5),
    );
    let o = ddorg(Some(&fake), &["--max-retries", "2", "org", "get", "abc"]);
    assert_eq!(code(&o), 4);
    assert_stderr_has(&o, ", 3 attempts");
    assert_eq!(fake.request_count(), 3);
}

#[test]
fn demo_runs_against_the_embedded_fake_with_no_keys() {
    let o = keyless(&["demo"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("New child org"), "{out}");
    assert!(out.contains("Acme Production Org"), "{out}");
    assert!(out.contains("succeeded after 2 attempts"), "{out}");
    assert!(out.contains("Organization not found"), "{out}");
    assert!(out.contains("org-0003  (wide-open)"), "{out}");
    let all_passed = format!("{} passed", ddorg_audit::RULES.len());
    assert!(out.contains(&all_passed), "{out}");
}

#[test]
fn help_and_version() {
    let o = ddorg(None, &["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Exit codes"));
    let o = ddorg(None, &["--version"]);
    assert_eq!(
        stdout(&o).trim(),
        format!("ddorg {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bare_ddorg_prints_usage_to_stderr_and_exits_2() {
    let o = ddorg(None, &[]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).is_empty());
    assert_stderr_has(&o, "Usage: ddorg");
    assert_stderr_has(&o, "org get [OPTIONS] <PUBLIC_ID>");
}

#[test]
fn each_command_has_its_own_help() {
    for (args, first_line, needle) in [
        (
            &["org", "get", "--help"][..],
            "ddorg org get: ",
            "<PUBLIC_ID>",
        ),
        (
            &["help", "org", "get"],
            "ddorg org get: ",
            "GET /api/v1/org/{public_id}",
        ),
        (
            &["salesforce", "list", "-h"],
            "ddorg salesforce list: ",
            "integrations_read",
        ),
        (&["demo", "--help"], "ddorg demo: ", "--fake"),
        (&["--help", "completions"], "ddorg completions: ", "<SHELL>"),
        (
            &["org", "--help"],
            "Usage: ddorg [OPTIONS] org <COMMAND>",
            "org get [OPTIONS] <PUBLIC_ID>",
        ),
    ] {
        let o = ddorg(None, args);
        assert_eq!(code(&o), 0, "{args:?}");
        let out = stdout(&o);
        assert!(out.starts_with(first_line), "{args:?}: {out}");
        assert!(out.contains(needle), "{args:?}: {out}");
        assert!(
            !out.contains("Exit codes"),
            "{args:?} printed the global help"
        );
    }
}

#[test]
fn a_missing_or_extra_word_is_named_with_that_commands_usage() {
    let o = ddorg(None, &["org"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("`ddorg org` needs a subcommand: get"), "{err}");
    assert!(
        err.contains("Usage: ddorg [GLOBAL OPTIONS] org get [OPTIONS] <PUBLIC_ID>"),
        "{err}"
    );

    let o = ddorg(None, &["org", "get", "a", "b"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("unexpected extra argument: \"b\""), "{err}");
    assert!(
        err.contains("Usage: ddorg [GLOBAL OPTIONS] org get [OPTIONS] <PUBLIC_ID>"),
        "{err}"
    );
    assert!(err.contains("ddorg org get --help"), "{err}");

    let o = ddorg(None, &["org", "get"]);
    assert_stderr_has(&o, "`ddorg org get` needs PUBLIC_ID");

    let o = ddorg(None, &["salesforce", "list", "extra"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "`ddorg salesforce list` takes no arguments");

    let o = ddorg(None, &["org", "get", "x", "--public-id", "y"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "--public-id does not go with `ddorg org get`");
}

#[test]
fn with_json_an_error_is_one_json_object_on_stderr_with_the_same_exit_code() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(
        Reply::errors(429, &["Too many requests"])
            .rate_limit(10, 60, 0, 7, "org_get")
            .repeat(2),
    );
    let o = ddorg(
        Some(&fake),
        &["--json", "--max-retries", "1", "org", "get", "abc"],
    );
    assert_eq!(code(&o), 4);
    assert!(stdout(&o).is_empty());
    let v = json_stderr(&o);
    assert_eq!(v["kind"], "rate_limited");
    assert_eq!(v["status"], 429);
    assert_eq!(v["errors"], serde_json::json!(["Too many requests"]));
    assert_eq!(v["attempts"], 2);
    assert_eq!(v["rate_limit"]["reset"], 7);
    assert_eq!(v["rate_limit"]["name"], "org_get");
    assert!(v["message"].as_str().unwrap().contains("HTTP 429"), "{v}");

    // A config error and a usage error keep their exit code and come out the same way.
    let o = keyless(&["--json", "salesforce", "list"]);
    assert_eq!(code(&o), 2);
    let v = json_stderr(&o);
    assert_eq!(v["kind"], "config");
    assert_eq!(v["attempts"], 0);
    assert!(v["status"].is_null() && v["rate_limit"].is_null());
    let o = ddorg(None, &["org", "get", "--json"]);
    assert_eq!(code(&o), 2);
    let v = json_stderr(&o);
    assert_eq!(v["kind"], "usage");
    assert!(v["message"].as_str().unwrap().contains("PUBLIC_ID"), "{v}");
}

#[test]
fn a_missing_key_names_its_environment_variable() {
    let o = keyless_command()
        .args(["org", "get", "abc"])
        .env("DD_API_KEY", API_KEY)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("set the DD_APP_KEY environment variable"),
        "{err}"
    );
    assert!(!err.contains("pass it to the client"), "{err}");
    let o = keyless(&["org", "get", "abc"]);
    assert_stderr_has(&o, "DD_API_KEY environment variable");
}

#[test]
fn the_timeout_message_names_the_flag_and_the_attempts() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(
        Reply::json(200, ddorg_fake::ORG_EXAMPLE).delay(std::time::Duration::from_secs(3)),
    );
    let o = ddorg(Some(&fake), &["--timeout", "1", "org", "get", "abc"]);
    assert_eq!(code(&o), 6);
    let err = stderr(&o);
    let err = err.trim();
    assert!(
        err.starts_with(
            "ddorg: error (timeout): timed out after 1 s (the --timeout deadline) talking to 127.0.0.1:"
        ),
        "{err}"
    );
    assert!(err.ends_with(", 1 attempt"), "{err}");
}

#[test]
fn completions_complete_commands_subcommands_options_and_values_in_bash() {
    let o = ddorg(None, &["completions", "bash"]);
    assert_eq!(code(&o), 0);
    let script = stdout(&o);
    let complete = |words: &str| -> String {
        let words: Vec<&str> = words.split(' ').collect();
        let cword = words.len() - 1;
        let array = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let prog = format!(
            "{script}\nCOMP_WORDS=({array}); COMP_CWORD={cword}; _ddorg; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = Command::new("bash").arg("-c").arg(prog).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        complete("ddorg "),
        "org salesforce demo audit fake completions help"
    );
    assert_eq!(
        complete("ddorg audit --format "),
        "text json terraform sarif markdown"
    );
    assert_eq!(complete("ddorg o"), "org");
    assert_eq!(complete("ddorg org "), "get list");
    assert_eq!(complete("ddorg --site datadoghq.eu salesforce "), "list");
    assert_eq!(complete("ddorg completions "), "bash zsh fish");
    assert_eq!(
        complete("ddorg help "),
        "org salesforce demo audit fake completions help options"
    );
    assert_eq!(complete("ddorg help op"), "options");
    assert_eq!(
        complete("ddorg fake --tls-cert "),
        "valid expired wrong-host self-signed"
    );
    assert_eq!(complete("ddorg --site datadoghq.e"), "datadoghq.eu");
    assert_eq!(complete("ddorg demo --f"), "--fake");
    assert_eq!(complete("ddorg org get --f"), "--format");
    assert_eq!(complete("ddorg org get abc --j"), "--json");

    for shell in ["zsh", "fish"] {
        let o = ddorg(None, &["completions", shell]);
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("ddorg"), "{shell}");
        // The shell's own syntax check. scripts/test installs zsh and fish and names them in
        // DDORG_TEST_SHELLS, so there a missing shell fails instead of skipping the check.
        let required = std::env::var("DDORG_TEST_SHELLS").unwrap_or_default();
        match Command::new(shell)
            .arg("-n")
            .arg("-c")
            .arg(stdout(&o))
            .output()
        {
            Ok(check) => assert!(
                check.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&check.stderr)
            ),
            Err(e) => assert!(
                !required.split(',').any(|s| s == shell),
                "{shell} is required by DDORG_TEST_SHELLS but cannot run: {e}"
            ),
        }
    }
    // fish can run its completions without a terminal: check what it offers, too.
    if let Ok(fish) = Command::new("fish").arg("--version").output() {
        assert!(fish.status.success());
        let script = stdout(&ddorg(None, &["completions", "fish"]));
        for (line, want) in [
            ("ddorg org ", "get list"),
            ("ddorg completions ", "bash fish zsh"),
            ("ddorg help op", "options"),
            ("ddorg --site datadoghq.e", "datadoghq.eu"),
        ] {
            let mut child = Command::new("fish")
                .arg("-c")
                .arg(format!("source; complete -C '{line}'"))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            let offered: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.split('\t').next().unwrap_or("").to_string())
                .collect();
            assert_eq!(offered.join(" "), want, "fish: {line}");
        }
    }
    let o = ddorg(None, &["completions", "tcsh"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "bash, zsh, fish");
}

#[test]
fn verbose_logs_are_sentences_not_rust_debug_output() {
    let scratch = Scratch::new("verbose");
    let fake = FakeServer::start().unwrap();
    let ca = scratch.write(
        "ca.pem",
        &FakeServer::start_tls().unwrap().ca_pem().unwrap(),
    );
    fake.enqueue(Reply::errors(503, &["Unavailable"]));
    let o = ddorg(
        Some(&fake),
        &[
            "-v",
            "--ca-bundle",
            ca.to_str().unwrap(),
            "org",
            "get",
            "abcdef12345",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "trusted roots: the CA bundle {} (from the CA bundle option); proxy: none",
            ca.display()
        )),
        "{err}"
    );
    assert!(err.contains("HTTP 200 in "), "{err}");
    assert!(err.contains("retrying after server in "), "{err}");
    for debug in ["Some(", "None", " { ", "}", "ms)", "µs"] {
        assert!(!err.contains(debug), "{debug:?} in {err}");
    }
}

#[test]
fn demo_json_is_one_json_object_with_each_response_as_received_and_each_error_as_json() {
    let o = keyless(&["demo", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let demo: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    assert_eq!(demo["against"], "fake");
    let steps = demo["steps"].as_array().unwrap();
    let example: serde_json::Value = serde_json::from_str(ddorg_fake::ORG_EXAMPLE).unwrap();
    assert_eq!(steps[0]["response"], example);
    assert_eq!(steps[0]["rate_limit"]["remaining"], 999);
    let salesforce: serde_json::Value =
        serde_json::from_str(ddorg_fake::SALESFORCE_EXAMPLE).unwrap();
    assert_eq!(steps[1]["response"], salesforce);
    assert_eq!(steps[2]["attempts"], 2);
    assert_eq!(steps[3]["error"]["kind"], "not_found");
    assert_eq!(steps[3]["error"]["errors"][0], "Organization not found");
    assert_eq!(steps[3]["exit_code"], 3);
    assert_eq!(demo["requests_received"], 5);
    let report = &steps[4]["report"];
    assert_eq!(
        report["orgs"].as_array().unwrap().len(),
        ddorg_fake::POSTURES.len()
    );

    // Live, with a key the site refuses: every error as JSON and the first failure's exit code.
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::errors(403, &["Forbidden"]).repeat(10));
    let o = ddorg(Some(&fake), &["demo", "--json", "--public-id", "abc"]);
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    let demo: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(demo["against"], "site");
    assert_eq!(demo["exit_code"], 3);
    let steps = demo["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    for step in steps {
        assert_eq!(step["error"]["kind"], "forbidden", "{step}");
    }
    assert!(steps[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("integrations_read permission"));
}

#[test]
fn demo_fake_uses_the_embedded_fake_even_with_keys_set() {
    let o = ddorg(None, &["demo", "--fake"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_stdout_has(&o, "against an embedded fake Datadog");
    assert!(stdout(&o).contains("succeeded after 2 attempts"));
}

#[test]
fn demo_exits_with_the_code_of_its_first_failed_call() {
    // With keys set, the demo runs against the configured site: here a fake that refuses the key.
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::errors(403, &["Forbidden"]).repeat(10));
    let o = ddorg(Some(&fake), &["demo", "--public-id", "abc"]);
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("forbidden (HTTP 403)"), "{out}");
    assert!(out.contains("Some calls failed: exiting 3"), "{out}");
    assert_eq!(fake.request_count(), 3);

    // Every call as it should be (the unknown organization is a 404): exit 0.
    let fake = FakeServer::start().unwrap();
    fake.set_org("ddorg-demo-no-such-org", Reply::errors(404, &["Not Found"]));
    let o = ddorg(Some(&fake), &["demo"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_stdout_has(&o, "not found (HTTP 404)");
    assert!(!stdout(&o).contains("Some calls failed"), "{}", stdout(&o));
}

/// The fake's CA in a file of its own, for `--ca-bundle`.
fn ca_file(fake: &FakeServer, scratch: &Scratch) -> std::path::PathBuf {
    scratch.write("ca.pem", &fake.ca_pem().unwrap())
}

#[test]
fn ca_bundle_flag_and_env_trust_the_fake_ca() {
    let fake = FakeServer::start_tls().unwrap();
    let scratch = Scratch::new("trust");
    let ca = ca_file(&fake, &scratch);
    let ca = ca.to_str().unwrap();
    let o = ddorg(
        Some(&fake),
        &["--ca-bundle", ca, "org", "get", "abcdef12345"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("New child org"));

    let o = command()
        .args(["--base-url", &fake.base_url(), "org", "get", "abcdef12345"])
        .env("DDORG_CA_BUNDLE", ca)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fake.request_count(), 2);
}

#[test]
fn every_tls_failure_exits_6_with_one_line_naming_the_host() {
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("failures");
    let ca = ca_file(&fake, &scratch);
    let ca = ca.to_str().unwrap();
    for (cert, with_ca, needle) in [
        (
            TlsCert::Valid,
            false,
            "certificate of localhost is not trusted",
        ),
        (
            TlsCert::Expired,
            true,
            "certificate of localhost expired on",
        ),
        (TlsCert::WrongHost, true, "wrong-host.ddorg-fake.invalid"),
        (
            TlsCert::SelfSigned,
            true,
            "certificate of localhost is self-signed",
        ),
    ] {
        let url = fake.listen(Listen::Tls(cert)).unwrap().url;
        let mut args = vec!["--base-url", &url, "--max-retries", "3"];
        if with_ca {
            args.extend(["--ca-bundle", ca]);
        }
        args.extend(["org", "get", "abc"]);
        let o = ddorg(None, &args);
        let err = stderr(&o);
        assert_eq!(code(&o), 6, "{cert:?}: {err}");
        assert!(err.starts_with("ddorg: error (tls): "), "{cert:?}: {err}");
        assert!(err.contains(needle), "{cert:?}: {err}");
        assert!(!err.contains("attempts"), "never retried: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    assert_eq!(fake.request_count(), 0, "no TLS failure reached the API");
}

#[test]
fn tls_roots_system_is_used_and_bad_trust_options_exit_2() {
    let fake = FakeServer::start_tls().unwrap();
    let url = fake.base_url();
    // The system's store does not hold the fake's CA: the option was honoured.
    let o = ddorg(
        None,
        &[
            "--base-url",
            &url,
            "--tls-roots",
            "system",
            "org",
            "get",
            "abc",
        ],
    );
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert_stderr_has(&o, "error (tls)");

    let scratch = Scratch::new("bad");
    let ca = ca_file(&fake, &scratch);
    let missing = ca.with_file_name("missing.pem");
    for args in [
        vec!["--tls-roots", "webpki"],
        vec!["--ca-bundle", missing.to_str().unwrap()],
        vec!["--ca-bundle", ca.to_str().unwrap(), "--tls-roots", "system"],
    ] {
        let mut all = vec!["--base-url", url.as_str()];
        all.extend(args.iter().copied());
        all.extend(["org", "get", "abc"]);
        let o = ddorg(None, &all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert_stderr_has(&o, "error (config)");
    }
    assert!(stderr(&ddorg(
        None,
        &[
            "--base-url",
            &url,
            "--ca-bundle",
            missing.to_str().unwrap(),
            "org",
            "get",
            "x"
        ]
    ))
    .contains("missing.pem"));
    assert_eq!(fake.request_count(), 0);
}
