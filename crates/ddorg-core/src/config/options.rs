//! The setters of [`ClientBuilder`]: one per option, each saying its default.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{ClientBuilder, ProxySetting, ENV_API_KEY, ENV_APP_KEY, ENV_BASE_URL, ENV_SITE};
use crate::client::Client;
use crate::error::Error;
use crate::pacing::Pacer;
use crate::retry::{RetryPolicy, Sleeper};
use crate::secret::Secret;
use crate::site::Site;
use crate::trust::TlsRoots;

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
    /// ([`limits::DEFAULT_CONNECT_TIMEOUT`](crate::limits::DEFAULT_CONNECT_TIMEOUT)); must be more than zero and at most
    /// [`limits::MAX_TIMEOUT`](crate::limits::MAX_TIMEOUT) (365 days), checked by [`build`](Self::build).
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
    /// ([`limits::DEFAULT_TIMEOUT`](crate::limits::DEFAULT_TIMEOUT)); must be more than zero and at most [`limits::MAX_TIMEOUT`](crate::limits::MAX_TIMEOUT)
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
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge) error and is never held in memory whole. Defaults to 16 MiB
    /// ([`limits::DEFAULT_MAX_BODY_SIZE`](crate::limits::DEFAULT_MAX_BODY_SIZE)); `0` would refuse every response, so
    /// [`build`](Self::build) reports it as a [`ErrorKind::Config`](crate::ErrorKind::Config) error.
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
    /// `ddorg/<version>` ([`DEFAULT_USER_AGENT`](super::DEFAULT_USER_AGENT); each binding names itself, e.g.
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
    /// has another scheme (a [`ErrorKind::Config`](crate::ErrorKind::Config) error naming the option or variable, never
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
    /// read or holds no certificate is a [`ErrorKind::Config`](crate::ErrorKind::Config) error naming the path.
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

    /// The pacer whose budgets this client's requests draw on: before each request it waits for
    /// a spent rate-limit window to reset instead of being refused with a 429 (see [`Pacer`]).
    /// Give one pacer to many clients and those with the same API key and base URL share their
    /// budgets, as Datadog counts them, and a key's first request on an endpoint goes out alone
    /// until its answer tells the budget. Defaults to a pacer of the client's own, shared by its
    /// clones, whose first requests go out together (a new client's concurrent calls are not
    /// held back) until an answer tells the budget.
    ///
    /// ```
    /// use ddorg_core::{Client, Pacer};
    ///
    /// let pacer = Pacer::new();
    /// let clients: Vec<Client> = (0..3)
    ///     .map(|_| Client::builder().api_key("k").app_key("k").pacer(pacer.clone()).build())
    ///     .collect::<Result<_, _>>()?;
    /// # let _ = clients;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pacer(mut self, pacer: Pacer) -> Self {
        self.pacer = Some(pacer);
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
}
