//! A fleet audited through one API key against the fake's Datadog-like rate limits: its orgs
//! share the key's budget, wait for each window to reset instead of being refused, and are all
//! audited.

use std::os::unix::fs::PermissionsExt;
use std::time::Instant;

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, OrgStatus, Policy};
use ddorg_fake::FakeServer;

const ORGS: usize = 30;
const LIMIT: u64 = 10;
const PERIOD: u64 = 2;
/// The calls each org makes: `get_org` and the Salesforce list, each its own limit.
const ENDPOINTS: usize = 2;

#[test]
fn a_fleet_sharing_one_key_waits_for_each_window_and_gets_at_most_one_429_per_period() {
    let fake = FakeServer::start().unwrap();
    fake.set_rate_limit(LIMIT, PERIOD);
    let dir = std::env::temp_dir().join(format!("ddorg-audit-pacing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = "pacing-test-shared-key-0123456789";
    std::fs::write(dir.join("key"), format!("{key}\n")).unwrap();
    std::fs::set_permissions(dir.join("key"), std::fs::Permissions::from_mode(0o600)).unwrap();
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
