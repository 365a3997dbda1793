//! A fleet on one site shares its connections: 1,000 orgs (each its own client and keys)
//! audited `concurrency` at a time over TLS open at most `concurrency` connections.

use std::path::PathBuf;
use std::sync::Arc;

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, Policy};
use ddorg_fake::FakeServer;

const ORGS: usize = 1_000;

/// The fake fleet's file and its CA bundle, written in a scratch directory of this test.
fn files(fake: &FakeServer, fleet: &ddorg_fake::Fleet, name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ddorg-fleet-conn-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fleet.toml");
    fleet.write_fleet_file(&path, &fake.base_url()).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, fake.ca_pem().unwrap()).unwrap();
    (path, ca)
}

fn audit_over_tls_at(concurrency: usize) {
    let fake = FakeServer::start_tls().unwrap();
    fake.set_recording(false);
    let fleet = ddorg_fake::Fleet::generate(ORGS);
    fake.set_fleet(&fleet);
    let (path, ca) = files(&fake, &fleet, &concurrency.to_string());
    let mut options = FleetOptions::default();
    options.concurrency = concurrency;
    options.configure = Some(Arc::new(move |b| b.ca_bundle(&ca)));
    let report = audit_fleet(
        &Fleet::from_file(&path).unwrap(),
        &Policy::default(),
        &options,
    )
    .unwrap();

    assert_eq!(report.orgs.len(), ORGS);
    let failed: Vec<_> = report.orgs.iter().filter(|o| o.error.is_some()).collect();
    assert!(failed.is_empty(), "{:?}", failed.first().map(|o| &o.error));
    assert!(
        fake.request_count() >= 2 * ORGS,
        "{} requests",
        fake.request_count()
    );
    let handshakes = fake.tls_handshake_count();
    assert!(
        (1..=concurrency).contains(&handshakes),
        "{handshakes} TLS handshakes for {ORGS} orgs at concurrency {concurrency}"
    );
}

#[test]
fn a_thousand_orgs_one_at_a_time_use_one_connection() {
    audit_over_tls_at(1);
}

#[test]
fn a_thousand_orgs_eight_at_a_time_open_at_most_eight_connections() {
    audit_over_tls_at(8);
}

#[test]
fn a_thousand_orgs_thirty_two_at_a_time_open_at_most_thirty_two_connections() {
    audit_over_tls_at(32);
}
