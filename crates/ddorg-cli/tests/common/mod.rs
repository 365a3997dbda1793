//! What the CLI's test files share: the built `ddorg` run in a clean environment (against a
//! fake, with keys that must never show in its output), its output read back, scratch folders.
#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only part of this"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use ddorg_fake::FakeServer;

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
