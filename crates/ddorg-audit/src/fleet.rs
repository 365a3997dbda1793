//! Fleets: `FLEET.toml` (orgs, sites, where each org's keys are) and the concurrent audit of them.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ddorg_core::{Client, ClientBuilder, Error, ErrorKind, Site, ENV_API_KEY, ENV_APP_KEY};
use serde::Deserialize;

use crate::audit::audit_org_at;
pub use crate::keys::KeySource;
use crate::policy::Policy;
use crate::report::{OrgError, OrgReport, Report};
use crate::source::{line_col, report_path, table_line, SourceLocation};
use crate::stop::{not_started, stopped, Stop, StopSleeper};
use crate::timestamp::{format_rfc3339, now, UnixSeconds};

/// The most orgs audited at once; more would only queue on Datadog's rate limits.
pub const MAX_CONCURRENCY: usize = 256;

/// One org of a fleet file.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FleetOrg {
    /// The label in reports (`name`; defaults to the public ID). Unique in the fleet.
    pub name: String,
    /// The org's public ID.
    pub public_id: String,
    /// The site, when no base URL is set. Defaults to `datadoghq.com`.
    pub site: Option<Site>,
    /// A custom base URL (wins over the site).
    pub base_url: Option<String>,
    /// Where the API key is. Defaults to the environment variable `DD_API_KEY`.
    pub api_key: KeySource,
    /// Where the application key is. Defaults to the environment variable `DD_APP_KEY`.
    pub app_key: KeySource,
    /// The overall deadline of each call. Defaults to the client's (60 s).
    pub timeout: Option<Duration>,
    /// Retries per call. Defaults to the client's (3).
    pub max_retries: Option<u32>,
    /// The line (from 1) of the org's `[[orgs]]` table in the fleet file; `None` for an org
    /// built in code.
    pub line: Option<u32>,
    /// Labels (`tags = ["prod", "eu"]`) that select the policy's `[[overrides]]` and show in
    /// reports. Defaults to none.
    pub tags: Vec<String>,
}

impl FleetOrg {
    /// The org's client: its keys read now, its site or base URL, timeout and retries, then
    /// `configure` (the caller's options, which win).
    pub fn client(
        &self,
        configure: Option<&(dyn Fn(ClientBuilder) -> ClientBuilder + Send + Sync)>,
    ) -> Result<Client, Error> {
        let mut b = ClientBuilder::new()
            .api_key(self.api_key.read("API key")?)
            .app_key(self.app_key.read("application key")?);
        if let Some(site) = self.site {
            b = b.site(site);
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url);
        }
        if let Some(t) = self.timeout {
            b = b.timeout(t);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(n);
        }
        if let Some(f) = configure {
            b = f(b);
        }
        b.build()
    }

    /// `(site, base_url)` as the report records them.
    fn location(&self) -> (Option<String>, Option<String>) {
        match &self.base_url {
            Some(url) => (None, Some(url.clone())),
            None => (
                Some(self.site.unwrap_or_default().as_str().to_string()),
                None,
            ),
        }
    }
}

/// A fleet file, read and checked: every org with its site and key sources.
///
/// ```
/// let fleet = ddorg_audit::Fleet::from_toml_str(r#"
///     [defaults]
///     site = "datadoghq.eu"
///     [[orgs]]
///     name = "prod-eu"
///     public_id = "abc123"
///     api_key_env = "DD_API_KEY_PROD_EU"
///     app_key_file = "/run/secrets/dd-app-key-prod-eu"
/// "#, std::path::Path::new("."))?;
/// assert_eq!(fleet.orgs()[0].site, Some(ddorg_core::Site::Eu1));
/// let literal = ddorg_audit::Fleet::from_toml_str(
///     "[[orgs]]\npublic_id = \"abc\"\napi_key = \"0123\"\n", std::path::Path::new("."));
/// assert!(literal.unwrap_err().message().contains("never live in the fleet file"));
/// # Ok::<(), ddorg_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    orgs: Vec<FleetOrg>,
    /// The file as reports name it (relative, `/`-separated), when read by [`Fleet::from_file`].
    path: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    #[serde(default)]
    defaults: Option<toml::Spanned<Entry>>,
    #[serde(default)]
    orgs: Vec<toml::Spanned<Entry>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: Option<String>,
    public_id: Option<String>,
    site: Option<String>,
    base_url: Option<String>,
    api_key_env: Option<String>,
    app_key_env: Option<String>,
    api_key_file: Option<String>,
    app_key_file: Option<String>,
    timeout: Option<toml::Value>,
    max_retries: Option<u32>,
    tags: Option<Vec<String>>,
    // Accepted by the parser only to be refused with the reason (see `Fleet::from_toml_str`).
    api_key: Option<toml::Value>,
    app_key: Option<toml::Value>,
}

