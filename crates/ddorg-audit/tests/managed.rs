//! Managed audits: a parent's key lists the orgs it manages, each is audited through that key,
//! and the Salesforce list (the key's org's) is read for the key's org only.

use std::path::PathBuf;
use std::sync::Arc;

use ddorg_audit::{
    audit_fleet, audit_managed, audit_org, Fleet, FleetOptions, OrgReport, OrgStatus, Policy,
    EXIT_INCOMPLETE,
};
use ddorg_core::Client;
use ddorg_fake::{FakeServer, Reply};

fn client_of(fake: &FakeServer, org: &ddorg_fake::FleetOrg) -> Client {
    Client::builder()
        .api_key(&org.api_key)
        .app_key(&org.app_key)
        .base_url(fake.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn is_sfdc(rule: &str) -> bool {
    rule.starts_with("DDORG-SFDC-")
}

fn salesforce_calls(fake: &FakeServer) -> usize {
    let sf = "/api/v2/integration/salesforce-incidents/organizations";
    fake.requests().iter().filter(|r| r.path == sf).count()
}

/// The rules of `org` that fired, passed and were not evaluated, SFDC rules left out.
fn outcome_without_sfdc(org: &OrgReport) -> (Vec<String>, Vec<String>, Vec<String>) {
    let keep = |ids: Vec<&str>| -> Vec<String> {
        ids.into_iter()
            .filter(|r| !is_sfdc(r))
            .map(str::to_string)
            .collect()
    };
    (
        keep(org.findings.iter().map(|f| f.rule.as_str()).collect()),
        keep(org.passed.iter().map(String::as_str).collect()),
        keep(org.not_evaluated.iter().map(|n| n.rule.as_str()).collect()),
    )
}

#[test]
fn a_parent_key_audits_every_managed_org_and_reads_only_its_own_salesforce_list() {
    let fake = FakeServer::start().unwrap();
    let sim = ddorg_fake::Fleet::generate(12).with_faults();
    fake.set_fleet(&sim);
    let parent = &sim.orgs()[0];
    let client = client_of(&fake, parent);
    let report = audit_managed(
        &client,
        &parent.public_id,
        &Policy::default(),
        &FleetOptions::default(),
    )
    .unwrap();

    assert_eq!(report.orgs.len(), 12);
    // One list, one org call per org, one Salesforce list: the parent's.
    assert_eq!(salesforce_calls(&fake), 1);
    assert_eq!(fake.request_count(), 1 + 12 + 1);
    let first = &report.orgs[0];
    assert_eq!(
        (first.name.as_str(), first.via.as_ref()),
        (parent.public_id.as_str(), None)
    );
    assert!(first
        .not_evaluated
        .iter()
        .all(|n| !n.reason.contains("belongs to the key's org")));
    for (org, sim_org) in report.orgs[1..].iter().zip(&sim.orgs()[1..]) {
        assert_eq!(org.name, sim_org.name, "labelled by the listed name");
        assert_eq!(org.public_id, sim_org.public_id);
        let via = org.via.as_ref().unwrap();
        assert_eq!(
            (via.name.as_str(), via.public_id.as_str()),
            (parent.public_id.as_str(), parent.public_id.as_str())
        );
        if sim_org.behavior == ddorg_fake::Behavior::NotFound {
            let e = org.error.as_ref().unwrap();
            assert_eq!(
                (e.kind.as_str(), e.call.as_deref()),
                ("not_found", Some("get_org"))
            );
            continue;
        }
        assert_eq!(
            org.status,
            OrgStatus::Audited,
            "{}: {:?}",
            org.name,
            org.error
        );
        let sfdc: Vec<_> = org
            .not_evaluated
            .iter()
            .filter(|n| is_sfdc(&n.rule))
            .collect();
        assert!(!sfdc.is_empty());
        for n in sfdc {
            assert!(
                n.reason
                    .contains(&format!("audited through the key of {}", parent.public_id))
                    && n.reason
                        .contains("the Salesforce list belongs to the key's org"),
                "{}",
                n.reason
            );
        }
        assert!(org.findings.iter().all(|f| !is_sfdc(&f.rule)));
        assert!(org.passed.iter().all(|r| !is_sfdc(r)));
    }
    assert_eq!(report.exit_code(), EXIT_INCOMPLETE, "the 404 org");
}

#[test]
fn a_managed_org_gets_the_findings_its_own_key_would_give_but_the_salesforce_ones() {
    let fake = FakeServer::start().unwrap();
    let sim = ddorg_fake::Fleet::generate(ddorg_fake::POSTURES.len() + 1);
    fake.set_fleet(&sim);
    let parent = &sim.orgs()[0];
    let policy = Policy::default();
    let managed = audit_managed(
        &client_of(&fake, parent),
        &parent.public_id,
        &policy,
        &FleetOptions::default(),
    )
    .unwrap();
    for (org, sim_org) in managed.orgs[1..].iter().zip(&sim.orgs()[1..]) {
        let own = audit_org(&client_of(&fake, sim_org), &sim_org.public_id, &policy);
        assert_eq!(
            outcome_without_sfdc(org),
            outcome_without_sfdc(&own.orgs[0]),
            "{}",
            org.name
        );
        let (got, own) = (&org.observed, &own.orgs[0].observed);
        assert_eq!((&got.settings, &got.name), (&own.settings, &own.name));
        assert_eq!(
            got.salesforce_organizations, None,
            "never the parent's list"
        );
    }
}

#[test]
fn a_list_that_cannot_be_read_makes_the_key_org_an_error_that_keeps_its_findings() {
    let fake = FakeServer::start().unwrap();
    fake.enqueue(Reply::errors(403, &["Forbidden"]));
    let client = Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let report = audit_managed(
        &client,
        "abcdef12345",
        &Policy::default(),
        &FleetOptions::default(),
    )
    .unwrap();
    assert_eq!(report.orgs.len(), 1);
    let org = &report.orgs[0];
    let e = org.error.as_ref().unwrap();
    assert_eq!(
        (e.kind.as_str(), e.status, e.call.as_deref()),
        ("forbidden", Some(403), Some("list_orgs"))
    );
    assert_eq!(org.status, OrgStatus::Error);
    assert!(!org.passed.is_empty() || !org.findings.is_empty());
    assert_eq!(report.exit_code(), EXIT_INCOMPLETE);
}

#[test]
fn bad_arguments_are_errors() {
    let fake = FakeServer::start().unwrap();
    let client = Client::builder()
        .api_key("k")
        .app_key("k")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let e = audit_managed(&client, " ", &Policy::default(), &FleetOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ddorg_core::ErrorKind::InvalidArgument);
    let mut o = FleetOptions::default();
    o.concurrency = 0;
    let e = audit_managed(&client, "abc", &Policy::default(), &o).unwrap_err();
    assert_eq!(e.kind(), ddorg_core::ErrorKind::Config);
    assert_eq!(fake.request_count(), 0);
}

/// The fake fleet's keys in files, and a fleet file of `text` (`{dir}` replaced by the key
/// directory, `{url}` by the fake's base URL) next to them.
fn fleet_file(fake: &FakeServer, sim: &ddorg_fake::Fleet, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddorg-managed-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    sim.write_fleet_file(&dir.join("generated.toml"), &fake.base_url())
        .unwrap();
    let path = dir.join("fleet.toml");
    let keys = dir.join("generated-keys");
    let text = text
        .replace("{dir}", keys.to_str().unwrap())
        .replace("{url}", &fake.base_url());
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_fleet_parent_with_managed_true_expands_after_itself_with_its_tags_and_line() {
    let fake = FakeServer::start().unwrap();
    let sim = ddorg_fake::Fleet::generate(8);
    fake.set_fleet(&sim);
    let o = sim.orgs();
    // The parent is named like a managed org (a clash), one managed org is in the file with
    // keys of its own, and a second parent with the same key lists nothing new.
    let text = format!(
        r#"
[defaults]
base_url = "{{url}}"
managed = true

[[orgs]]
name = "org-0003"
public_id = "{p}"
api_key_file = "{{dir}}/org-0001.api_key"
app_key_file = "{{dir}}/org-0001.app_key"
tags = ["prod"]

[[orgs]]
name = "again"
public_id = "{c5}"
api_key_file = "{{dir}}/org-0001.api_key"
app_key_file = "{{dir}}/org-0001.app_key"
managed = false

[[orgs]]
name = "own-keys"
public_id = "{c7}"
api_key_file = "{{dir}}/org-0007.api_key"
app_key_file = "{{dir}}/org-0007.app_key"
"#,
        p = o[0].public_id,
        c5 = o[4].public_id,
        c7 = o[6].public_id,
    );
    let path = fleet_file(&fake, &sim, "expand", &text);
    let fleet = Fleet::from_file(&path).unwrap();
    assert_eq!(
        fleet.orgs().iter().map(|o| o.managed).collect::<Vec<_>>(),
        [true, false, true]
    );
    let report = audit_fleet(&fleet, &Policy::default(), &FleetOptions::default()).unwrap();
    let names: Vec<&str> = report.orgs.iter().map(|o| o.name.as_str()).collect();
    let clash = format!("org-0003 ({})", o[2].public_id);
    assert_eq!(
        names,
        [
            "org-0003",
            "org-0002",
            clash.as_str(),
            "org-0004",
            "org-0006",
            "org-0008",
            "again",
            "own-keys"
        ]
    );
    let ids: std::collections::HashSet<_> = report.orgs.iter().map(|o| &o.public_id).collect();
    assert_eq!(ids.len(), 8, "every org once");
    for org in &report.orgs[1..6] {
        assert_eq!(org.via.as_ref().unwrap().name, "org-0003");
        assert_eq!(org.via.as_ref().unwrap().public_id, o[0].public_id);
        assert_eq!(org.tags, ["prod"]);
        assert_eq!(
            org.source.as_ref().unwrap().line,
            report.orgs[0].source.as_ref().unwrap().line
        );
        assert_eq!(org.status, OrgStatus::Audited, "{:?}", org.error);
    }
    // The org in the file with its own key is audited with it, Salesforce list included, and
    // its own managed = true lists only itself.
    let own = &report.orgs[7];
    assert!(own.via.is_none());
    assert!(own
        .not_evaluated
        .iter()
        .all(|n| !n.reason.contains("through the key")));
    assert!(report.orgs[6].via.is_none());
    // Salesforce lists: the parent's, "again" (the same key, its own org audited as usual) and
    // own-keys'.
    assert_eq!(salesforce_calls(&fake), 3);
    let sarif = ddorg_audit::render(&report, ddorg_audit::Format::Sarif);
    assert!(sarif.contains("through the key of org-0003"));
}

#[test]
fn a_fleet_parent_whose_list_fails_is_an_error_and_the_rest_is_audited() {
    let fake = FakeServer::start().unwrap();
    let sim = ddorg_fake::Fleet::generate(3);
    fake.set_fleet(&sim);
    let text = format!(
        "[defaults]\nbase_url = \"{{url}}\"\n\n[[orgs]]\nname = \"parent\"\npublic_id = \"{}\"\n\
         api_key_file = \"{{dir}}/org-0001.api_key\"\napp_key_file = \"{{dir}}/org-0001.app_key\"\n\
         managed = true\nmax_retries = 0\n",
        sim.orgs()[0].public_id
    );
    let path = fleet_file(&fake, &sim, "fails", &text);
    fake.enqueue(Reply::errors(500, &["Internal Server Error"]));
    let report = audit_fleet(
        &Fleet::from_file(&path).unwrap(),
        &Policy::default(),
        &FleetOptions::default(),
    )
    .unwrap();
    assert_eq!(report.orgs.len(), 1);
    let e = report.orgs[0].error.as_ref().unwrap();
    assert_eq!(
        (e.status, e.call.as_deref()),
        (Some(500), Some("list_orgs"))
    );
    assert!(!report.orgs[0].passed.is_empty());
    assert_eq!(report.exit_code(), EXIT_INCOMPLETE);
}

#[test]
fn a_thousand_managed_orgs_over_tls_open_at_most_concurrency_connections() {
    let fake = FakeServer::start_tls().unwrap();
    fake.set_recording(false);
    let sim = ddorg_fake::Fleet::generate(1_000);
    fake.set_fleet(&sim);
    let ca = std::env::temp_dir().join(format!("ddorg-managed-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, fake.ca_pem().unwrap()).unwrap();
    let parent = &sim.orgs()[0];
    let client = Client::builder()
        .api_key(&parent.api_key)
        .app_key(&parent.app_key)
        .base_url(fake.base_url())
        .ca_bundle(&ca)
        .build()
        .unwrap();
    let mut options = FleetOptions::default();
    options.concurrency = 8;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    options.on_progress = Some(Arc::new(move |p| record.lock().unwrap().push(p.total)));
    let report = audit_managed(&client, &parent.public_id, &Policy::default(), &options).unwrap();
    let _ = std::fs::remove_file(&ca);
    assert_eq!(report.orgs.len(), 1_000);
    assert!(report.orgs.iter().all(|o| o.error.is_none()));
    assert_eq!(seen.lock().unwrap().len(), 1_000);
    assert!(seen.lock().unwrap().iter().all(|&t| t == 1_000));
    let handshakes = fake.tls_handshake_count();
    assert!((1..=8).contains(&handshakes), "{handshakes} handshakes");
}
