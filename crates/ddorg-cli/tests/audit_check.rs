//! `ddorg audit --check` and the fleet hygiene a CI run relies on: a fleet checked without a
//! request (the fake counts them), key files others can read refused with the fix, errors that
//! name the fleet file's line, and severities and site names in any letter case.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ddorg_fake::{FakeServer, Fleet};

mod common;

use common::{
    assert_stdout_has, audit_fleet, code, ddorg, json_stdout, keyless, serve_fleet, stderr, stdout,
    Scratch,
};

/// A fake serving a 6-org fleet and its fleet file (keys in files, mode 0600).
fn ready_fleet(dir: &Path) -> (FakeServer, Fleet, PathBuf) {
    let fleet = Fleet::generate(6);
    let path = dir.join("fleet.toml");
    (serve_fleet(&fleet, &path), fleet, path)
}

fn check(path: &Path) -> std::process::Output {
    audit_fleet(path, &["--check"])
}

#[test]
fn check_of_a_ready_fleet_exits_0_says_what_it_checked_and_sends_nothing() {
    let scratch = Scratch::new("check-ready");
    let (fake, _, path) = ready_fleet(&scratch.0);
    let o = check(&path);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("checked policy: the built-in policy"), "{out}");
    assert!(
        out.contains("6 org(s); keys and client settings of 6 ok"),
        "{out}"
    );
    assert!(out.contains("ready to audit; no request was sent"), "{out}");
    assert_eq!(fake.request_count(), 0, "--check sends nothing");
    // The same fleet audited for real does send: the counter counts.
    let o = audit_fleet(&path, &[]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    assert!(fake.request_count() > 0);
}

#[test]
fn check_refuses_a_key_file_others_can_read_naming_the_line_and_the_chmod_fix() {
    let scratch = Scratch::new("check-mode");
    let (fake, fleet, path) = ready_fleet(&scratch.0);
    let org = &fleet.orgs()[2];
    let key = scratch
        .0
        .join("fleet-keys")
        .join(format!("{}.app_key", org.name));
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = audit_fleet(&path, &["--check", "--json"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let v = json_stdout(&o);
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v}");
    let p = problems[0].as_str().unwrap();
    let line = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.contains(&format!("\"{}\"", org.name)))
        .unwrap(); // the `name` line follows its `[[orgs]]` header
    assert!(
        p.starts_with(&format!("{}:{line}: {}: ", path.display(), org.name)),
        "{p}"
    );
    assert!(
        p.contains("mode 0644") && p.contains(&format!("chmod 600 {}", key.display())),
        "{p}"
    );
    assert_eq!(fake.request_count(), 0);
    // The audit itself refuses that org's key the same way (an error of that org only).
    let o = audit_fleet(&path, &["--format", "json"]);
    assert_eq!(code(&o), 9);
    assert!(stdout(&o).contains("chmod 600"));
}

#[test]
fn check_of_a_fleet_file_with_a_public_id_twice_names_both_lines() {
    let scratch = Scratch::new("check-dup");
    let path = scratch.write(
        "fleet.toml",
        "[[orgs]]\nname = \"a\"\npublic_id = \"abc\"\n\n[[orgs]]\nname = \"b\"\npublic_id = \"abc\"\n",
    );
    let o = check(&path);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}:5: [[orgs]] (\"b\"): the public ID \"abc\" is also at line 1",
            path.display()
        )),
        "{out}"
    );
}

#[test]
fn check_of_one_org_reads_its_keys_and_options_and_sends_nothing() {
    let fake = FakeServer::start().unwrap();
    let o = ddorg(
        Some(&fake),
        &["audit", "abc", "--check", "--fail-on", "HIGH"],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("org abc: keys (DD_API_KEY, DD_APP_KEY) and client options: ok"));
    assert_eq!(fake.request_count(), 0);
    let o = keyless(&["audit", "abc", "--check", "--site", "us3"]);
    assert_eq!(code(&o), 2);
    assert_stdout_has(&o, "set the DD_API_KEY environment variable");
}

#[test]
fn severities_and_site_names_are_accepted_in_any_case() {
    let scratch = Scratch::new("check-case");
    let policy = scratch.write("policy.toml", "fail_on = \"Medium\"\n");
    let o = ddorg(
        None,
        &[
            "audit",
            "abc",
            "--check",
            "--site",
            "EU1",
            "--fail-on",
            "Never",
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let fleet = scratch.write(
        "fleet.toml",
        "[defaults]\nsite = \"us1-fed\"\napi_key_env = \"DD_API_KEY\"\n[[orgs]]\npublic_id = \"abc\"\nsite = \"AP2\"\n",
    );
    let o = check(&fleet);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = ddorg(None, &["audit", "abc", "--check", "--fail-on", "severe"]);
    assert_eq!(code(&o), 2);
}
