//! A fleet audit stopped early (Ctrl-C in a binding, a deadline for the whole fleet): no further
//! org starts, retry waits in flight end, and the report says which orgs were not audited.

use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, OrgStatus, Policy, EXIT_INCOMPLETE};
use ddorg_fake::{FakeServer, Reply};

const ORGS: usize = 40;
const CONCURRENCY: usize = 4;

#[test]
fn a_stopped_fleet_starts_no_more_orgs_and_ends_its_retry_waits() {
    let fake = FakeServer::start().unwrap();
    // Every org is rate limited with a window resetting in 50 s (within the 120 s deadline, so
    // the client waits for it): without the stop, this audit would take minutes.
    fake.enqueue(
        Reply::errors(429, &["Too many requests"])
            .rate_limit(10, 60, 0, 50, "org")
            .repeat(ORGS * 2),
    );
    let dir = std::env::temp_dir().join(format!("ddorg-audit-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Every org its own key, so each has its own rate-limit budget and its own 429 to wait out
    // (orgs sharing a key would wait for the first one's answer instead of sending).
    for i in 0..ORGS {
        let key = dir.join(format!("key-{i}"));
        std::fs::write(&key, format!("stop-test-key-{i:04}-0123456789\n")).unwrap();
        // Key files others can read are refused (ddorg_audit::KeySource).
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut toml = format!(
        "[defaults]\nbase_url = \"{}\"\ntimeout = 120\nmax_retries = 3\n",
        fake.base_url()
    );
    for i in 0..ORGS {
        toml.push_str(&format!(
            "[[orgs]]\npublic_id = \"org-{i}\"\napi_key_file = \"key-{i}\"\napp_key_file = \"key-{i}\"\n"
        ));
    }
    let fleet = Fleet::from_toml_str(&toml, &dir).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mut options = FleetOptions::default();
    options.concurrency = CONCURRENCY;
    options.stop = Some(Arc::clone(&stop));
    let report = std::thread::scope(|s| {
        s.spawn(|| {
            // Once every worker has its org's 429 and waits for the window to reset.
            while fake.request_count() < CONCURRENCY {
                std::thread::sleep(Duration::from_millis(10));
            }
            std::thread::sleep(Duration::from_millis(100));
            stop.store(true, Ordering::Relaxed);
        });
        audit_fleet(&fleet, &Policy::default(), &options).unwrap()
    });
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(report.orgs.len(), ORGS, "every org is in the report");
    assert!(report.orgs.iter().all(|o| o.status == OrgStatus::Error));
    let kinds: Vec<&str> = report
        .orgs
        .iter()
        .map(|o| o.error.as_ref().unwrap().kind.as_str())
        .collect();
    // The orgs in flight gave up their waits with the 429 they had; the rest never started.
    let in_flight = kinds.iter().filter(|k| **k == "rate_limited").count();
    assert_eq!(in_flight, CONCURRENCY, "{kinds:?}");
    for org in &report.orgs[CONCURRENCY..] {
        let e = org.error.as_ref().unwrap();
        assert_eq!(e.kind, "timeout");
        assert!(
            e.message.contains("fleet audit was stopped"),
            "{}",
            e.message
        );
        assert_eq!((e.attempts, e.call.as_deref()), (0, None));
    }
    // One request each for the orgs in flight: their first retry wait was cut short.
    assert_eq!(fake.request_count(), CONCURRENCY);
    assert_eq!(report.exit_code(), EXIT_INCOMPLETE);
}
