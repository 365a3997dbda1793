//! The global options, typed, and the client they configure.

use ddorg_core::{limits, Client, ClientBuilder, Error, ErrorKind, ENV_API_KEY, ENV_APP_KEY};

/// Global options; each `None` leaves the environment or the core's default in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub site: Option<String>,
    pub base_url: Option<String>,
    /// Seconds, checked by `ddorg_core::limits::timeout_from_secs`.
    pub timeout: Option<f64>,
    /// Seconds, checked by `ddorg_core::limits::connect_timeout_from_secs`.
    pub connect_timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub max_body_size: Option<u64>,
    pub user_agent: Option<String>,
    pub append_user_agent: Vec<String>,
    pub ca_bundle: Option<String>,
    /// `bundled` or `system`, parsed by the core (`ddorg_core::TlsRoots`).
    pub tls_roots: Option<String>,
    pub json: bool,
    pub verbose: bool,
}

impl Options {
    /// Sets the global option `long` from its value (`None` for a flag). Values are only parsed
    /// here (a number is a number); whether one is allowed is the core's rule, checked when the
    /// client is built, so the CLI answers exactly as the other languages do.
    pub fn set(&mut self, long: &str, value: Option<String>) -> Result<(), String> {
        let v = value.unwrap_or_default();
        let number = |what: &str| format!("{long} takes {what}, got {v:?}");
        match long {
            "--site" => self.site = Some(v),
            "--base-url" => self.base_url = Some(v),
            "--timeout" => self.timeout = Some(v.trim().parse().map_err(|_| number("seconds"))?),
            "--connect-timeout" => {
                self.connect_timeout = Some(v.trim().parse().map_err(|_| number("seconds"))?)
            }
            "--max-retries" => {
                self.max_retries = Some(v.trim().parse().map_err(|_| number("a whole number"))?)
            }
            "--max-body-size" => {
                self.max_body_size =
                    Some(v.trim().parse().map_err(|_| number("a number of bytes"))?)
            }
            // A replaced user agent drops the tokens appended before it, as the builder does.
            "--user-agent" => {
                self.user_agent = Some(v);
                self.append_user_agent.clear();
            }
            "--append-user-agent" => self.append_user_agent.push(v),
            "--ca-bundle" => self.ca_bundle = Some(v),
            "--tls-roots" => self.tls_roots = Some(v),
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
    configure(opts)?(b).build()
}

/// The command line's client options (all but where to connect), to apply to any builder: the
/// one client of `org get`, or each organization's in a fleet audit. Every value is checked by
/// the core (`limits` here, the rest in `build`), so a bad one is the same error as in any
/// language.
pub fn configure(
    opts: &Options,
) -> Result<impl Fn(ClientBuilder) -> ClientBuilder + Send + Sync + 'static, Error> {
    let timeout = opts.timeout.map(limits::timeout_from_secs).transpose()?;
    let connect_timeout = opts
        .connect_timeout
        .map(limits::connect_timeout_from_secs)
        .transpose()?;
    let (max_retries, max_body_size) = (opts.max_retries, opts.max_body_size);
    let user_agent = opts.user_agent.clone();
    let tokens = opts.append_user_agent.clone();
    let tls_roots = opts
        .tls_roots
        .as_deref()
        .map(str::parse::<ddorg_core::TlsRoots>)
        .transpose()?;
    let ca_bundle = opts.ca_bundle.clone();
    Ok(move |mut b: ClientBuilder| {
        b = b.user_agent(concat!("ddorg-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(t) = timeout {
            b = b.timeout(t);
        }
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(bytes) = max_body_size {
            b = b.max_body_size(bytes);
        }
        if let Some(ua) = &user_agent {
            b = b.user_agent(ua.as_str());
        }
        for token in &tokens {
            b = b.append_user_agent(token.as_str());
        }
        if let Some(path) = &ca_bundle {
            b = b.ca_bundle(path);
        }
        if let Some(roots) = tls_roots {
            b = b.tls_roots(roots);
        }
        b
    })
}
