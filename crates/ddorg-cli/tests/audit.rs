//! `ddorg audit` end to end against ddorg-fake: one org, a fleet of hundreds with failures among
//! them, every format, drift, exit codes, and keys never in any report.

use std::path::{Path, PathBuf};
use std::process::Command;

use ddorg_fake::{Behavior, FakeServer, Fleet, Reply};
use serde_json::{json, Value};

mod common;

use common::{
    assert_stderr_has, assert_stdout_has, audit_fleet, code, ddorg, jit_admin_settings,
    json_stderr, json_stdout, org_reply, serve_fleet, stderr, stdout, with_test_keys, Scratch,
    API_KEY,
};

const RULE_COUNT: usize = ddorg_audit::RULES.len();

/// SAML-004, SAML-005 and SHARE-001 (public dashboards), no metadata expiry date.
fn wide_open_settings() -> Value {
    let mut settings = jit_admin_settings();
    settings["private_widget_share"] = json!(true);
    settings
        .as_object_mut()
        .unwrap()
        .remove("saml_idp_metadata_valid_until");
    settings
}

fn wide_open_org() -> Reply {
    org_reply(None, wide_open_settings())
}

#[test]
fn one_org_with_the_documented_example_passes_and_exits_0() {
    let fake = FakeServer::start().unwrap();
    let o = ddorg(Some(&fake), &["audit", "abcdef12345"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("== abcdef12345 (public ID abcdef12345, base URL http://127.0.0.1:"),
        "{out}"
    );
    assert!(out.contains("DDORG-SAML-002  SAML is off"), "{out}");
    assert!(out.contains("result: pass"), "{out}");
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/org/abcdef12345",
            "/api/v2/integration/salesforce-incidents/organizations"
        ]
    );
}

