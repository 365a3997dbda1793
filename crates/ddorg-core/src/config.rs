//! [`ClientBuilder`]: every option a [`Client`](crate::Client) has, with its default.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::base_url::BaseUrl;
use crate::client::Client;
use crate::error::{Error, ErrorKind};
use crate::limits::{self, TimeoutKind};
pub(crate) use crate::proxy::ProxySetting;
use crate::retry::{RetryPolicy, Sleeper, SleeperDebug, ThreadSleeper};
use crate::secret::{KeyHeader, Secret};
use crate::site::Site;
use crate::transport::Target;
use crate::trust::{TlsRoots, TrustSetting};

/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "DD_API_KEY";
/// Environment variable holding the application key.
pub const ENV_APP_KEY: &str = "DD_APP_KEY";
/// Environment variable naming the site, e.g. `datadoghq.eu`.
pub const ENV_SITE: &str = "DD_SITE";
/// Environment variable holding a custom base URL (wins over the site).
pub const ENV_BASE_URL: &str = "DDORG_BASE_URL";

/// The default user agent: `ddorg/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("ddorg/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Client`]. Every setter is infallible; [`build`](ClientBuilder::build) validates
/// everything at once and returns a [`ErrorKind::Config`] error naming the first problem.
///
/// ```
/// use std::time::Duration;
/// use ddorg_core::{Client, Site};
/// let client = Client::builder()
///     .api_key("my-api-key")
///     .app_key("my-app-key")
///     .site(Site::Eu1)
///     .timeout(Duration::from_secs(20))
///     .max_retries(5)
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "https://api.datadoghq.eu");
/// assert!(!format!("{client:?}").contains("my-api-key"));
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) api_key: Option<Secret>,
    pub(crate) app_key: Option<Secret>,
    pub(crate) site: Option<Site>,
    pub(crate) base_url: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_size: u64,
    pub(crate) user_agent: String,
    pub(crate) proxy: ProxySetting,
    pub(crate) trust: TrustSetting,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// An unparseable `DD_SITE`, reported by `build` unless a site or base URL set afterwards
    /// makes it irrelevant.
    pub(crate) bad_env_site: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            app_key: None,
            site: None,
            base_url: None,
            connect_timeout: limits::DEFAULT_CONNECT_TIMEOUT,
            timeout: limits::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_body_size: limits::DEFAULT_MAX_BODY_SIZE,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            proxy: ProxySetting::default(),
            trust: TrustSetting::default(),
            sleeper: Arc::new(ThreadSleeper),
            bad_env_site: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("app_key", &self.app_key)
            .field("site", &self.site)
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.redacted())
            .field("ca_bundle", &self.trust.ca_bundle)
            .field("tls_roots", &self.trust.roots)
            .field("sleeper", &SleeperDebug)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with every option at its default and nothing read from the environment.
    ///
    /// ```
    /// use ddorg_core::ClientBuilder;
    ///
    /// std::env::set_var("DD_API_KEY", "from-the-environment");
    /// // `new` reads nothing from the environment: the keys must be given.
    /// assert!(ClientBuilder::new().build().is_err());
    /// assert!(ClientBuilder::new().api_key("k").app_key("k").build().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A builder pre-filled from `DD_API_KEY`, `DD_APP_KEY`, `DD_SITE` and `DDORG_BASE_URL`
    /// (unset or empty variables are skipped). Setters called afterwards win over the environment.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_core::ClientBuilder;
    ///
    /// std::env::set_var("DD_API_KEY", "my-api-key");
    /// std::env::set_var("DD_APP_KEY", "my-app-key");
    /// std::env::set_var("DD_SITE", "us5.datadoghq.com");
    /// let client = ClientBuilder::from_env().timeout(Duration::from_secs(5)).build()?;
    /// assert_eq!(client.base_url(), "https://api.us5.datadoghq.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_env() -> ClientBuilder {
        let mut b = ClientBuilder::new();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(v) = var(ENV_API_KEY) {
            b = b.api_key(v);
        }
        if let Some(v) = var(ENV_APP_KEY) {
            b = b.app_key(v);
        }
        if let Some(v) = var(ENV_SITE) {
            match v.parse::<Site>() {
                Ok(site) => b = b.site(site),
                Err(e) => b.bad_env_site = Some(format!("{ENV_SITE}: {e}")),
            }
        }
        if let Some(v) = var(ENV_BASE_URL) {
            b = b.base_url(v);
        }
        b
    }

    /// The API key sent as `DD-API-KEY`. Required; from `DD_API_KEY` with [`from_env`](Self::from_env).
    /// Taken as a [`Secret`]: a `String` is moved, not copied, and every copy is wiped when dropped.
    ///
    /// ```
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder().api_key("my-api-key").app_key("my-app-key").build()?;
    /// assert!(!format!("{client:?}").contains("my-api-key")); // never printed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The application key sent as `DD-APPLICATION-KEY`. Required; from `DD_APP_KEY` with
    /// [`from_env`](Self::from_env). Taken as a [`Secret`], like [`api_key`](Self::api_key).
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// let err = Client::builder().api_key("my-api-key").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Config); // the application key is required too
    /// assert!(err.message().contains("DD_APP_KEY"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn app_key(mut self, key: impl Into<Secret>) -> Self {
        self.app_key = Some(key.into());
        self
    }

    /// The Datadog site. Defaults to [`Site::Us1`] (`datadoghq.com`). Ignored when a
    /// [`base_url`](Self::base_url) is set.
    ///
    /// ```
    /// use ddorg_core::{Client, Site};
    ///
    /// let client = Client::builder().api_key("k").app_key("k").site(Site::Eu1).build()?;
    /// assert_eq!(client.base_url(), "https://api.datadoghq.eu");
    /// assert_eq!(client.site(), Some(Site::Eu1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn site(mut self, site: Site) -> Self {
        self.site = Some(site);
        self.bad_env_site = None;
        self
    }

    /// A custom base URL such as `https://proxy.example.com/datadog` or the fake server's
    /// `http://127.0.0.1:PORT`. Must be https, except loopback hosts (127.0.0.0/8, `localhost`,
    /// `[::1]`), and must carry no userinfo, query or fragment. Defaults to `https://api.<site>`.
    ///
    /// ```
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder()
    ///     .api_key("k")
    ///     .app_key("k")
    ///     .base_url("https://proxy.example.com/datadog/")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://proxy.example.com/datadog");
    /// assert_eq!(client.site(), None);
    /// // Plain http only to loopback hosts.
    /// assert!(Client::builder().api_key("k").app_key("k").base_url("http://example.com").build().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The longest wait to establish a connection (DNS, TCP, TLS). Defaults to 10 s
    /// ([`limits::DEFAULT_CONNECT_TIMEOUT`]); must be more than zero and at most
    /// [`limits::MAX_TIMEOUT`] (365 days), checked by [`build`](Self::build).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder()
    ///     .api_key("k")
    ///     .app_key("k")
    ///     .connect_timeout(Duration::from_secs(3))
    ///     .build()?;
    /// assert_eq!(client.connect_timeout(), Duration::from_secs(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The overall deadline of one call, retries and their waits included. Defaults to 60 s
    /// ([`limits::DEFAULT_TIMEOUT`]); must be more than zero and at most [`limits::MAX_TIMEOUT`]
    /// (365 days), checked by [`build`](Self::build).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder().api_key("k").app_key("k").timeout(Duration::from_secs(20)).build()?;
    /// assert_eq!(client.timeout(), Duration::from_secs(20));
    /// // Zero (or more than 365 days) is refused when building.
    /// assert!(Client::builder().api_key("k").app_key("k").timeout(Duration::ZERO).build().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The whole retry policy. Defaults to [`RetryPolicy::default`] (3 retries).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_core::{Client, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default()
    ///     .max_retries(5)
    ///     .initial_backoff(Duration::from_millis(200))
    ///     .max_rate_limit_wait(Duration::from_secs(10));
    /// let client = Client::builder().api_key("k").app_key("k").retry_policy(policy).build()?;
    /// assert_eq!(client.max_retries(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Retries after the first attempt; `0` disables retrying. Defaults to 3.
    ///
    /// ```
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder().api_key("k").app_key("k").max_retries(0).build()?;
    /// assert_eq!(client.max_retries(), 0); // one attempt, no retry
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.max_retries(n);
        self
    }

    /// The largest response body accepted, after decompression; a larger one is a
    /// [`ErrorKind::ResponseTooLarge`] error and is never held in memory whole. Defaults to 16 MiB
    /// ([`limits::DEFAULT_MAX_BODY_SIZE`]); `0` would refuse every response, so
    /// [`build`](Self::build) reports it as a [`ErrorKind::Config`] error.
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
    /// let client = Client::builder()
    ///     .api_key("k")
    ///     .app_key("k")
    ///     .base_url(fake.base_url())
    ///     .max_body_size(64)
    ///     .build()?;
    /// let err = client.get_org("abcdef12345").unwrap_err(); // the example body is larger
    /// assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Replaces the whole user agent, tokens appended before included. Defaults to
    /// `ddorg/<version>` ([`DEFAULT_USER_AGENT`]; each binding names itself, e.g.
    /// `ddorg-python/<version>`). Must be printable ASCII, checked by [`build`](Self::build).
    /// `user_agent` means this in every language; appending is [`append_user_agent`](Self::append_user_agent).
    ///
    /// ```
    /// use ddorg_core::Client;
    ///
    /// let client = Client::builder().api_key("k").app_key("k").user_agent("audit-bot/2.0").build()?;
    /// assert_eq!(client.user_agent(), "audit-bot/2.0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Appends a product token (e.g. `myapp/1.2`) to the user agent, after a space; an empty
    /// token appends nothing. Appends nothing by default.
    ///
    /// ```
    /// use ddorg_core::{Client, DEFAULT_USER_AGENT};
    ///
    /// let client = Client::builder().api_key("k").app_key("k").append_user_agent("audit-bot/2.0").build()?;
    /// assert_eq!(client.user_agent(), format!("{DEFAULT_USER_AGENT} audit-bot/2.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append_user_agent(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        if !token.is_empty() {
            self.user_agent.push(' ');
            self.user_agent.push_str(&token);
        }
        self
    }

    /// Sends every request through this proxy: `http://`, `https://`, `socks5://` or `socks5h://`
    /// (`[user:password@]host[:port]`, http when the scheme is left out). Defaults to the first
    /// of `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy`, honoring `NO_PROXY`; loopback
    /// base URLs never use a proxy. [`build`](Self::build) refuses a URL that does not parse or
    /// has another scheme (a [`ErrorKind::Config`] error naming the option or variable, never
    /// its password) rather than connect directly.
    ///
    /// Through an http(s) proxy, the connection, the proxy's answer to `CONNECT` and the TLS
    /// handshake with Datadog all count against the connect timeout and the call's deadline.
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// let client = Client::builder().api_key("k").app_key("k").proxy("http://proxy.internal:3128").build()?;
    /// # let _ = client;
    /// let err = Client::builder().api_key("k").app_key("k").proxy("not a url").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Config);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Never use a proxy, whatever the environment says.
    ///
    /// ```
    /// use ddorg_core::Client;
    ///
    /// // Whatever HTTPS_PROXY says, this client connects directly.
    /// let client = Client::builder().api_key("k").app_key("k").no_proxy().build()?;
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::None;
        self
    }

    /// Trusts the certificate authorities in this PEM file instead of the built-in roots (as
    /// curl's `--cacert` does): the CA of a TLS-inspecting proxy, or a private CA. Defaults to
    /// `DDORG_CA_BUNDLE`, then `SSL_CERT_FILE`, then the roots chosen by
    /// [`tls_roots`](Self::tls_roots). [`build`](Self::build) reads the file: one that cannot be
    /// read or holds no certificate is a [`ErrorKind::Config`] error naming the path.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.trust.ca_bundle = Some(path.into());
        self
    }

    /// Which roots verify the server when no CA bundle is given. Defaults to
    /// [`TlsRoots::Bundled`] (the Mozilla roots compiled in); [`TlsRoots::System`] uses the
    /// operating system's store. Setting it explicitly also stops `DDORG_CA_BUNDLE` and
    /// `SSL_CERT_FILE` from being read. There is no way to turn verification off.
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.trust.roots = Some(roots);
        self
    }

    /// Who waits between retries. Defaults to `std::thread::sleep`; tests inject one that records
    /// the waits instead, and bindings one that can be interrupted.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    /// use ddorg_core::{Client, Sleeper};
    /// use ddorg_fake::Reply;
    ///
    /// /// Records the waits instead of sleeping, so a test of retries runs at once.
    /// #[derive(Clone, Default)]
    /// struct Recorder(Arc<Mutex<Vec<Duration>>>);
    /// impl Sleeper for Recorder {
    ///     fn sleep(&self, d: Duration) -> ControlFlow<()> {
    ///         self.0.lock().unwrap().push(d);
    ///         ControlFlow::Continue(())
    ///     }
    /// }
    ///
    /// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
    /// fake.enqueue(Reply::errors(503, &["down"]));
    /// let waits = Recorder::default();
    /// let client = Client::builder()
    ///     .api_key("k")
    ///     .app_key("k")
    ///     .base_url(fake.base_url())
    ///     .sleeper(waits.clone())
    ///     .build()?;
    /// assert_eq!(client.get_org("abcdef12345")?.attempts(), 2);
    /// assert_eq!(waits.0.lock().unwrap().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sleeper(mut self, sleeper: impl Sleeper) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// Validates every option and builds the client. Makes no request.
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// let err = Client::builder().build().unwrap_err(); // no keys
    /// assert_eq!(err.kind(), ErrorKind::Config);
    /// assert_eq!(err.attempts(), 0); // found before any request
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }

    /// Checks every option, in one place, and resolves what needs resolving (the base URL, the
    /// proxy). The first problem is a [`ErrorKind::Config`] error naming it. The keys are moved
    /// out of the builder (which `build` consumes), so building makes no copy of them.
    pub(crate) fn validate(&mut self) -> Result<Validated, Error> {
        if let (Some(message), None) = (&self.bad_env_site, &self.base_url) {
            return Err(Error::new(ErrorKind::Config, message.clone()));
        }
        let base = self.resolved_base_url()?;
        let api_key = ClientBuilder::checked_key(self.api_key.take(), "API key", ENV_API_KEY)?;
        let app_key =
            ClientBuilder::checked_key(self.app_key.take(), "application key", ENV_APP_KEY)?;
        limits::check_timeout(TimeoutKind::Overall, self.timeout)?;
        limits::check_timeout(TimeoutKind::Connect, self.connect_timeout)?;
        limits::check_max_body_size(self.max_body_size)?;
        limits::check_user_agent(&self.user_agent)?;
        let target = Target::of(&base.url);
        let proxy = crate::proxy::choose(&self.proxy, &target.host, base.loopback)?;
        let (tls, trust) = crate::trust::tls_config(&self.trust)?;
        log::debug!(target: crate::LOG_TARGET, "trusted roots: {trust:?}; proxy: {:?}", proxy.as_ref().map(|p| &p.shown));
        Ok(Validated {
            base,
            api_key,
            app_key,
            target: target.with_proxy(proxy.as_ref().map(|p| p.shown.clone())),
            proxy: proxy.map(|p| p.proxy),
            tls,
        })
    }

    /// The base URL this builder resolves to, validated.
    pub(crate) fn resolved_base_url(&self) -> Result<BaseUrl, Error> {
        match &self.base_url {
            Some(url) => BaseUrl::parse(url),
            None => Ok(BaseUrl {
                url: self.site.unwrap_or_default().api_base_url(),
                loopback: false,
            }),
        }
    }

    /// Checks a key: present, non-empty, printable ASCII only (a header cannot carry more, and a
    /// CR/LF could smuggle a second header), and turns it, without copying, into the client's
    /// one copy: the header value every request shares. The message names the variable, never
    /// the value.
    pub(crate) fn checked_key(
        key: Option<Secret>,
        what: &str,
        env: &str,
    ) -> Result<KeyHeader, Error> {
        let config = |msg: String| Error::new(ErrorKind::Config, msg);
        match key {
            None => Err(config(format!(
                "{what} is missing: set {env} or pass it to the client"
            ))),
            Some(k) if k.expose().trim().is_empty() => {
                Err(config(format!("{what} is empty: check {env}")))
            }
            Some(k) if k.expose().bytes().any(|b| b.is_ascii_control()) => Err(config(format!(
                "{what} contains a control character (such as CR or LF): check {env}"
            ))),
            Some(k) if !k.expose().is_ascii() => Err(config(format!(
                "{what} contains a non-ASCII character: check {env}"
            ))),
            Some(k) => k
                .into_header()
                .map_err(|_| config(format!("{what} cannot be sent in a header: check {env}"))),
        }
    }
}

