//! `ddorg fake`: the shipped CLI serves the fake, and what it tells a person to run works as printed.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};

mod common;

use common::{code, keyless, keyless_command, stderr, stdout, Scratch};

/// A running `ddorg fake`: the port it printed, the hint it printed on stderr, and its stdin,
/// which stops it (`--exit-on-eof`) when dropped.
struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    hint: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().expect("ddorg fake exits");
        assert!(status.success(), "ddorg fake: {status}");
    }
}

/// Starts `ddorg fake --exit-on-eof args...` and reads its `PORT` line and its hint (up to the
/// line of the last suggested command).
fn start(args: &[&str]) -> Running {
    let mut child = keyless_command()
        .arg("fake")
        .arg("--exit-on-eof")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddorg fake starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .strip_prefix("PORT ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no PORT line: {line:?}"));
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut hint = String::new();
    while !hint
        .lines()
        .last()
        .is_some_and(|l| l.starts_with("  ddorg audit"))
    {
        if err.read_line(&mut hint).unwrap() == 0 {
            panic!("the hint ended early: {hint}");
        }
    }
    // Whatever else it prints goes nowhere; the hint is complete.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    let stdin = child.stdin.take();
    Running {
        child,
        stdin,
        port,
        hint,
    }
}

/// The variables of the hint's `export` line.
fn exported(hint: &str) -> Vec<(String, String)> {
    let line = hint
        .lines()
        .find_map(|l| l.trim().strip_prefix("export "))
        .unwrap_or_else(|| panic!("no export line: {hint}"));
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("NAME=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Runs one suggested `ddorg ...` line of the hint with the hint's environment, as a shell would.
fn run_suggested(hint: &str, line: &str) -> std::process::Output {
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[0], "ddorg", "{line}");
    let mut cmd: Command = keyless_command();
    cmd.args(&words[1..]);
    for (k, v) in exported(hint) {
        cmd.env(k, v);
    }
    cmd.output().expect("ddorg runs")
}

fn suggested(hint: &str) -> Vec<&str> {
    hint.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("ddorg "))
        .collect()
}

#[test]
fn every_command_the_fake_suggests_works_as_printed() {
    let fake = start(&[]);
    assert!(
        fake.hint
            .contains(&format!("http://127.0.0.1:{}", fake.port)),
        "{}",
        fake.hint
    );
    let lines = suggested(&fake.hint);
    assert_eq!(lines.len(), 3, "{}", fake.hint);
    for line in lines {
        let o = run_suggested(&fake.hint, line);
        assert_eq!(code(&o), 0, "{line}: {}{}", stdout(&o), stderr(&o));
        assert!(!stdout(&o).is_empty(), "{line}");
    }
}

#[test]
fn a_tls_fleet_from_the_cli_is_audited_with_the_fleet_file_it_wrote() {
    let dir = Scratch::new("fake-tls-fleet");
    let ca = dir.path("ca.pem");
    let fleet = dir.path("fleet.toml");
    let fake = start(&[
        "--tls",
        "--tls-ca-out",
        ca.to_str().unwrap(),
        "--fleet",
        "6",
        "--write-fleet",
        fleet.to_str().unwrap(),
    ]);
    let env = exported(&fake.hint);
    assert!(
        env.contains(&("DDORG_CA_BUNDLE".into(), ca.to_str().unwrap().into())),
        "{}",
        fake.hint
    );
    let lines = suggested(&fake.hint);
    assert_eq!(
        lines,
        [format!("ddorg audit --fleet {}", fleet.display())],
        "{}",
        fake.hint
    );
    let o = run_suggested(&fake.hint, lines[0]);
    let out = stdout(&o);
    // The fleet's postures have findings (exit 1) and no org fails to be audited (9).
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("orgs: 6 audited, 0 could not be audited"),
        "{out}"
    );
    assert!(std::fs::read_to_string(&ca)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn bad_values_are_usage_errors_with_the_commands_usage() {
    for args in [
        &["fake", "--latency", "soon"][..],
        &["fake", "--rate-limit", "lots"],
        &["fake", "--fleet", "0"],
        &["fake", "--write-fleet", "f.toml"],
        &["fake", "--tls-cert", "forged"],
        &["fake", "extra"],
    ] {
        let o = keyless(args);
        assert_eq!(code(&o), 2, "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("ddorg: usage error: "), "{err}");
        assert!(err.contains("Usage: ddorg [GLOBAL OPTIONS] fake"), "{err}");
    }
}

#[test]
fn a_port_in_use_is_reported_and_exits_1() {
    let first = start(&[]);
    let mut o = keyless_command()
        .args(["fake", "--port", &first.port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = o.wait().unwrap();
    let mut err = String::new();
    o.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("ddorg fake: cannot listen on 127.0.0.1:"),
        "{err}"
    );
}
