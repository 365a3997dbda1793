//! Fleet mode: many simulated orgs on one server, each with its own key pair, posture and
//! behaviour, and the fleet file that audits them.
//!
//! The postures cycle so that, in any fleet of [`POSTURES`]`.len()` orgs or more, every audit
//! rule of ddorg fires on some org, passes on another and cannot be evaluated on a third (nulls,
//! absent fields, a refused Salesforce call). [`Fleet::with_faults`] adds the failures a real
//! fleet has: revoked keys (403), an org that does not exist (404), a burst of 429s, an org too
//! slow to answer, and a key without `integrations_read`.
//!
//! The first org is the parent of a multi-org account: its key pair lists every fleet org on
//! `GET /api/v1/org` (itself first) and reads any of them on `GET /api/v1/org/{public_id}` (with
//! that org's posture, slowness and 404; the revoked keys and 429 bursts are the key holder's).
//! Every other org's key pair lists only its own org, as a child org's key does on Datadog.
//! Salesforce lists are the key's own org's.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::org_list::with_rate_limit;
use crate::reply::Reply;
use crate::wire::Prepared;

/// What a fleet org does besides answering with its posture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Behavior {
    /// Answers both calls.
    Normal,
    /// Its keys were revoked: every call gets 403.
    Forbidden,
    /// `GET /api/v1/org/{public_id}` gets 404 (the org was deleted).
    NotFound,
    /// Its first `n` calls get 429 with `x-ratelimit-reset: 1`, then it answers.
    RateLimitBurst(usize),
    /// The org call is answered only after this delay (longer than the fleet file's timeout for
    /// it, so the audit times out).
    Slow(Duration),
    /// The Salesforce call gets 403 (a key without `integrations_read`).
    SalesforceForbidden,
}

/// The postures fleet orgs cycle through, by name (see the module docs).
pub const POSTURES: &[&str] = &[
    "hardened",
    "saml-off",
    "wide-open",
    "jit-error-role",
    "nulls",
    "saml-unavailable",
];

/// One simulated org.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetOrg {
    /// Its label in the fleet file, `org-0001`, ….
    pub name: String,
    /// Its public ID.
    pub public_id: String,
    /// Its `DD-API-KEY`.
    pub api_key: String,
    /// Its `DD-APPLICATION-KEY`.
    pub app_key: String,
    /// Which of [`POSTURES`] it has.
    pub posture: &'static str,
    /// What it does besides.
    pub behavior: Behavior,
}

/// A simulated fleet, installed with [`FakeServer::set_fleet`](crate::FakeServer::set_fleet).
/// Its first org is the parent: its keys list and read every org (see the module docs).
///
/// ```
/// use ddorg_fake::{FakeServer, Fleet};
/// let server = FakeServer::start()?;
/// let fleet = Fleet::generate(12).with_faults();
/// server.set_fleet(&fleet);
/// let dir = std::env::temp_dir().join(format!("ddorg-fleet-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// fleet.write_fleet_file(&dir.join("fleet.toml"), &server.base_url())?;
/// assert!(std::fs::read_to_string(dir.join("fleet.toml"))?.contains("api_key_file"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fleet {
    orgs: Vec<FleetOrg>,
}

/// The timeout the fleet file gives a [`Behavior::Slow`] org, in seconds.
pub const SLOW_ORG_TIMEOUT_SECS: f64 = 0.5;