/// What [`ClientBuilder::validate`] found valid and resolved.
pub(crate) struct Validated {
    pub(crate) base: BaseUrl,
    pub(crate) api_key: KeyHeader,
    pub(crate) app_key: KeyHeader,
    pub(crate) proxy: Option<ureq::Proxy>,
    /// Who calls talk to (the API host and the proxy), for messages.
    pub(crate) target: Target,
    /// The TLS setup for the trusted roots, shared by the process's clients that trust them.
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base_url::redact_userinfo;

    #[test]
    fn keys_are_checked_without_showing_them() {
        let check = |k: Option<&str>| {
            ClientBuilder::checked_key(k.map(Secret::from), "API key", ENV_API_KEY).map(|_| ())
        };
        assert!(check(Some("abc123")).is_ok());
        for bad in [
            None,
            Some(""),
            Some("  "),
            Some("ab\r\nX-Evil: 1"),
            Some("key\0"),
            Some("clé"),
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.to_string().contains("DD_API_KEY"));
            assert!(!err.to_string().contains("X-Evil"));
        }
    }

    #[test]
    fn debug_never_shows_keys_or_proxy_passwords() {
        let b = ClientBuilder::new()
            .api_key("sekrit-api")
            .app_key("sekrit-app")
            .proxy("http://bob:pw123@proxy:3128");
        let dbg = format!("{b:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(!dbg.contains("pw123"), "{dbg}");
        assert!(dbg.contains("http://***@proxy:3128"), "{dbg}");
    }

    #[test]
    fn redaction_leaves_an_at_sign_in_the_path_alone() {
        let b = ClientBuilder::new().proxy("http://proxy:3128/p@th");
        assert!(
            format!("{b:?}").contains("\"http://proxy:3128/p@th\""),
            "{b:?}"
        );
        assert_eq!(
            redact_userinfo("https://u:pw@host/a@b"),
            "https://***@host/a@b"
        );
    }
}