fn config(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
}

/// toml's error as one line: `line:column: what` (toml's own message is several lines).
fn toml_error(e: &toml::de::Error, text: &str) -> String {
    let what = e.message().lines().next().unwrap_or("").trim();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{line}:{col}: {what}")
        }
        None => what.to_string(),
    }
}

impl Entry {
    fn key_source(
        &self,
        what: &str,
        env: &Option<String>,
        file: &Option<String>,
        base_dir: &Path,
    ) -> Result<Option<KeySource>, String> {
        match (env, file) {
            (Some(_), Some(_)) => Err(format!("set {what}_key_env or {what}_key_file, not both")),
            (Some(name), None) if name.trim().is_empty() => Err(format!("{what}_key_env is empty")),
            (Some(name), None) => Ok(Some(KeySource::Env(name.trim().to_string()))),
            (None, Some(path)) if path.trim().is_empty() => {
                Err(format!("{what}_key_file is empty"))
            }
            (None, Some(path)) => Ok(Some(KeySource::File(base_dir.join(path.trim())))),
            (None, None) => Ok(None),
        }
    }

    fn timeout(&self) -> Result<Option<Duration>, String> {
        let secs = match &self.timeout {
            None => return Ok(None),
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            Some(other) => {
                return Err(format!(
                    "timeout must be a number of seconds, got a {}",
                    other.type_str()
                ))
            }
        };
        if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
            return Err(format!(
                "timeout must be between 0 and 86400 seconds, got {secs}"
            ));
        }
        Ok(Some(Duration::from_secs_f64(secs)))
    }

    fn site(&self) -> Result<Option<Site>, String> {
        if self.site.is_some() && self.base_url.is_some() {
            return Err("set site or base_url, not both".into());
        }
        self.site
            .as_deref()
            .map(str::parse::<Site>)
            .transpose()
            .map_err(|e| e.message().to_string())
    }

    /// The tags, trimmed; an empty one is an error.
    fn tags(&self) -> Result<Vec<String>, String> {
        let tags: Vec<String> = self
            .tags
            .iter()
            .flatten()
            .map(|t| t.trim().to_string())
            .collect();
        if tags.iter().any(String::is_empty) {
            return Err("tags holds an empty tag".into());
        }
        Ok(tags)
    }

    fn refuse_literal_keys(&self) -> Result<(), String> {
        for (field, set) in [("api_key", &self.api_key), ("app_key", &self.app_key)] {
            if set.is_some() {
                return Err(format!(
                    "`{field}` is not allowed: keys never live in the fleet file, which is copied, \
                     committed and shared; name an environment variable with {field}_env or a \
                     file with {field}_file"
                ));
            }
        }
        Ok(())
    }
}

