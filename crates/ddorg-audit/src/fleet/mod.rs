//! Fleets: `FLEET.toml` (orgs, sites, where each org's keys are) and the concurrent audit of them.
//!
//! This file holds what a fleet is; `parse.rs` reads fleet files, `run.rs` audits fleets and
//! `managed.rs` finds the managed orgs of a parent's key.

use std::time::Duration;

use ddorg_core::{Client, ClientBuilder, Error, ErrorKind, Site, ENV_API_KEY, ENV_APP_KEY};

pub use crate::keys::KeySource;

mod managed;
mod parse;
mod run;

pub use managed::audit_managed;
pub use run::{audit_fleet, Configure, FleetOptions, OnProgress, Progress};

/// The most orgs audited at once; more would only queue on Datadog's rate limits.
pub const MAX_CONCURRENCY: usize = 256;

// The orgs of one site share a connection pool that must keep a connection per org in flight.
const _: () = assert!(MAX_CONCURRENCY <= ddorg_core::limits::MAX_IDLE_CONNECTIONS_PER_HOST);

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
    /// `managed = true`: audit this org, then every org its key lists as managed
    /// (`GET /api/v1/org`) through that key (see [`audit_managed`]). Defaults to `false`.
    pub managed: bool,
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

impl Fleet {
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
            managed: false,
        }
    }
}

/// A fleet error: [`ErrorKind::Config`](ddorg_core::ErrorKind::Config) with `message`.
fn config(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
}
