//! Reading fleet files: TOML in, a checked [`Fleet`] out, every mistake naming its line.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use ddorg_core::{Error, Site, ENV_API_KEY, ENV_APP_KEY};
use serde::Deserialize;

use super::{config, Fleet, FleetOrg, KeySource};
use crate::source::{line_col, report_path, table_line};

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
    managed: Option<bool>,
    // Accepted by the parser only to be refused with the reason (see `Fleet::from_toml_str`).
    api_key: Option<toml::Value>,
    app_key: Option<toml::Value>,
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

    /// Reads and checks fleet TOML. Errors (all [`ErrorKind::Config`](ddorg_core::ErrorKind::Config), naming the line and the
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
                managed: e.managed.or(d.managed).unwrap_or(false),
            });
        }
        Ok(Fleet { orgs, path: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddorg_core::ErrorKind;

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
}
