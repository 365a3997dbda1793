//! `ddorg audit --policy` with exceptions: accepted findings do not set the exit code until they
//! expire, an expired exception is a warning on stderr, and a malformed one is a usage error.

use std::sync::atomic::{AtomicUsize, Ordering};

use ddorg_fake::FakeServer;

mod common;

use common::{
    assert_stderr_has, code, ddorg, jit_admin_settings, json_stdout, org_reply, stderr, Scratch,
};

fn exception(rule: &str, expires: &str) -> String {
    format!(
        "[[exceptions]]\nrule = \"{rule}\"\norgs = [\"ab?\"]\nreason = \"migration to the new IdP\"\n\
         expires = {expires}\nowner = \"iam-team\"\n"
    )
}

fn audit_with(policy: &str, extra: &[&str]) -> std::process::Output {
    // Tests run in parallel in one process: each audit has its own scratch directory.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let fake = FakeServer::start().unwrap();
    // SAML-004 (critical) and SAML-005 (high): exit 1 under the default `fail_on = "high"`.
    fake.set_org("abc", org_reply(None, jit_admin_settings()));
    let scratch = Scratch::new(&format!(
        "exceptions-{}",
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let path = scratch.write("policy.toml", policy);
    let mut args = vec!["audit", "abc", "--policy", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    ddorg(Some(&fake), &args)
}

#[test]
fn excepted_findings_do_not_fail_the_audit() {
    let both = format!(
        "{}{}",
        exception("DDORG-SAML-004", "2099-12-31"),
        exception("DDORG-SAML-005", "2099-12-31")
    );
    let o = audit_with(&both, &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json_stdout(&o);
    assert_eq!(r["summary"]["excepted"], 2);
    assert_eq!(r["summary"]["failing_findings"], 0);
    let f = &r["orgs"][0]["findings"][0];
    assert_eq!(f["exception"]["owner"], "iam-team");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    // One of the two accepted: the other still fails, and --fail-on still applies.
    let one = exception("DDORG-SAML-004", "2099-12-31");
    assert_eq!(code(&audit_with(&one, &[])), 1);
    assert_eq!(code(&audit_with(&one, &["--fail-on", "critical"])), 0);
}

#[test]
fn an_expired_exception_fails_again_and_warns_on_stderr() {
    let expired = format!(
        "{}{}",
        exception("DDORG-SAML-004", "2020-01-01"),
        exception("DDORG-SAML-005", "2099-12-31")
    );
    let o = audit_with(&expired, &[]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: the policy's exception for DDORG-SAML-004 (ab?) expired on 2020-01-01"
        ),
        "{err}"
    );
    // With --json, stderr holds only JSON: the report carries the warning.
    let o = audit_with(&expired, &["--json"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let r = json_stdout(&o);
    assert_eq!(r["expired_exceptions"][0]["rule"], "DDORG-SAML-004");
}

#[test]
fn an_exception_without_reason_or_expires_is_a_usage_error_naming_it() {
    for field in ["reason", "expires"] {
        let policy =
            exception("DDORG-SAML-004", "2099-12-31").replace(&format!("{field} = "), "# ");
        let o = audit_with(&policy, &[]);
        assert_eq!(code(&o), 2);
        assert_stderr_has(&o, &format!("`{field}` is required"));
    }
}
