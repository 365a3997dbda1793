//! What the CLI's test files share: the built `ddorg` run in a clean environment (against a
//! fake, with keys that must never show in its output), its output read back, scratch folders.
#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only part of this"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ddorg_fake::{FakeServer, Fleet, Reply};
use serde_json::{json, Value};

pub const API_KEY: &str = "cli-test-api-key-0123456789";
pub const APP_KEY: &str = "cli-test-app-key-9876543210";

/// The machine's Datadog and network settings, none of which a test may inherit.
const INHERITED: &[&str] = &[
    "DD_API_KEY",
    "DD_APP_KEY",
    "DD_SITE",
    "DDORG_BASE_URL",
    "DDORG_CA_BUNDLE",
    "SSL_CERT_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Takes the machine's settings out of `cmd`'s environment.
pub fn without_settings(cmd: &mut Command) -> &mut Command {
    for name in INHERITED {
        cmd.env_remove(name);
    }
    cmd
}

/// Takes the machine's settings out of `cmd`'s environment and puts the test keys in
/// `DD_API_KEY`/`DD_APP_KEY`: for `ddorg` itself, or a program that runs it.
pub fn with_test_keys(cmd: &mut Command) -> &mut Command {
    without_settings(cmd)
        .env("DD_API_KEY", API_KEY)
        .env("DD_APP_KEY", APP_KEY)
}

/// `ddorg` with none of the machine's settings and no keys.
pub fn keyless_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ddorg"));
    without_settings(&mut cmd);
    cmd
}

/// `ddorg` with none of the machine's settings and the test keys.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ddorg"));
    with_test_keys(&mut cmd);
    cmd
}

/// Runs `ddorg args` with the test keys (against `fake` through `DDORG_BASE_URL`, if given),
/// and checks that neither key shows in what it printed.
pub fn ddorg(fake: Option<&FakeServer>, args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.args(args);
    if let Some(f) = fake {
        cmd.env("DDORG_BASE_URL", f.base_url());
    }
    let out = cmd.output().expect("ddorg runs");
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains(API_KEY) && !all.contains(APP_KEY),
        "a key leaked: {all}"
    );
    out
}

/// Runs `ddorg args` with no keys and none of the machine's settings.
pub fn keyless(args: &[&str]) -> Output {
    keyless_command().args(args).output().expect("ddorg runs")
}

/// Runs `ddorg audit --fleet FILE more...` with the test keys (the fleet file names the base URL).
pub fn audit_fleet(file: &Path, more: &[&str]) -> Output {
    let mut args = vec!["audit", "--fleet", file.to_str().expect("a UTF-8 path")];
    args.extend_from_slice(more);
    ddorg(None, &args)
}

/// A fake serving `fleet`, whose fleet file (keys in files, mode 0600) is written at `file`.
pub fn serve_fleet(fleet: &Fleet, file: &Path) -> FakeServer {
    let fake = FakeServer::start().unwrap();
    fake.set_fleet(fleet);
    fleet.write_fleet_file(file, &fake.base_url()).unwrap();
    fake
}

/// `org.settings` with SAML on and strict whose just-in-time users from gmail.com get the admin
/// role: SAML-004 (critical) and SAML-005 (high) fire, every other org rule passes.
///
/// Alike but not shared with ddorg-fake's fleet postures, ddorg-audit's test settings or the
/// Python suite's: each pins its own tests' findings and exit codes to the body it spells out,
/// and a change to one posture must not move the others' expectations.
pub fn jit_admin_settings() -> Value {
    json!({
        "private_widget_share": false,
        "saml": {"enabled": true},
        "saml_autocreate_access_role": "adm",
        "saml_autocreate_users_domains": {"domains": ["gmail.com"], "enabled": true},
        "saml_can_be_enabled": true,
        "saml_idp_endpoint": "https://idp.example.com",
        "saml_idp_initiated_login": {"enabled": false},
        "saml_idp_metadata_uploaded": true,
        "saml_login_url": "https://app.datadoghq.com/account/saml/login",
        "saml_strict_mode": {"enabled": true},
        "saml_idp_metadata_valid_until": "2099-01-01T00:00:00Z"
    })
}

/// A 200 answer to `GET /api/v1/org/abc`: the org `abc` with these `settings` (and `name`).
pub fn org_reply(name: Option<&str>, settings: Value) -> Reply {
    let mut org = json!({"public_id": "abc", "settings": settings});
    if let Some(name) = name {
        org["name"] = json!(name);
    }
    Reply::json(200, &json!({ "org": org }).to_string())
}

/// The JSON `o` printed on stdout (a report).
#[track_caller]
pub fn json_stdout(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// The one JSON object a `--json` run printed on stderr (an error).
#[track_caller]
pub fn json_stderr(o: &Output) -> Value {
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one JSON object on stderr: {err}");
    serde_json::from_str(&err).unwrap_or_else(|e| panic!("{e}: {err}"))
}

/// Asserts that `o` printed `needle` on stderr, showing its stderr if not.
#[track_caller]
pub fn assert_stderr_has(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(err.contains(needle), "{needle:?} not in stderr: {err}");
}

/// Asserts that `o` printed `needle` on stdout, showing its stdout if not.
#[track_caller]
pub fn assert_stdout_has(o: &Output, needle: &str) {
    let out = stdout(o);
    assert!(out.contains(needle), "{needle:?} not in stdout: {out}");
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory of this test process, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ddorg-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `text` to the file `name` in the directory and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Server text that would retitle a terminal, clear it, colour it and forge a line, if printed raw.
pub const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\r\nddorg: success";

/// Asserts a successful human-readable output shows [`HOSTILE`] escaped: no raw ESC or CR, no forged
/// `ddorg: success` line, the sequence printed as `\u{1b}]0;pwned\u{7}`.
pub fn assert_hostile_text_escaped(o: &Output) {
    assert_eq!(code(o), 0, "{}", stderr(o));
    let out = stdout(o);
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
    assert!(
        !out.lines().any(|l| l.starts_with("ddorg: success")),
        "{out}"
    );
    assert!(out.contains(r"\u{1b}]0;pwned\u{7}"), "{out}");
}