/// A 64-bit mix of `x` (splitmix64), for keys and IDs that look random but are reproducible.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Fleet {
    /// `n` well-behaved orgs with reproducible names, public IDs and keys, cycling through
    /// [`POSTURES`].
    pub fn generate(n: usize) -> Fleet {
        let orgs = (0..n)
            .map(|i| {
                let i64_ = i as u64;
                FleetOrg {
                    name: format!("org-{:04}", i + 1),
                    public_id: format!("{:012x}", mix(i64_) >> 16),
                    api_key: format!("{:016x}{:016x}", mix(i64_ ^ 0xA1), mix(i64_ ^ 0xA2)),
                    app_key: format!(
                        "{:016x}{:016x}{:08x}",
                        mix(i64_ ^ 0xB1),
                        mix(i64_ ^ 0xB2),
                        mix(i64_ ^ 0xB3) >> 32
                    ),
                    posture: POSTURES[i % POSTURES.len()],
                    behavior: Behavior::Normal,
                }
            })
            .collect();
        Fleet { orgs }
    }

    /// The same fleet with one org of each failing [`Behavior`], at fixed positions (the 8th,
    /// 12th, 14th, 18th and 20th orgs, where the fleet is that large).
    pub fn with_faults(mut self) -> Fleet {
        let faults = [
            (7, Behavior::Forbidden),
            (11, Behavior::NotFound),
            (13, Behavior::RateLimitBurst(2)),
            (17, Behavior::Slow(Duration::from_millis(2500))),
            (19, Behavior::SalesforceForbidden),
        ];
        for (i, b) in faults {
            if let Some(org) = self.orgs.get_mut(i) {
                org.behavior = b;
            }
        }
        self
    }

    /// The orgs, in order.
    pub fn orgs(&self) -> &[FleetOrg] {
        &self.orgs
    }

    /// The fleet file (TOML) for `ddorg audit --fleet`: every org with `base_url`, its keys in
    /// files `<key_dir>/<name>.api_key` and `.app_key` (as written; relative paths are relative
    /// to the fleet file), and a short `timeout` for a slow org.
    pub fn fleet_toml(&self, base_url: &str, key_dir: &str) -> String {
        let mut out = String::from(
            "# A ddorg-fake fleet: every org's keys are in files, never in this file.\n\
             [defaults]\n",
        );
        let _ = writeln!(out, "base_url = {}", toml_string(base_url));
        for org in &self.orgs {
            let _ = write!(
                out,
                "\n[[orgs]]\nname = {}\npublic_id = {}\napi_key_file = {}\napp_key_file = {}\n",
                toml_string(&org.name),
                toml_string(&org.public_id),
                toml_string(&format!("{key_dir}/{}.api_key", org.name)),
                toml_string(&format!("{key_dir}/{}.app_key", org.name)),
            );
            if let Behavior::Slow(_) = org.behavior {
                let _ = writeln!(out, "timeout = {SLOW_ORG_TIMEOUT_SECS}");
            }
        }
        out
    }

    /// Writes [`Fleet::fleet_toml`] to `path` and the keys, one file each (mode 0600 on Unix),
    /// to the directory `<path without extension>-keys` next to it.
    pub fn write_fleet_file(&self, path: &Path, base_url: &str) -> io::Result<()> {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fleet");
        let key_dir_name = format!("{stem}-keys");
        let key_dir = path.parent().unwrap_or(Path::new(".")).join(&key_dir_name);
        std::fs::create_dir_all(&key_dir)?;
        for org in &self.orgs {
            write_secret(&key_dir.join(format!("{}.api_key", org.name)), &org.api_key)?;
            write_secret(&key_dir.join(format!("{}.app_key", org.name)), &org.app_key)?;
        }
        std::fs::write(path, self.fleet_toml(base_url, &key_dir_name))
    }
}

fn write_secret(path: &Path, key: &str) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    io::Write::write_all(&mut options.open(path)?, format!("{key}\n").as_bytes())
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `org.settings` of a posture.
fn settings(posture: &str) -> Value {
    let hardened = json!({
        "private_widget_share": false,
        "saml": {"enabled": true},
        "saml_autocreate_access_role": "ro",
        "saml_autocreate_users_domains": {"domains": ["example.com"], "enabled": true},
        "saml_can_be_enabled": true,
        "saml_idp_endpoint": "https://idp.example.com/saml/sso",
        "saml_idp_initiated_login": {"enabled": false},
        "saml_idp_metadata_uploaded": true,
        "saml_login_url": "https://app.datadoghq.com/account/saml/login",
        "saml_strict_mode": {"enabled": true},
        "saml_idp_metadata_valid_until": "2099-01-01T00:00:00Z"
    });
    let mut s = hardened;
    match posture {
        "saml-off" => {
            s["saml"]["enabled"] = json!(false);
            s["private_widget_share"] = json!(true);
        }
        "wide-open" => {
            s["saml_strict_mode"]["enabled"] = json!(false);
            s["saml_idp_initiated_login"]["enabled"] = json!(true);
            s["saml_autocreate_access_role"] = json!("adm");
            s["saml_autocreate_users_domains"]["domains"] = json!(["example.com", "gmail.com"]);
            s["saml_idp_endpoint"] = json!("http://10.0.0.5/saml/sso");
            s["saml_login_url"] = json!("http://app.datadoghq.com/account/saml/login");
            s["saml_idp_metadata_uploaded"] = json!(false);
            s["saml_idp_metadata_valid_until"] = json!("2024-01-01 00:00:00");
        }
        "jit-error-role" => {
            s["saml_autocreate_access_role"] = json!("ERROR");
            // Unix seconds, ten days from when the fleet is installed.
            s["saml_idp_metadata_valid_until"] = json!(unix_now() + 10 * 86_400);
        }
        "nulls" => {
            s["saml"]["enabled"] = Value::Null;
            s["private_widget_share"] = Value::Null;
            if let Some(o) = s.as_object_mut() {
                o.remove("saml_idp_metadata_valid_until");
            }
        }
        "saml-unavailable" => {
            s["saml"]["enabled"] = json!(false);
            s["saml_can_be_enabled"] = json!(false);
        }
        _ => {}
    }
    s
}