impl Fleet {
    /// Reads and checks a fleet file; relative key file paths are relative to its directory.
    pub fn from_file(path: &Path) -> Result<Fleet, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            config(format!(
                "cannot read the fleet file {}: {e}",
                path.display()
            ))
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut fleet = Fleet::parse(&text, dir, &format!("{}:", path.display()))?;
        fleet.path = Some(report_path(path));
        Ok(fleet)
    }

    /// Reads and checks fleet TOML. Errors (all [`ErrorKind::Config`], naming the line and the
    /// problem): an unknown key, a literal `api_key`/`app_key`, an unknown site, both `site` and
    /// `base_url` (or both `…_env` and `…_file`) in one table, a missing or duplicate name or
    /// public ID (naming both lines), no orgs. Keys are not read here: a variable not set or a
    /// file missing is an error of that org only, when it is audited
    /// ([`check_fleet`](crate::check_fleet) checks them all without auditing).
    pub fn from_toml_str(text: &str, base_dir: &Path) -> Result<Fleet, Error> {
        Fleet::parse(text, base_dir, "invalid fleet: line ")
    }

    /// [`Fleet::from_toml_str`], its errors starting with `origin` and the line
    /// (`fleet.toml:12: …` for a file).
    fn parse(text: &str, base_dir: &Path, origin: &str) -> Result<Fleet, Error> {
        let file: FleetFile = toml::from_str(text)
            .map_err(|e| config(format!("{origin}{}", toml_error(&e, text))))?;
        let no_defaults = toml::Spanned::new(0..0, Entry::default());
        let defaults = file.defaults.as_ref().unwrap_or(&no_defaults);
        let d = defaults.get_ref();
        let d_line = table_line(text, defaults.span().start, "defaults");
        let in_defaults = |e: String| config(format!("{origin}{d_line}: [defaults]: {e}"));
        d.refuse_literal_keys().map_err(in_defaults)?;
        if d.name.is_some() || d.public_id.is_some() || d.tags.is_some() {
            return Err(in_defaults(
                "name, public_id and tags belong in each [[orgs]] entry".into(),
            ));
        }
        let d_site = d.site().map_err(in_defaults)?;
        let d_timeout = d.timeout().map_err(in_defaults)?;
        let d_api = d
            .key_source("api", &d.api_key_env, &d.api_key_file, base_dir)
            .map_err(in_defaults)?;
        let d_app = d
            .key_source("app", &d.app_key_env, &d.app_key_file, base_dir)
            .map_err(in_defaults)?;
        if file.orgs.is_empty() {
            let origin = origin.strip_suffix(" line ").unwrap_or(origin);
            return Err(config(format!(
                "{origin} no [[orgs]] entries: nothing to audit"
            )));
        }
        let mut names = HashMap::new();
        let mut public_ids = HashMap::new();
        let mut orgs = Vec::with_capacity(file.orgs.len());
        for spanned in &file.orgs {
            let e = spanned.get_ref();
            let line = table_line(text, spanned.span().start, "orgs");
            let label = e
                .name
                .as_deref()
                .or(e.public_id.as_deref())
                .map(|n| format!(" ({n:?})"))
                .unwrap_or_default();
            let at = |m: String| config(format!("{origin}{line}: [[orgs]]{label}: {m}"));
            e.refuse_literal_keys().map_err(at)?;
            let public_id = match e.public_id.as_deref().map(str::trim) {
                Some(id) if !id.is_empty() => id.to_string(),
                _ => return Err(at("public_id is missing or empty".into())),
            };
            let name = match e.name.as_deref().map(str::trim) {
                Some("") => return Err(at("name is empty".into())),
                Some(n) => n.to_string(),
                None => public_id.clone(),
            };
            if let Some(first) = public_ids.insert(public_id.clone(), line) {
                return Err(at(format!(
                    "the public ID {public_id:?} is also at line {first}: an org audited twice \
                     counts its findings twice; give it one entry"
                )));
            }
            if let Some(first) = names.insert(name.clone(), line) {
                return Err(at(format!(
                    "the name {name:?} is also used at line {first}: reports and baselines \
                     tell orgs apart by name"
                )));
            }
            let site = e.site().map_err(at)?;
            let api_key = e
                .key_source("api", &e.api_key_env, &e.api_key_file, base_dir)
                .map_err(at)?;
            let app_key = e
                .key_source("app", &e.app_key_env, &e.app_key_file, base_dir)
                .map_err(at)?;
            // An org's own site or base URL replaces both of the defaults'.
            let (site, base_url) = if site.is_some() || e.base_url.is_some() {
                (site, e.base_url.clone())
            } else {
                (d_site, d.base_url.clone())
            };
            orgs.push(FleetOrg {
                name,
                public_id,
                site,
                base_url,
                api_key: api_key
                    .or_else(|| d_api.clone())
                    .unwrap_or_else(|| KeySource::Env(ENV_API_KEY.into())),
                app_key: app_key
                    .or_else(|| d_app.clone())
                    .unwrap_or_else(|| KeySource::Env(ENV_APP_KEY.into())),
                timeout: e.timeout().map_err(at)?.or(d_timeout),
                max_retries: e.max_retries.or(d.max_retries),
                line: Some(line),
                tags: e.tags().map_err(at)?,
            });
        }
        Ok(Fleet { orgs, path: None })
    }

    /// A fleet of these orgs (for callers that build one in code).
    pub fn new(orgs: Vec<FleetOrg>) -> Fleet {
        Fleet { orgs, path: None }
    }

    /// The fleet file as reports name it, when the fleet was read by [`Fleet::from_file`]: the
    /// path as given, relative and `/`-separated (an absolute path is made relative to the
    /// working directory, or reduced to the file name outside it: reports are read elsewhere).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The orgs, in file order.
    pub fn orgs(&self) -> &[FleetOrg] {
        &self.orgs
    }
}