#[test]
fn findings_at_or_above_fail_on_exit_1_and_never_disables_it() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("abc", wide_open_org());
    let o = ddorg(Some(&fake), &["audit", "abc", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r = json_stdout(&o);
    assert_eq!(r["ddorg_audit"], 1);
    let rules: Vec<&str> = r["orgs"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["DDORG-SAML-004", "DDORG-SAML-005", "DDORG-SHARE-001"]
    );
    assert_eq!(r["summary"]["exit_code"], 1);
    assert_eq!(
        code(&ddorg(Some(&fake), &["audit", "abc", "--fail-on", "never"])),
        0
    );
    assert_eq!(
        code(&ddorg(Some(&fake), &["--fail-on=never", "audit", "abc"])),
        0
    );
    let scratch = Scratch::new("policy");
    let policy = scratch.write("policy.toml", "fail_on = \"never\"\n");
    let o = ddorg(
        Some(&fake),
        &[
            "audit",
            "abc",
            "--policy",
            policy.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(
        json_stdout(&o)["policy"]["fail_on"],
        "never",
        "the effective policy is recorded"
    );
}

#[test]
fn an_org_that_cannot_be_audited_exits_9_with_a_report() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("gone", Reply::errors(404, &["Organization not found"]));
    let o = ddorg(Some(&fake), &["audit", "gone", "--format", "json"]);
    assert_eq!(code(&o), 9);
    let r = json_stdout(&o);
    assert_eq!(r["orgs"][0]["status"], "error");
    assert_eq!(r["orgs"][0]["error"]["kind"], "not_found");
    assert_eq!(r["orgs"][0]["error"]["status"], 404);
    assert_stderr_has(&o, "1 of 1 org(s) could not be audited");
}

#[test]
fn json_flag_prints_the_json_report_as_format_json_does() {
    let fake = FakeServer::start().unwrap();
    fake.set_org("abc", wide_open_org());
    let by_format = ddorg(Some(&fake), &["audit", "abc", "--format", "json"]);
    for args in [
        &["audit", "abc", "--json"][..],
        &["--json", "audit", "abc"],
        &["--json", "audit", "abc", "--format", "json"],
    ] {
        let o = ddorg(Some(&fake), args);
        assert_eq!(code(&o), code(&by_format), "{args:?}: {}", stderr(&o));
        assert_eq!(code(&o), 1, "the wide-open org has high findings");
        let (mut r, mut expected) = (json_stdout(&o), json_stdout(&by_format));
        // Only the time of the audit may differ between two runs.
        for v in [&mut r, &mut expected] {
            v.as_object_mut().unwrap().remove("generated_at");
        }
        assert_eq!(r, expected, "{args:?}");
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn json_flag_with_another_format_is_a_usage_error_naming_both() {
    let fake = FakeServer::start().unwrap();
    for format in ["text", "sarif", "markdown"] {
        for args in [
            vec!["audit", "abcdef12345", "--json", "--format", format],
            vec!["--format", format, "--json", "audit", "abcdef12345"],
        ] {
            let o = ddorg(Some(&fake), &args);
            assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
            assert!(stdout(&o).is_empty(), "no report on a usage error");
            let e = json_stderr(&o);
            assert_eq!(e["kind"], "usage");
            let message = e["message"].as_str().unwrap();
            assert!(
                message.contains("--json") && message.contains(&format!("--format {format}")),
                "{message}"
            );
        }
        let o = ddorg(Some(&fake), &["audit", "abcdef12345", "--format", format]);
        assert_ne!(code(&o), 2, "--format {format} alone is fine");
    }
    // Two calls for each of the three runs without --json; the refused ones sent nothing.
    assert_eq!(fake.request_count(), 3 * 2);
}

#[test]
fn json_flag_keeps_errors_json_on_stderr_with_the_same_exit_codes() {
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("json-errors");
    let typo = scratch.write("typo.toml", "fail_onn = \"low\"\n");
    let o = ddorg(
        Some(&fake),
        &["audit", "abc", "--json", "--policy", typo.to_str().unwrap()],
    );
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).is_empty());
    let e = json_stderr(&o);
    assert_eq!(e["kind"], "config");
    assert!(e["message"].as_str().unwrap().contains("fail_onn"), "{e}");
    let o = ddorg(Some(&fake), &["--json", "audit"]);
    assert_eq!(code(&o), 2);
    assert_eq!(json_stderr(&o)["kind"], "usage");
    let o = ddorg(
        Some(&fake),
        &[
            "audit",
            "abc",
            "--json",
            "--output",
            "no/such/dir/report.json",
        ],
    );
    assert_eq!(code(&o), 2);
    let e = json_stderr(&o);
    assert_eq!(e["kind"], "config");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("cannot write the report"),
        "{e}"
    );
    // An org that cannot be audited is in the report; stderr holds no line of text then.
    fake.set_org("gone", Reply::errors(404, &["Organization not found"]));
    let o = ddorg(Some(&fake), &["audit", "gone", "--json"]);
    assert_eq!(code(&o), 9);
    assert_eq!(json_stdout(&o)["orgs"][0]["error"]["kind"], "not_found");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn usage_and_config_errors_exit_2_and_say_why() {
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("usage");
    let typo = scratch.write("typo.toml", "fail_onn = \"low\"\n");
    let literal = scratch.write(
        "literal.toml",
        &format!("[[orgs]]\npublic_id = \"x\"\napi_key = \"{API_KEY}\"\n"),
    );
    let unknown_key = scratch.write(
        "unknown.toml",
        "[[orgs]]\npublic_id = \"x\"\napi_key_envv = \"X\"\n",
    );
    for (args, needle) in [
        (vec!["audit"], "PUBLIC_ID or --fleet"),
        (vec!["audit", "abc", "--format", "xml"], "unknown format"),
        (
            vec!["audit", "abc", "--format", "srif"],
            "unknown format \"srif\" (did you mean sarif?)",
        ),
        (
            vec!["audit", "abc", "--fail-on", "hihg"],
            "unknown fail_on \"hihg\" (did you mean high?)",
        ),
        (vec!["audit", "abc", "--fail-on", "sometimes"], "never"),
        (
            vec!["audit", "abc", "--policy", typo.to_str().unwrap()],
            "fail_onn",
        ),
        (
            vec!["audit", "--fleet", literal.to_str().unwrap()],
            "keys never live in the fleet file",
        ),
        (
            vec!["audit", "--fleet", unknown_key.to_str().unwrap()],
            "api_key_envv",
        ),
        (
            vec!["audit", "--fleet", "no/such/fleet.toml"],
            "cannot read the fleet file",
        ),
        (
            vec!["audit", "abc", "--baseline", "no/such/old.json"],
            "cannot read the baseline",
        ),
        (
            vec!["org", "get", "abc", "--format", "sarif"],
            "expected text, json or terraform",
        ),
        (
            vec!["org", "get", "abc", "--format", "jsno"],
            "unknown format \"jsno\" (did you mean json?)",
        ),
        (
            vec!["audit", "abc", "--detail", "ful"],
            "unknown detail \"ful\" (did you mean full?)",
        ),
        (
            vec!["org", "get", "abc", "--json", "--format", "terraform"],
            "does not go with --format terraform",
        ),
        (
            vec!["org", "get", "abc", "--fleet", "f.toml"],
            "it is an option of `ddorg audit`",
        ),
    ] {
        let o = ddorg(Some(&fake), &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains(API_KEY),
            "a key leaked: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "no report on a usage error");
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn drift_against_a_baseline_counts_only_new_findings() {
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("drift");
    fake.set_org("abc", wide_open_org());
    let old = scratch.path("old.json");
    let o = ddorg(
        Some(&fake),
        &[
            "audit",
            "abc",
            "--format",
            "json",
            "--output",
            old.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).is_empty(),
        "--output writes the report to the file only"
    );

    let against_baseline = || {
        let old = old.to_str().unwrap();
        ddorg(
            Some(&fake),
            &["audit", "abc", "--baseline", old, "--format", "json"],
        )
    };

    // Same posture: the critical and high findings are known, so nothing new fails.
    let o = against_baseline();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json_stdout(&o)["summary"]["findings"]["critical"], 1);
    assert_eq!(json_stdout(&o)["summary"]["findings"]["high"], 1);

    // Sharing fixed, strict mode turned off, a setting gone to null.
    let mut settings = wide_open_settings();
    settings["private_widget_share"] = json!(false);
    settings["saml_strict_mode"]["enabled"] = json!(false);
    settings["saml_idp_metadata_valid_until"] = Value::Null;
    fake.set_org("abc", org_reply(None, settings));
    let o = against_baseline();
    assert_eq!(code(&o), 1, "the new high finding fails");
    let d = &json_stdout(&o)["orgs"][0]["drift"];
    assert_eq!(d["new_findings"][0]["rule"], "DDORG-SAML-002");
    assert_eq!(d["resolved_findings"][0]["rule"], "DDORG-SHARE-001");
    let changed = d["changed_settings"].as_array().unwrap();
    assert!(
        changed.contains(
            &json!({"field": "settings.private_widget_share", "old": true, "new": false})
        ),
        "{changed:?}"
    );
    assert!(
        changed.contains(&json!({"field": "settings.saml_idp_metadata_valid_until", "new": null})),
        "{changed:?}"
    );
    let text = ddorg(
        Some(&fake),
        &["audit", "abc", "--baseline", old.to_str().unwrap()],
    );
    assert_stdout_has(&text, "drift: 1 new, 1 resolved, 3 setting(s) changed");
}

fn rule_results(report: &Value) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut fired, mut passed, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for org in report["orgs"].as_array().unwrap() {
        for f in org["findings"].as_array().unwrap() {
            fired.push(f["rule"].as_str().unwrap().to_string());
        }
        for p in org["passed"].as_array().unwrap() {
            passed.push(p.as_str().unwrap().to_string());
        }
        for n in org["not_evaluated"].as_array().unwrap() {
            skipped.push(n["rule"].as_str().unwrap().to_string());
        }
    }
    for v in [&mut fired, &mut passed, &mut skipped] {
        v.sort();
        v.dedup();
    }
    (fired, passed, skipped)
}

/// A fake serving 240 orgs with faults among them, and the fleet file for it in `dir`.
fn fleet_scenario(dir: &Path) -> (FakeServer, Fleet, PathBuf) {
    let fleet = Fleet::generate(240).with_faults();
    let path = dir.join("fleet.toml");
    (serve_fleet(&fleet, &path), fleet, path)
}

#[test]
fn a_fleet_of_240_orgs_with_a_403_a_404_a_429_burst_and_a_timeout() {
    let scratch = Scratch::new("fleet");
    let (fake, fleet, path) = fleet_scenario(&scratch.0);
    let out = scratch.path("report.json");
    let o = audit_fleet(
        &path,
        &[
            "--concurrency",
            "16",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 9, "{}", stderr(&o));
    // stderr is not a terminal here: no progress counter, only the closing line.
    assert_eq!(
        stderr(&o),
        "ddorg: 3 of 240 org(s) could not be audited; the report covers the rest\n"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let orgs = r["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 240);
    for (org, spec) in orgs.iter().zip(fleet.orgs()) {
        assert_eq!(org["name"], spec.name.as_str(), "fleet order is kept");
        let error_kind = org["error"]["kind"].as_str();
        match spec.behavior {
            Behavior::Forbidden => assert_eq!(error_kind, Some("forbidden")),
            Behavior::NotFound => assert_eq!(error_kind, Some("not_found")),
            Behavior::Slow(_) => assert_eq!(error_kind, Some("timeout")),
            Behavior::RateLimitBurst(_) => {
                assert_eq!(org["status"], "audited", "retried through the 429s")
            }
            Behavior::SalesforceForbidden => {
                assert_eq!(org["status"], "audited");
                let reasons: Vec<&str> = org["not_evaluated"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|n| n["rule"].as_str().unwrap().starts_with("DDORG-SFDC"))
                    .map(|n| n["reason"].as_str().unwrap())
                    .collect();
                assert_eq!(reasons.len(), 3);
                assert!(
                    reasons.iter().all(|r| r.contains("integrations_read")),
                    "{reasons:?}"
                );
            }
            _ => assert_eq!(org["status"], "audited", "{org}"),
        }
        if org["status"] == "audited" {
            let n = org["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                + org["passed"].as_array().unwrap().len();
            assert!(
                n + org["not_evaluated"].as_array().unwrap().len() >= RULE_COUNT,
                "every rule accounted for: {org}"
            );
        }
    }
    assert_eq!(r["summary"]["orgs"], 240);
    assert_eq!(r["summary"]["errors"], 3);
    let (fired, passed, skipped) = rule_results(&r);
    assert_eq!(
        fired.len(),
        RULE_COUNT,
        "every rule fires somewhere: {fired:?}"
    );
    assert_eq!(
        passed.len(),
        RULE_COUNT,
        "every rule passes somewhere: {passed:?}"
    );
    assert_eq!(
        skipped.len(),
        RULE_COUNT,
        "every rule is not evaluated somewhere: {skipped:?}"
    );
    // Each org had its own key pair: 240 orgs, two calls each, three of them cut short, plus the 429s.
    assert_eq!(fake.request_count(), 2 * 240 - 3 + 2);
}

/// Runs `sh -c command` under a pseudo-terminal (util-linux `script`) and returns what the
/// terminal showed, with the terminal's `\r\n` turned back into `\n`; `None` if `script` cannot
/// run here. scripts/test installs it and sets DDORG_TEST_PTY, so there it is required.
fn on_a_terminal(command: &str) -> Option<(i32, String)> {
    let run = with_test_keys(&mut Command::new("script"))
        .args(["-q", "-e", "-c", command, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .stdin(std::process::Stdio::null())
        .output();
    match run {
        Ok(o) => Some((code(&o), stdout(&o).replace("\r\n", "\n"))),
        Err(e) => {
            assert!(
                std::env::var_os("DDORG_TEST_PTY").is_none(),
                "DDORG_TEST_PTY requires util-linux `script`, which cannot run: {e}"
            );
            eprintln!("skipped: the terminal progress test needs util-linux `script` ({e})");
            None
        }
    }
}

/// Single-quotes a word for `sh`.
fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[test]
fn a_fleet_shows_a_progress_counter_only_when_stderr_is_a_terminal() {
    let scratch = Scratch::new("progress");
    let fake = FakeServer::start().unwrap();
    // 20 orgs, three of which cannot be audited (a 403, a 404 and a timeout).
    let fleet = Fleet::generate(20).with_faults();
    fake.set_fleet(&fleet);
    let path = scratch.path("fleet.toml");
    fleet.write_fleet_file(&path, &fake.base_url()).unwrap();
    let report = scratch.path("report.txt");
    let stderr_file = scratch.path("stderr.txt");
    let audit = format!(
        "{} audit --fleet {} --concurrency 4",
        sh_quote(env!("CARGO_BIN_EXE_ddorg")),
        sh_quote(path.to_str().unwrap())
    );

    // stderr on the terminal (the report to a file): the counter, rewritten in place.
    let command = format!("{audit} > {}", sh_quote(report.to_str().unwrap()));
    let Some((status, shown)) = on_a_terminal(&command) else {
        return;
    };
    assert_eq!(status, 9, "{shown}");
    let closing = "ddorg: 3 of 20 org(s) could not be audited; the report covers the rest\n";
    let counter = shown
        .strip_suffix(closing)
        .unwrap_or_else(|| panic!("the closing line comes last: {shown:?}"));
    let counter = counter
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("the counter ends its line when done: {shown:?}"));
    let updates: Vec<&str> = counter
        .strip_prefix('\r')
        .unwrap_or_else(|| panic!("each update starts with a carriage return: {shown:?}"))
        .split('\r')
        .collect();
    assert_eq!(updates.len(), 20, "one update per org: {updates:?}");
    let mut errors_so_far = 0;
    for (i, update) in updates.iter().enumerate() {
        let errors: usize = update
            .strip_prefix(&format!("ddorg: audited {}/20 orgs (", i + 1))
            .and_then(|rest| rest.strip_suffix(" could not be audited)"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("update {}: {update:?}", i + 1));
        assert!(
            errors >= errors_so_far,
            "the error count never steps back: {updates:?}"
        );
        errors_so_far = errors;
    }
    assert_eq!(
        updates.last().copied(),
        Some("ddorg: audited 20/20 orgs (3 could not be audited)")
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("== org-0002"),
        "the report went to stdout: {text}"
    );
    assert!(!text.contains("audited 1/20"), "no progress in the report");

    // stdout on the terminal, stderr not: no counter at all, on either.
    let command = format!("{audit} 2> {}", sh_quote(stderr_file.to_str().unwrap()));
    let (status, shown) = on_a_terminal(&command).unwrap();
    assert_eq!(status, 9);
    assert!(shown.contains("== org-0002"), "{shown}");
    assert!(!shown.contains("ddorg: audited"), "{shown}");
    assert_eq!(std::fs::read_to_string(&stderr_file).unwrap(), closing);
}

#[test]
fn no_format_of_a_fleet_report_holds_a_key() {
    let scratch = Scratch::new("keys");
    let (_fake, fleet, path) = fleet_scenario(&scratch.0);
    for format in ["text", "json", "sarif", "markdown"] {
        let o = audit_fleet(&path, &["--format", format, "--concurrency", "32"]);
        assert_eq!(code(&o), 9, "{format}: {}", stderr(&o));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        for org in fleet.orgs() {
            assert!(
                !all.contains(&org.api_key) && !all.contains(&org.app_key),
                "{format}: a key of {} leaked",
                org.name
            );
        }
        match format {
            "sarif" => {
                let v = json_stdout(&o);
                assert_eq!(v["version"], "2.1.0");
                assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
            }
            "markdown" => assert!(stdout(&o).starts_with("# ddorg audit\n")),
            "text" => {
                assert!(stdout(&o).contains("could not be audited: org-0008, org-0012, org-0018"))
            }
            _ => assert_eq!(json_stdout(&o)["ddorg_audit"], 1),
        }
    }
}

#[test]
fn a_key_variable_not_set_fails_that_org_only() {
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("env");
    let fleet = scratch.write("fleet.toml", &format!(
        "[defaults]\nbase_url = \"{}\"\n\n[[orgs]]\nname = \"ok\"\npublic_id = \"abcdef12345\"\n\n[[orgs]]\nname = \"unset\"\npublic_id = \"def\"\napi_key_env = \"DDORG_TEST_UNSET_KEY\"\n",
        fake.base_url()
    ));
    let o = audit_fleet(&fleet, &["--format", "json"]);
    assert_eq!(code(&o), 9);
    let r = json_stdout(&o);
    assert_eq!(
        r["orgs"][0]["status"], "audited",
        "keys default to DD_API_KEY / DD_APP_KEY"
    );
    assert_eq!(r["orgs"][1]["error"]["kind"], "config");
    assert!(r["orgs"][1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("DDORG_TEST_UNSET_KEY is not set"));
}

#[test]
fn managed_audits_every_org_the_key_manages_and_reads_salesforce_for_the_key_org_only() {
    let fake = FakeServer::start().unwrap();
    fake.set_orgs(&[
        ("parent1", "Parent"),
        ("child01", "Child one"),
        ("child02", "Parent"),
    ]);
    let o = ddorg(
        Some(&fake),
        &["audit", "parent1", "--managed", "--concurrency", "2"],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_stdout_has(
        &o,
        "== Child one (public ID child01, base URL http://127.0.0.1:",
    );
    assert_stdout_has(&o, "through the key of parent1 (public ID parent1)");
    let sf = "/api/v2/integration/salesforce-incidents/organizations";
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.iter().filter(|p| *p == sf).count(), 1, "{paths:?}");
    assert_eq!(paths[0], "/api/v1/org", "{paths:?}");
    assert_eq!(paths.len(), 5, "{paths:?}");

    let o = ddorg(Some(&fake), &["audit", "parent1", "--managed", "--json"]);
    let report = json_stdout(&o);
    let orgs = report["orgs"].as_array().unwrap();
    let labels: Vec<&str> = orgs.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(labels, ["parent1", "Child one", "Parent"]);
    assert!(orgs[0].get("via").is_none());
    for org in &orgs[1..] {
        assert_eq!(
            org["via"],
            json!({"name": "parent1", "public_id": "parent1"})
        );
        let reasons: Vec<&str> = org["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["rule"].as_str().unwrap().starts_with("DDORG-SFDC-"))
            .map(|n| n["reason"].as_str().unwrap())
            .collect();
        assert!(!reasons.is_empty());
        assert!(reasons
            .iter()
            .all(|r| r.contains("the Salesforce list belongs to the key's org")));
    }
}

#[test]
fn managed_with_a_list_the_key_may_not_read_exits_9_naming_the_call() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::errors(403, &["Forbidden"]));
    let o = ddorg(
        Some(&fake),
        &["audit", "abcdef12345", "--managed", "--json"],
    );
    assert_eq!(code(&o), 9, "{}{}", stdout(&o), stderr(&o));
    let report = json_stdout(&o);
    assert_eq!(report["orgs"][0]["error"]["call"], "list_orgs");
    assert_eq!(report["orgs"][0]["error"]["status"], 403);
}

#[test]
fn managed_with_a_fleet_is_a_usage_error_that_says_what_to_write() {
    let scratch = Scratch::new("managed-fleet");
    let file = scratch.write("fleet.toml", "[[orgs]]\npublic_id = \"a\"\n");
    let o = audit_fleet(&file, &["--managed"]);
    assert_eq!(code(&o), 2);
    assert_stderr_has(&o, "managed = true");
}
