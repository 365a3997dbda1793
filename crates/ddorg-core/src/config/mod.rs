//! [`ClientBuilder`]: every option a [`Client`](crate::Client) has, with its default.
//!
//! The builder type and its defaults live here; its setters (one per option, each with its
//! default and an example) in `options.rs`; the checks that `build` runs in `validate.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::limits;
use crate::pacing::Pacer;
pub(crate) use crate::proxy::ProxySetting;
use crate::retry::{RetryPolicy, Sleeper, SleeperDebug, ThreadSleeper};
use crate::secret::Secret;
use crate::site::Site;
use crate::trust::TrustSetting;

mod options;
mod validate;

pub(crate) use validate::Validated;

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

/// Builds a [`Client`](crate::Client). Every setter is infallible; [`build`](ClientBuilder::build) validates
/// everything at once and returns a [`ErrorKind::Config`](crate::ErrorKind::Config) error naming the first problem.
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
    pub(crate) pacer: Option<Pacer>,
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
            pacer: None,
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
            .field("pacer", &self.pacer)
            .finish()
    }
}
