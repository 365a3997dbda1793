//! A fleet audited through one API key against the fake's Datadog-like rate limits: its orgs
//! share the key's budget, wait for each window to reset instead of being refused, and are all
//! audited.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, OrgStatus, Policy};
use ddorg_fake::{FakeServer, UnknownOrgs};

/// A scratch directory holding one private key file, `key`.
fn key_dir(name: &str, key: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ddorg-audit-pacing-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key"), format!("{key}\n")).unwrap();
    std::fs::set_permissions(dir.join("key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    dir
}

/// `orgs` orgs of the fake, every one audited with the key file `key` of `dir`.
fn one_key_fleet(fake: &FakeServer, dir: &Path, orgs: usize, defaults: &str) -> Fleet {
    let mut toml = format!(
        "[defaults]\nbase_url = \"{}\"\napi_key_file = \"key\"\napp_key_file = \"key\"\n{defaults}",
        fake.base_url()
    );
    for i in 0..orgs {
        toml.push_str(&format!("[[orgs]]\npublic_id = \"org-{i}\"\n"));
    }
    Fleet::from_toml_str(&toml, dir).unwrap()
}

const ORGS: usize = 30;
const LIMIT: u64 = 10;
const PERIOD: u64 = 2;
/// The calls each org makes: `get_org` and the Salesforce list, each its own limit.
const ENDPOINTS: usize = 2;

#[test]
fn a_fleet_sharing_one_key_waits_for_each_window_and_gets_at_most_one_429_per_period() {
    let fake = FakeServer::start().unwrap();
    fake.set_unknown_orgs(UnknownOrgs::Example); // the fleet's ids are made up
    fake.set_rate_limit(LIMIT, PERIOD);
    let key = "pacing-test-shared-key-0123456789";
    let dir = key_dir("origins", key);
    // The same key from two origins, a file and a variable: the orgs still share its budget.
    std::env::set_var("DDORG_PACING_TEST_API_KEY", key);
    let mut toml = format!(
        "[defaults]\nbase_url = \"{}\"\napp_key_file = \"key\"\n",
        fake.base_url()
    );
    for i in 0..ORGS {
        let source = if i % 2 == 0 {
            "api_key_file = \"key\""
        } else {
            "api_key_env = \"DDORG_PACING_TEST_API_KEY\""
        };
        toml.push_str(&format!("[[orgs]]\npublic_id = \"org-{i}\"\n{source}\n"));
    }
    let fleet = Fleet::from_toml_str(&toml, &dir).unwrap();
    let mut options = FleetOptions::default();
    options.concurrency = 8;

    let started = Instant::now();
    let report = audit_fleet(&fleet, &Policy::default(), &options).unwrap();
    let elapsed = started.elapsed().as_secs();
    let _ = std::fs::remove_dir_all(&dir);

    for org in &report.orgs {
        assert_eq!(org.status, OrgStatus::Audited, "{:?}", org.error);
    }
    // 30 calls per endpoint against 10 a window: the runner waited for at least two resets
    // rather than failing; each 429 it did get was retried once.
    let limited = fake.rate_limited_count();
    let windows = (elapsed / PERIOD + 1) as usize * ENDPOINTS;
    assert!(limited <= windows, "{limited} 429s in {windows} windows");
    assert_eq!(fake.request_count(), ORGS * ENDPOINTS + limited);
}

#[test]
fn a_stopped_fleet_ends_the_waits_for_a_spent_window_without_sending() {
    const STOP_ORGS: usize = 10;
    const WORKERS: usize = 4;
    let fake = FakeServer::start().unwrap();
    fake.set_unknown_orgs(UnknownOrgs::Example); // the fleet's ids are made up
                                                 // Two requests per endpoint in an hour: two orgs are audited, the next ones wait (up to the
                                                 // longest rate-limit wait, 60 s) until the audit is stopped.
    fake.set_rate_limit(2, 3600);
    let dir = key_dir("stop", "pacing-stop-key-0123456789");
    let fleet = one_key_fleet(&fake, &dir, STOP_ORGS, "timeout = 120\n");
    let stop = Arc::new(AtomicBool::new(false));
    let mut options = FleetOptions::default();
    options.concurrency = WORKERS;
    options.stop = Some(Arc::clone(&stop));
    let report = std::thread::scope(|s| {
        s.spawn(|| {
            while fake.request_count() < 4 {
                std::thread::sleep(Duration::from_millis(10));
            }
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
        });
        audit_fleet(&fleet, &Policy::default(), &options).unwrap()
    });
    let _ = std::fs::remove_dir_all(&dir);

    let audited = report
        .orgs
        .iter()
        .filter(|o| o.status == OrgStatus::Audited);
    assert_eq!(audited.count(), 2);
    let waited: Vec<_> = report
        .orgs
        .iter()
        .filter_map(|o| o.error.as_ref())
        .filter(|e| e.kind == "rate_limited")
        .collect();
    // Every worker was waiting: the two that audited an org each took the next one.
    assert_eq!(waited.len(), WORKERS, "{waited:?}");
    for e in waited {
        assert!(
            e.message.contains("not sent") && e.message.contains("interrupted"),
            "{}",
            e.message
        );
        assert_eq!(e.attempts, 0);
    }
    assert_eq!(
        fake.request_count(),
        4,
        "nothing sent into the spent window"
    );
    assert_eq!(fake.rate_limited_count(), 0);
}
