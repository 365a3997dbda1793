//! `ddorg org list`: the managed organizations as a table, or as received with `--json`.

use ddorg_fake::{FakeServer, Reply};

mod common;

use common::{assert_hostile_text_escaped, code, ddorg, stderr, stdout, HOSTILE};

#[test]
fn org_list_prints_one_line_per_managed_org_and_the_rate_limit() {
    let fake = FakeServer::start().unwrap();
    fake.set_orgs(&[("parent1", "Parent org"), ("child01", "Child one")]);
    let o = ddorg(Some(&fake), &["org", "list"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("PUBLIC ID  NAME"), "{out}");
    assert!(lines[1].starts_with("parent1    Parent org"), "{out}");
    assert!(lines[2].starts_with("child01    Child one"), "{out}");
    assert_eq!(lines[3], "2 organizations", "{out}");
    assert!(stderr(&o).contains("rate limit org_list"), "{}", stderr(&o));
    assert_eq!(fake.requests()[0].path, "/api/v1/org");

    fake.enqueue(Reply::json(200, r#"{"orgs":[]}"#));
    let o = ddorg(Some(&fake), &["org", "list"]);
    assert_eq!(stdout(&o), "The response lists no organizations.\n");
}

#[test]
fn org_list_json_is_the_body_as_received_and_hostile_text_is_escaped_in_the_table() {
    let fake = FakeServer::start().unwrap();
    let body = serde_json::json!({
        "orgs": [{"name": HOSTILE, "public_id": "p1", "description": null, "brand_new": [1, null]}],
        "extra": {"x": null}
    });
    fake.set_org_list(Reply::json(200, &body.to_string()));
    let o = ddorg(Some(&fake), &["org", "list", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(printed, body);

    assert_hostile_text_escaped(&ddorg(Some(&fake), &["org", "list"]));
}

#[test]
fn org_list_errors_exit_like_the_other_calls_and_it_takes_no_arguments() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::errors(403, &["Forbidden"]));
    let o = ddorg(Some(&fake), &["org", "list"]);
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("ddorg: error (forbidden)"),
        "{}",
        stderr(&o)
    );
    let o = ddorg(Some(&fake), &["org", "list", "extra"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("`ddorg org list` takes no arguments"),
        "{}",
        stderr(&o)
    );
    let o = ddorg(None, &["org", "list", "--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("GET /api/v1/org"), "{}", stdout(&o));
}