/// The Salesforce list of a posture.
fn salesforce(posture: &str, i: usize) -> Value {
    let org = |url: Value, kind: Value| {
        json!({
            "id": format!("{:08x}-0000-4000-8000-{:012x}", mix(i as u64) >> 32, i),
            "type": "salesforce-incidents-org",
            "attributes": {
                "instance_url": url,
                "name": format!("Salesforce of org {}", i + 1),
                "sfdc_org_id": format!("00D{:012}", i),
                "sfdc_org_type": kind
            }
        })
    };
    let data = match posture {
        "saml-off" => vec![org(
            json!("https://acme--uat.sandbox.my.salesforce.com"),
            json!("Sandbox"),
        )],
        "wide-open" => vec![org(json!("http://crm.example.com"), json!("Scratch"))],
        "nulls" => vec![org(Value::Null, Value::Null)],
        "saml-unavailable" => Vec::new(),
        _ => vec![org(
            json!("https://acme.my.salesforce.com"),
            json!("Production"),
        )],
    };
    json!({ "data": data })
}

/// One installed org: its replies, rendered once (its one-org list when first asked for).
struct Member {
    public_id: String,
    app_key: String,
    behavior: Behavior,
    /// The `org` object of its `GET /api/v1/org/{public_id}` body, as text.
    org_object: String,
    org: Arc<Prepared>,
    salesforce: Arc<Prepared>,
    own_list: OnceLock<Arc<Prepared>>,
    calls: AtomicUsize,
}

/// A fleet as the server serves it. The first org is the parent (see [`Fleet`]).
pub(crate) struct FleetState {
    members: Vec<Member>,
    by_api_key: HashMap<String, usize>,
    by_public_id: HashMap<String, usize>,
    /// The parent's list of every org, rendered when first asked for.
    parent_list: OnceLock<Arc<Prepared>>,
    forbidden: Arc<Prepared>,
    not_found: Arc<Prepared>,
    rate_limited: Arc<Prepared>,
}

/// Which fleet endpoint a request is for.
pub(crate) enum FleetRoute<'a> {
    Org(&'a str),
    OrgList,
    Salesforce,
}

/// A `GET /api/v1/org` reply listing these `org` objects (JSON texts).
fn list_reply<'a>(objects: impl Iterator<Item = &'a str>) -> Arc<Prepared> {
    let mut body = String::from(r#"{"orgs":["#);
    for (i, o) in objects.enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(o);
    }
    body.push_str("]}");
    Arc::new(with_rate_limit(Reply::json(200, &body)).prepare())
}

