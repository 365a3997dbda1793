//! The global options, typed, and the client they configure.

use std::time::Duration;

use ddorg_core::{Client, ClientBuilder, Error, ErrorKind, ENV_API_KEY, ENV_APP_KEY};

/// Global options; each `None` leaves the environment or the core's default in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub site: Option<String>,
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub json: bool,
    pub verbose: bool,
}

impl Options {
    /// Sets the global option `long` from its value (`None` for a flag). The values are only
    /// parsed here; their limits are the core's (`ClientBuilder::build`), so every language
    /// accepts the same ones.
    pub fn set(&mut self, long: &str, value: Option<String>) -> Result<(), String> {
        let value = || value.clone().unwrap_or_default();
        match long {
            "--site" => self.site = Some(value()),
            "--base-url" => self.base_url = Some(value()),
            "--timeout" => {
                let v = value();
                let secs: f64 = v
                    .trim()
                    .parse()
                    .map_err(|_| format!("--timeout takes seconds, got {v:?}"))?;
                self.timeout = Some(Duration::try_from_secs_f64(secs).map_err(|_| {
                    format!("--timeout takes a positive number of seconds, got {v}")
                })?);
            }
            "--max-retries" => {
                let v = value();
                self.max_retries = Some(
                    v.trim()
                        .parse()
                        .map_err(|_| format!("--max-retries takes a whole number, got {v:?}"))?,
                );
            }
            "--json" => self.json = true,
            "--verbose" => self.verbose = true,
            // --help and --version are handled by the parser.
            _ => {}
        }
        Ok(())
    }
}

/// A client from the environment, with the command line's options on top.
pub fn client(opts: &Options) -> Result<Client, Error> {
    // The CLI cannot take keys as arguments (they would show in `ps`), so a missing key is
    // named by its variable only; the core's own message also offers "pass it to the client".
    for (what, var) in [("API key", ENV_API_KEY), ("application key", ENV_APP_KEY)] {
        if std::env::var_os(var).is_none_or(|v| v.is_empty()) {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the {what} is missing: set the {var} environment variable"),
            ));
        }
    }
    let mut b = ClientBuilder::from_env();
    if let Some(site) = &opts.site {
        b = b.site(site.parse()?);
    }
    if let Some(url) = &opts.base_url {
        b = b.base_url(url);
    }
    if let Some(t) = opts.timeout {
        b = b.timeout(t);
    }
    if let Some(n) = opts.max_retries {
        b = b.max_retries(n);
    }
    b.user_agent(concat!("ddorg-cli/", env!("CARGO_PKG_VERSION")))
        .build()
}
