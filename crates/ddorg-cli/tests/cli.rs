//! The `ddorg` binary: output, `--json`, and every exit code of the contract.

use std::process::{Command, Output};

use ddorg_fake::{FakeServer, Listen, Reply, TlsCert};

const API_KEY: &str = "cli-test-api-key-0123456789";
const APP_KEY: &str = "cli-test-app-key-9876543210";

fn ddorg(fake: Option<&FakeServer>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ddorg"));
    cmd.args(args)
        .env_remove("DD_SITE")
        .env_remove("DDORG_BASE_URL");
    for name in [
        "DDORG_CA_BUNDLE",
        "SSL_CERT_FILE",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("DD_API_KEY", API_KEY).env("DD_APP_KEY", APP_KEY);
    if let Some(f) = fake {
        cmd.env("DDORG_BASE_URL", f.base_url());
    }
    let out = cmd.output().expect("ddorg runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !all.contains(API_KEY) && !all.contains(APP_KEY),
        "a key leaked: {all}"
    );
    out
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn org_get_prints_a_readable_summary_and_exits_0() {
    let fake = FakeServer::start().unwrap();
    let o = ddorg(Some(&fake), &["org", "get", "abcdef12345"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("New child org"), "{out}");
    assert!(out.contains("SAML enabled"), "{out}");
    assert!(out.contains("ro (read-only)"), "{out}");
    assert!(stderr(&o).contains("999 of 1000"), "{}", stderr(&o));
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
        assert_eq!(
            stderr(&o).lines().count().min(2),
            stderr(&o).lines().count().min(2)
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_ddorg"))
        .args(["salesforce", "list"])
        .env_remove("DD_API_KEY")
        .env_remove("DD_APP_KEY")
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("DD_API_KEY"), "{}", stderr(&o));
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
    assert!(stderr(&o).contains("timeout"), "{}", stderr(&o));

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
    assert!(stderr(&o).contains("network"), "{}", stderr(&o));
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
    assert!(stderr(&o).contains("after 3 attempts"), "{}", stderr(&o));
    assert_eq!(fake.request_count(), 3);
}

#[test]
fn demo_runs_against_the_embedded_fake_with_no_keys() {
    let o = Command::new(env!("CARGO_BIN_EXE_ddorg"))
        .arg("demo")
        .env_remove("DD_API_KEY")
        .env_remove("DD_APP_KEY")
        .env_remove("DDORG_BASE_URL")
        .env_remove("DD_SITE")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("New child org"), "{out}");
    assert!(out.contains("Acme Production Org"), "{out}");
    assert!(out.contains("succeeded after 2 attempts"), "{out}");
    assert!(out.contains("Organization not found"), "{out}");
    assert!(out.contains("org-0003  (wide-open)"), "{out}");
    assert!(out.contains("13 passed"), "{out}");
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

/// The fake's CA in a file of its own, for `--ca-bundle`.
fn ca_file(fake: &FakeServer, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ddorg-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, fake.ca_pem().unwrap()).unwrap();
    path
}

#[test]
fn ca_bundle_flag_and_env_trust_the_fake_ca() {
    let fake = FakeServer::start_tls().unwrap();
    let ca = ca_file(&fake, "trust");
    let ca = ca.to_str().unwrap();
    let o = ddorg(Some(&fake), &["--ca-bundle", ca, "org", "get", "abc"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("New child org"));

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ddorg"));
    let o = cmd
        .args(["--base-url", &fake.base_url(), "org", "get", "abc"])
        .env("DD_API_KEY", API_KEY)
        .env("DD_APP_KEY", APP_KEY)
        .env_remove("SSL_CERT_FILE")
        .env("DDORG_CA_BUNDLE", ca)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fake.request_count(), 2);
}

#[test]
fn every_tls_failure_exits_6_with_one_line_naming_the_host() {
    let fake = FakeServer::start().unwrap();
    let ca = ca_file(&fake, "failures");
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
    assert!(stderr(&o).contains("error (tls)"), "{}", stderr(&o));

    let ca = ca_file(&fake, "bad");
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
        assert!(stderr(&o).contains("error (config)"), "{}", stderr(&o));
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