impl FleetState {
    pub(crate) fn new(fleet: &Fleet) -> FleetState {
        let p = |r: Reply| Arc::new(r.prepare());
        let members: Vec<Member> =
            fleet
                .orgs
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let org_object = json!({
                        "name": o.name,
                        "public_id": o.public_id,
                        "created": "2024-05-01T12:00:00Z",
                        "description": format!("fake fleet org, posture {}", o.posture),
                        "settings": settings(o.posture),
                    })
                    .to_string();
                    let mut org = Reply::json(200, &format!(r#"{{"org":{org_object}}}"#))
                        .rate_limit(1000, 60, 999, 42, "org_get");
                    if let Behavior::Slow(d) = o.behavior {
                        org = org.delay(d);
                    }
                    let sf =
                        match o.behavior {
                            Behavior::SalesforceForbidden => Reply::errors(403, &["Forbidden"]),
                            _ => Reply::json(200, &salesforce(o.posture, i).to_string())
                                .rate_limit(1000, 60, 999, 42, "salesforce_orgs"),
                        };
                    Member {
                        public_id: o.public_id.clone(),
                        app_key: o.app_key.clone(),
                        behavior: o.behavior,
                        org_object,
                        org: p(org),
                        salesforce: p(sf),
                        own_list: OnceLock::new(),
                        calls: AtomicUsize::new(0),
                    }
                })
                .collect();
        let by_api_key = fleet
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.api_key.clone(), i))
            .collect();
        let by_public_id = fleet
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.public_id.clone(), i))
            .collect();
        FleetState {
            members,
            by_api_key,
            by_public_id,
            parent_list: OnceLock::new(),
            forbidden: p(Reply::errors(403, &["Forbidden"])),
            not_found: p(Reply::errors(404, &["Organization not found"])),
            rate_limited: p(
                Reply::errors(429, &["Too many requests"]).rate_limit(1000, 60, 0, 1, "org_get")
            ),
        }
    }

    /// Whether this key pair is a fleet org's (revoked ones included): the requests the rate
    /// limiter counts.
    pub(crate) fn knows(&self, api_key: &str, app_key: &str) -> bool {
        self.by_api_key
            .get(api_key)
            .is_some_and(|&i| self.members[i].app_key == app_key)
    }

    /// The reply for a fleet request: by the key pair, then the org's behaviour and posture.
    pub(crate) fn reply(
        &self,
        api_key: &str,
        app_key: &str,
        route: FleetRoute<'_>,
    ) -> Arc<Prepared> {
        let Some(&index) = self
            .by_api_key
            .get(api_key)
            .filter(|&&i| self.members[i].app_key == app_key)
        else {
            return Arc::clone(&self.forbidden);
        };
        let m = &self.members[index];
        let call = m.calls.fetch_add(1, Ordering::Relaxed);
        match m.behavior {
            Behavior::Forbidden => return Arc::clone(&self.forbidden),
            Behavior::RateLimitBurst(n) if call < n => return Arc::clone(&self.rate_limited),
            _ => {}
        }
        match route {
            FleetRoute::Org(id) => {
                let target = if id == m.public_id {
                    Some(m)
                } else if index == 0 {
                    // The parent's keys read every managed org.
                    self.by_public_id.get(id).map(|&i| &self.members[i])
                } else {
                    // Another org's ID with a child's keys: Datadog answers 404 too.
                    None
                };
                match target {
                    Some(t) if t.behavior != Behavior::NotFound => Arc::clone(&t.org),
                    _ => Arc::clone(&self.not_found),
                }
            }
            FleetRoute::OrgList if index == 0 => Arc::clone(
                self.parent_list
                    .get_or_init(|| list_reply(self.members.iter().map(|m| m.org_object.as_str()))),
            ),
            FleetRoute::OrgList => Arc::clone(
                m.own_list
                    .get_or_init(|| list_reply(std::iter::once(m.org_object.as_str()))),
            ),
            FleetRoute::Salesforce => Arc::clone(&m.salesforce),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleets_are_reproducible_with_distinct_keys() {
        let a = Fleet::generate(300);
        assert_eq!(a, Fleet::generate(300));
        let mut keys: Vec<&str> = a.orgs().iter().map(|o| o.api_key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 300);
        let mut ids: Vec<&str> = a.orgs().iter().map(|o| o.public_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 300);
    }

    #[test]
    fn the_fleet_file_names_key_files_never_keys() {
        let f = Fleet::generate(20).with_faults();
        let text = f.fleet_toml("http://127.0.0.1:1", "k");
        for o in f.orgs() {
            assert!(!text.contains(&o.api_key) && !text.contains(&o.app_key));
        }
        assert_eq!(text.matches("[[orgs]]").count(), 20);
        assert_eq!(text.matches("timeout = 0.5").count(), 1);
    }
}