impl FleetOrg {
    /// An org whose keys come from `DD_API_KEY` and `DD_APP_KEY`, on the default site.
    pub fn new(name: impl Into<String>, public_id: impl Into<String>) -> FleetOrg {
        FleetOrg {
            name: name.into(),
            public_id: public_id.into(),
            site: None,
            base_url: None,
            api_key: KeySource::Env(ENV_API_KEY.into()),
            app_key: KeySource::Env(ENV_APP_KEY.into()),
            timeout: None,
            max_retries: None,
            line: None,
            tags: Vec::new(),
        }
    }
}

/// Progress of a fleet audit, reported after each org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Orgs finished so far.
    pub done: usize,
    /// Orgs in the fleet.
    pub total: usize,
    /// Orgs finished with `status: "error"` so far.
    pub errors: usize,
}

/// Changes every org's client builder after the fleet file's settings (so these win).
pub type Configure = Arc<dyn Fn(ClientBuilder) -> ClientBuilder + Send + Sync>;
/// Called after each org with the progress so far (from the worker threads, one call at a time
/// and in order of `done`, so keep it quick: the other workers wait to record their orgs).
pub type OnProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// How a fleet is audited.
#[derive(Clone)]
#[non_exhaustive]
pub struct FleetOptions {
    /// How many orgs are audited at once, each by its own client. Defaults to 8; at most
    /// [`MAX_CONCURRENCY`].
    pub concurrency: usize,
    /// Applied to every org's client builder last (user agent, timeouts, a sleeper…). Defaults to
    /// none.
    pub configure: Option<Configure>,
    /// Called after each org. Defaults to none.
    pub on_progress: Option<OnProgress>,
    /// The time the audit compares dates with. Defaults to now.
    pub now: Option<UnixSeconds>,
    /// Set it to stop the audit early (Ctrl-C, a deadline for the whole fleet): no further org
    /// is started, and the retry waits of the orgs in flight end (their requests end by their
    /// timeouts). The report then has every org, those not started as errors (`timeout`, "the
    /// fleet audit was stopped"), so it exits 9 as an incomplete audit does. With it, each org's
    /// client waits with a sleeper that watches the flag, unless `configure` sets its own.
    /// Defaults to none.
    pub stop: Option<Stop>,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            concurrency: 8,
            configure: None,
            on_progress: None,
            now: None,
            stop: None,
        }
    }
}

impl fmt::Debug for FleetOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetOptions")
            .field("concurrency", &self.concurrency)
            .field("configure", &self.configure.is_some())
            .field("on_progress", &self.on_progress.is_some())
            .field("now", &self.now)
            .field("stop", &self.stop)
            .finish()
    }
}

/// Audits one fleet org: builds its client (its own keys, pool and rate limits), then the audit.
fn audit_member(
    org: &FleetOrg,
    path: Option<&str>,
    policy: &Policy,
    options: &FleetOptions,
    t: UnixSeconds,
) -> OrgReport {
    let mut report = audit_member_at(org, policy, options, t);
    if let (Some(path), Some(line)) = (path, org.line) {
        report.source = Some(SourceLocation::new(path, line));
    }
    report
}

/// [`audit_member`] before its source location is recorded.
fn audit_member_at(
    org: &FleetOrg,
    policy: &Policy,
    options: &FleetOptions,
    t: UnixSeconds,
) -> OrgReport {
    let client = if stopped(options.stop.as_ref()) {
        Err(not_started())
    } else {
        org.client(Some(&|b: ClientBuilder| {
            let b = match &options.stop {
                Some(stop) => b.sleeper(StopSleeper(Arc::clone(stop))),
                None => b,
            };
            match &options.configure {
                Some(configure) => configure(b),
                None => b,
            }
        }))
    };
    let own = policy.for_tags(&org.tags);
    let mut report = match client {
        Ok(client) => audit_org_at(&client, &org.name, &org.public_id, &own, t),
        Err(e) => {
            let (site, base_url) = org.location();
            OrgReport::failed(
                &org.name,
                &org.public_id,
                site,
                base_url,
                OrgError::from_error(&e, None),
            )
        }
    };
    report.set_tags(&org.tags, policy);
    report
}

/// Audits every org of a fleet, `options.concurrency` at a time, and reports them in fleet order.
///
/// Each org gets its own client, so one org's 429s (and the retry waits they cause) hold only
/// that org's worker: the others carry on. Memory holds the finished orgs' reports and, per
/// worker, one org's responses. An org that cannot be audited (a key not set, a call failing)
/// is an error in the report; the rest are still audited. Only a concurrency of 0 or above
/// [`MAX_CONCURRENCY`] is an error. [`FleetOptions::stop`] ends it early.
pub fn audit_fleet(
    fleet: &Fleet,
    policy: &Policy,
    options: &FleetOptions,
) -> Result<Report, Error> {
    if options.concurrency == 0 || options.concurrency > MAX_CONCURRENCY {
        return Err(config(format!(
            "the concurrency must be between 1 and {MAX_CONCURRENCY}, got {}",
            options.concurrency
        )));
    }
    let t = options.now.unwrap_or_else(now);
    let total = fleet.orgs.len();
    let next = AtomicUsize::new(0);
    let done = Mutex::new((vec![None; total], 0usize, 0usize));
    std::thread::scope(|s| {
        for _ in 0..options.concurrency.min(total) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(org) = fleet.orgs.get(i) else {
                    break;
                };
                let report = audit_member(org, fleet.path(), policy, options, t);
                let failed = report.error.is_some();
                let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
                d.0[i] = Some(report);
                d.1 += 1;
                d.2 += usize::from(failed);
                // Under the lock, so the calls come in order: a counter never steps back, and
                // the last call is the one with `done == total`.
                if let Some(cb) = &options.on_progress {
                    cb(Progress {
                        done: d.1,
                        total,
                        errors: d.2,
                    });
                }
            });
        }
    });
    let (reports, _, _) = done.into_inner().unwrap_or_else(|e| e.into_inner());
    let orgs = reports.into_iter().flatten().collect();
    Ok(Report::new(policy.clone(), orgs, format_rfc3339(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(text: &str) -> Result<Fleet, Error> {
        Fleet::from_toml_str(text, Path::new("/etc/ddorg"))
    }

    #[test]
    fn defaults_apply_and_an_org_overrides_them() {
        let f = fleet(
            r#"
            [defaults]
            site = "datadoghq.eu"
            api_key_env = "PARENT_API"
            app_key_file = "keys/app"
            timeout = 5
            [[orgs]]
            name = "a"
            public_id = "id-a"
            [[orgs]]
            public_id = "id-b"
            base_url = "http://127.0.0.1:1"
            api_key_file = "/run/secrets/b"
            timeout = 0.5
            max_retries = 0
            "#,
        )
        .unwrap();
        let [a, b] = f.orgs() else { panic!() };
        assert_eq!(a.site, Some(Site::Eu1));
        assert_eq!(a.api_key, KeySource::Env("PARENT_API".into()));
        assert_eq!(a.app_key, KeySource::File("/etc/ddorg/keys/app".into()));
        assert_eq!(a.timeout, Some(Duration::from_secs(5)));
        assert_eq!(b.name, "id-b");
        assert_eq!(
            (b.site, b.base_url.as_deref()),
            (None, Some("http://127.0.0.1:1"))
        );
        assert_eq!(b.api_key, KeySource::File("/run/secrets/b".into()));
        assert_eq!(b.timeout, Some(Duration::from_millis(500)));
        assert_eq!(b.max_retries, Some(0));
    }

    #[test]
    fn keys_default_to_the_usual_variables() {
        let f = fleet("[[orgs]]\npublic_id = \"x\"\n").unwrap();
        assert_eq!(f.orgs()[0].api_key, KeySource::Env("DD_API_KEY".into()));
        assert_eq!(f.orgs()[0].app_key, KeySource::Env("DD_APP_KEY".into()));
    }

    #[test]
    fn mistakes_are_config_errors_that_say_which_and_why() {
        for (text, needle) in [
            ("[[orgs]]\npublic_id = \"x\"\napi_key = \"k\"\n", "never live in the fleet file"),
            ("[defaults]\napp_key = \"k\"\n[[orgs]]\npublic_id = \"x\"\n", "app_key_env"),
            ("[[orgs]]\npublic_id = \"x\"\nsiet = \"eu\"\n", "siet"),
            ("[defaults]\nbogus = 1\n[[orgs]]\npublic_id = \"x\"\n", "bogus"),
            ("[[orgs]]\npublic_id = \"x\"\nsite = \"mars\"\n", "unknown Datadog site"),
            ("[[orgs]]\nname = \"n\"\n", "public_id is missing"),
            ("[[orgs]]\npublic_id = \"x\"\n[[orgs]]\npublic_id = \"x\"\n", "also at line 1"),
            ("[defaults]\nsite = \"datadoghq.com\"\n", "no [[orgs]]"),
            (
                "[[orgs]]\npublic_id = \"x\"\napi_key_env = \"A\"\napi_key_file = \"f\"\n",
                "not both",
            ),
            (
                "[[orgs]]\npublic_id = \"x\"\nsite = \"datadoghq.eu\"\nbase_url = \"http://127.0.0.1\"\n",
                "not both",
            ),
            ("[[orgs]]\npublic_id = \"x\"\ntimeout = \"soon\"\n", "timeout"),
            ("[[orgs]]\npublic_id = \"x\"\ntimeout = 0\n", "timeout"),
        ] {
            let e = fleet(text).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config);
            assert!(e.message().contains(needle), "{text:?}: {e}");
            assert!(!e.message().contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn a_missing_key_is_an_error_of_that_org_only() {
        let f = fleet(
            r#"
            [[orgs]]
            name = "no-key"
            public_id = "x"
            base_url = "http://127.0.0.1:9"
            api_key_env = "DDORG_AUDIT_TEST_SURELY_UNSET"
            app_key_file = "/nonexistent/ddorg/app-key"
            "#,
        )
        .unwrap();
        let r = audit_fleet(&f, &Policy::default(), &FleetOptions::default()).unwrap();
        let e = r.orgs[0].error.as_ref().unwrap();
        assert_eq!(e.kind, "config");
        assert!(
            e.message
                .contains("DDORG_AUDIT_TEST_SURELY_UNSET is not set"),
            "{}",
            e.message
        );
        assert_eq!(r.exit_code(), crate::EXIT_INCOMPLETE);
    }

    #[test]
    fn progress_is_reported_once_per_org_in_order() {
        let mut text = String::new();
        for i in 0..64 {
            text.push_str(&format!(
                "[[orgs]]\npublic_id = \"x{i}\"\napi_key_env = \"DDORG_AUDIT_TEST_SURELY_UNSET\"\n"
            ));
        }
        let f = fleet(&text).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let o = FleetOptions {
            concurrency: 16,
            on_progress: Some(Arc::new(move |p: Progress| {
                record.lock().unwrap().push((p.done, p.errors, p.total))
            })),
            ..FleetOptions::default()
        };
        audit_fleet(&f, &Policy::default(), &o).unwrap();
        let expected: Vec<_> = (1..=64).map(|n| (n, n, 64)).collect();
        assert_eq!(*seen.lock().unwrap(), expected);
    }

    #[test]
    fn concurrency_out_of_range_is_refused() {
        let f = fleet("[[orgs]]\npublic_id = \"x\"\n").unwrap();
        for n in [0, MAX_CONCURRENCY + 1] {
            let o = FleetOptions {
                concurrency: n,
                ..FleetOptions::default()
            };
            assert!(audit_fleet(&f, &Policy::default(), &o).is_err());
        }
    }
}
