//! [`Client`]: the three endpoints, the retry loop and one HTTP exchange (what a transport failure
//! means is in transport_error.rs).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, Validated};
use crate::decode::decode_body;
use crate::encoding;
use crate::error::{Error, ErrorKind};
use crate::limits;
use crate::models::{
    OrganizationListResponse, OrganizationResponse, SalesforceIncidentsOrganizationsResponse,
};
use crate::pacing::{ClientPacing, Pacer, Wait};
use crate::path;
use crate::rate_limit::RateLimit;
use crate::resolve::CachingResolver;
use crate::response::Response;
use crate::response_body::BodyRules;
use crate::retry::{RetryPolicy, Sleeper};
use crate::retry_after;
use crate::reuse;
use crate::secret::KeyHeader;
use crate::shared_pool::{self, PoolShare, TransportKey};
use crate::site::Site;
use crate::transport::{self, Target};
use crate::transport_error::{framing_fault, malformed_response, transport_error};
use crate::LOG_TARGET;

const ORG_PATH: &str = "/api/v1/org/{public_id}";
const ORG_LIST_PATH: &str = "/api/v1/org";
const SALESFORCE_ORGS_PATH: &str = "/api/v2/integration/salesforce-incidents/organizations";

/// The permission an endpoint documents its application key needs, named in a 403's message so
/// that the fix is in the error. `GET /api/v1/org` and `/api/v1/org/{public_id}` document none.
fn required_permission(endpoint: &str) -> Option<&'static str> {
    match endpoint {
        SALESFORCE_ORGS_PATH => Some("integrations_read"),
        _ => None,
    }
}

/// A client for Datadog's organization endpoints.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: share one across threads, and its pool of
/// keep-alive connections with it. Built with [`Client::builder`] or [`Client::from_env`].
///
/// ```
/// # let fake = ddorg_fake::FakeServer::start().unwrap();
/// use ddorg_core::Client;
/// let client = Client::builder()
///     .api_key("my-api-key")
///     .app_key("my-app-key")
///     .base_url(fake.base_url()) // leave out to talk to api.datadoghq.com
///     .build()?;
/// let resp = client.get_org("abcdef12345")?;
/// let org = resp.org.as_ref().unwrap();
/// assert_eq!(org.name.as_deref(), Some("New child org"));
/// println!("{} SAML enabled: {:?}", org.name.as_deref().unwrap_or("?"),
///          org.settings.as_ref().and_then(|s| s.saml.as_ref()).and_then(|s| *s.enabled));
/// println!("requests left this minute: {:?}", resp.rate_limit().and_then(|r| r.remaining));
/// # Ok::<(), ddorg_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// Shared with every client of the process that connects the same way (shared_pool.rs).
    pool: PoolShare,
    base_url: String,
    site: Option<Site>,
    /// The client's one copy of each key, shared by every request (see secret.rs).
    api_key: KeyHeader,
    app_key: KeyHeader,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_body_size: u64,
    user_agent: String,
    sleeper: Arc<dyn Sleeper>,
    /// The budgets this client's requests draw on (see pacing.rs).
    pacing: ClientPacing,
    /// Who a call talks to, for messages: the API host and the proxy, if any.
    target: Target,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
};

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("site", &i.site)
            .field("timeout", &i.timeout)
            .field("connect_timeout", &i.connect_timeout)
            .field("retry", &i.retry)
            .field("max_body_size", &i.max_body_size)
            .field("user_agent", &i.user_agent)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with every option at its default; see [`ClientBuilder`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use ddorg_core::{Client, Site};
    ///
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .app_key("my-app-key")
    ///     .site(Site::Us3)
    ///     .timeout(Duration::from_secs(30))
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://api.us3.datadoghq.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `DD_API_KEY`, `DD_APP_KEY`, `DD_SITE` and `DDORG_BASE_URL`.
    /// Missing keys are a [`ErrorKind::Config`](crate::ErrorKind::Config) error here, before any request is made.
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    ///
    /// std::env::remove_var("DD_API_KEY");
    /// let err = Client::from_env().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Config);
    /// assert!(err.message().contains("DD_API_KEY"));
    ///
    /// std::env::set_var("DD_API_KEY", "my-api-key");
    /// std::env::set_var("DD_APP_KEY", "my-app-key");
    /// std::env::set_var("DDORG_BASE_URL", "http://127.0.0.1:8126");
    /// assert_eq!(Client::from_env()?.base_url(), "http://127.0.0.1:8126");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    pub(crate) fn from_builder(mut b: ClientBuilder) -> Result<Client, Error> {
        // Every check lives in config.rs; what is left here is putting the pieces together.
        let Validated {
            base,
            api_key,
            app_key,
            proxy,
            target,
            tls,
        } = b.validate()?;
        let config = |proxy: Option<ureq::Proxy>| {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                // Redirects are refused, not followed: ureq would carry DD-API-KEY and
                // DD-APPLICATION-KEY (plain custom headers) to whatever host the Location names.
                .max_redirects(0)
                .user_agent(b.user_agent.as_str())
                .accept("application/json")
                .timeout_connect(Some(b.connect_timeout))
                .proxy(proxy)
                // One host per pool (shared_pool.rs), which keeps every connection its clients
                // had open at once: `concurrency` clients reuse `concurrency` connections.
                .max_idle_connections(limits::MAX_IDLE_CONNECTIONS_PER_HOST)
                .max_idle_connections_per_host(limits::MAX_IDLE_CONNECTIONS_PER_HOST)
                .max_idle_age(shared_pool::LINGER)
                .build()
        };
        let scheme = base.url.split_once("://").map_or("https", |(s, _)| s);
        let key = TransportKey {
            pid: std::process::id(),
            origin: format!("{}://{}", scheme.to_ascii_lowercase(), target.authority()),
            proxy: proxy.clone(),
            tls: Arc::clone(&tls),
            connect_timeout: b.connect_timeout,
            user_agent: b.user_agent.clone(),
        };
        // The process's pool for this transport, shared with every client that has the same
        // (see shared_pool.rs); each process's agent is made from this (see pool.rs), its TLS
        // setup the process's one for these roots (see tls_cache.rs).
        let pool = shared_pool::pool_for(key, || {
            let direct = config(None);
            let agent_config = config(proxy);
            let user_agent = b.user_agent.clone();
            // Not `new_with_config`: its resolver spawns a thread on every call (see resolve.rs).
            Box::new(move || {
                ureq::Agent::with_parts(
                    agent_config.clone(),
                    reuse::NoteNewConnections(transport::connector(
                        tls.clone(),
                        direct.clone(),
                        user_agent.clone(),
                    )),
                    CachingResolver::<ureq::unversioned::resolver::DefaultResolver>::default(),
                )
            })
        });
        let pacing = (b.pacer.take().unwrap_or_else(Pacer::of_one_client))
            .for_client(api_key.value().as_bytes(), &base.url);
        Ok(Client {
            inner: Arc::new(Inner {
                pool,
                site: b.base_url.is_none().then(|| b.site.unwrap_or_default()),
                base_url: base.url,
                api_key,
                app_key,
                timeout: b.timeout,
                connect_timeout: b.connect_timeout,
                retry: b.retry,
                max_body_size: b.max_body_size,
                user_agent: b.user_agent,
                sleeper: b.sleeper,
                pacing,
                target,
            }),
        })
    }

    /// `GET /api/v1/org/{public_id}`: the organization's name, settings (SAML and more) and plan.
    ///
    /// `public_id` is percent-encoded as one path segment, so no value can request another path;
    /// an empty one is an [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) error.
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    /// use ddorg_fake::Reply;
    ///
    /// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
    /// let client = Client::builder().api_key("k").app_key("k").base_url(fake.base_url()).build()?;
    ///
    /// let resp = client.get_org("abcdef12345")?;
    /// let org = resp.org.as_ref().expect("an organization");
    /// assert_eq!(org.name.as_deref(), Some("New child org"));
    /// let saml = org.settings.as_ref().and_then(|s| s.saml.as_ref()).and_then(|s| *s.enabled);
    /// assert_eq!(saml, Some(false));
    /// assert_eq!(resp.rate_limit().and_then(|r| r.remaining), Some(999));
    ///
    /// fake.enqueue(Reply::errors(404, &["Organization not found"]));
    /// let err = client.get_org("missing").unwrap_err();
    /// assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)));
    /// assert_eq!(client.get_org("").unwrap_err().kind(), ErrorKind::InvalidArgument);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_org(&self, public_id: &str) -> Result<Response<OrganizationResponse>, Error> {
        let segment = path::segment("public_id", public_id)?;
        self.get(ORG_PATH, &format!("/api/v1/org/{segment}"))
    }

    /// `GET /api/v1/org`: "List your managed organizations", the key's organization and, for a
    /// parent organization's key, every child organization it manages (each the same
    /// [`Organization`](crate::Organization) as [`Client::get_org`] returns).
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    /// use ddorg_fake::Reply;
    ///
    /// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
    /// let client = Client::builder().api_key("k").app_key("k").base_url(fake.base_url()).build()?;
    ///
    /// let resp = client.list_orgs()?;
    /// assert_eq!(resp.public_ids(), vec!["abcdef12345"]);
    /// for org in resp.value() {
    ///     assert_eq!(org.name.as_deref(), Some("New child org"));
    /// }
    ///
    /// fake.enqueue(Reply::errors(403, &["Forbidden"]));
    /// assert_eq!(client.list_orgs().unwrap_err().kind(), ErrorKind::Forbidden);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn list_orgs(&self) -> Result<Response<OrganizationListResponse>, Error> {
        self.get(ORG_LIST_PATH, ORG_LIST_PATH)
    }

    /// `GET /api/v2/integration/salesforce-incidents/organizations`: every Salesforce organization
    /// connected through the Salesforce integration (needs the `integrations_read` permission).
    ///
    /// ```
    /// use ddorg_core::{Client, ErrorKind};
    /// use ddorg_fake::Reply;
    ///
    /// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
    /// let client = Client::builder().api_key("k").app_key("k").base_url(fake.base_url()).build()?;
    ///
    /// for org in &client.list_salesforce_organizations()?.data {
    ///     assert_eq!(org.attributes.name.as_deref(), Some("Acme Production Org"));
    ///     assert_eq!(org.attributes.sfdc_org_type.as_deref(), Some("Production"));
    /// }
    /// // A key without the integrations_read permission:
    /// fake.enqueue(Reply::errors(403, &["Forbidden"]));
    /// let err = client.list_salesforce_organizations().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Forbidden);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "forbidden (HTTP 403): Forbidden (GET /api/v2/integration/salesforce-incidents/\
    ///      organizations needs an application key with the integrations_read permission)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn list_salesforce_organizations(
        &self,
    ) -> Result<Response<SalesforceIncidentsOrganizationsResponse>, Error> {
        self.get(SALESFORCE_ORGS_PATH, SALESFORCE_ORGS_PATH)
    }

    /// The base URL requests go to, e.g. `https://api.datadoghq.com`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The site, or `None` when a custom base URL is used.
    pub fn site(&self) -> Option<Site> {
        self.inner.site
    }

    /// The user agent sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// The overall deadline of one call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The longest wait to establish a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.inner.connect_timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// How many times a failed request is retried (the retry policy's [`RetryPolicy::retries`]).
    pub fn max_retries(&self) -> u32 {
        self.inner.retry.retries()
    }

    /// The largest response body accepted, in bytes after decompression.
    pub fn max_body_size(&self) -> u64 {
        self.inner.max_body_size
    }

    /// Runs one GET of `endpoint` (its path template, which names its rate limit) with retries,
    /// paced by the rate limit, all within the overall deadline. A 403 names the permission the
    /// endpoint needs.
    fn get<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
    ) -> Result<Response<T>, Error> {
        self.get_with_retries(endpoint, path).map_err(|e| {
            match (e.kind(), required_permission(endpoint)) {
                (ErrorKind::Forbidden, Some(permission)) => e.with_fix(&format!(
                    "GET {endpoint} needs an application key with the {permission} permission"
                )),
                _ => e,
            }
        })
    }

    fn get_with_retries<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.base_url);
        let deadline = Instant::now() + inner.timeout;
        // Every request written counts, re-sends on a closed pooled connection included; `retry`
        // counts only what the retry policy allowed.
        let mut attempts = 0u32;
        let mut retry = 0u32;
        let mut resend = reuse::Resend::default();
        let mut wait = Wait {
            deadline,
            timeout: inner.timeout,
            max_wait: inner.retry.rate_limit_wait(),
            sleeper: &*inner.sleeper,
            after_rate_limit_wait: false,
            clock: Instant::now(),
        };
        loop {
            let slot = inner
                .pacing
                .slot(endpoint, &mut wait)
                .map_err(|e| e.with_attempts(attempts))?;
            attempts += 1;
            let started = Instant::now();
            let remaining = deadline.saturating_duration_since(started);
            log::debug!(target: LOG_TARGET, "GET {path}: attempt {attempts}");
            let outcome = if remaining.is_zero() {
                Err(self.deadline_error())
            } else {
                self.attempt::<T>(&url, remaining, &mut resend, &mut attempts)
            };
            match outcome {
                Ok((value, status, rate_limit)) => {
                    slot.finish(rate_limit.as_ref(), true);
                    log::debug!(target: LOG_TARGET, "GET {path}: HTTP {status} in {}", crate::error::elapsed(started.elapsed()));
                    return Ok(Response {
                        value,
                        status,
                        rate_limit,
                        attempts,
                    });
                }
                Err(err) => {
                    slot.finish(err.rate_limit(), err.status().is_some());
                    let err = err.with_attempts(attempts);
                    log::debug!(target: LOG_TARGET, "GET {path}: {err} after {}", crate::error::elapsed(started.elapsed()));
                    let Some(delay) = inner.retry.delay_after(&err, retry) else {
                        return Err(err);
                    };
                    retry += 1;
                    if Instant::now() + delay >= deadline {
                        log::info!(target: LOG_TARGET, "GET {path}: not retrying {}: a {} wait would pass the {} deadline", err.kind(), crate::error::seconds(delay), crate::error::seconds(inner.timeout));
                        return Err(err);
                    }
                    log::info!(target: LOG_TARGET, "GET {path}: retrying after {} in {} (retry {retry} of {})", err.kind(), crate::error::seconds(delay), inner.retry.retries());
                    if inner.sleeper.sleep(delay).is_break() {
                        log::info!(target: LOG_TARGET, "GET {path}: retry wait interrupted");
                        return Err(err);
                    }
                    // The 429's wait was the wait for its window: the retry is not held again.
                    wait.clock = Instant::now().max(wait.clock) + delay;
                    wait.after_rate_limit_wait = err.kind() == ErrorKind::RateLimited;
                }
            }
        }
    }

    /// One HTTP exchange: request, status, headers, bounded body, decode.
    fn attempt<T: DeserializeOwned>(
        &self,
        url: &str,
        remaining: Duration,
        resend: &mut reuse::Resend,
        attempts: &mut u32,
    ) -> Result<(T, u16, Option<RateLimit>), Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let agent = inner.pool.agent();
        let mut response = loop {
            let budget = remaining.saturating_sub(started.elapsed());
            let (result, sent) = reuse::on_pooled_connection(|| {
                agent
                    .get(url)
                    .header("DD-API-KEY", inner.api_key.value())
                    .header("DD-APPLICATION-KEY", inner.app_key.value())
                    .header("accept-encoding", encoding::ACCEPT_ENCODING)
                    .config()
                    .timeout_global(Some(budget))
                    .build()
                    .call()
            });
            match result {
                Ok(response) => break response,
                Err(e) if started.elapsed() < remaining && resend.allowed(sent, &e) => {
                    *attempts += 1;
                    log::debug!(target: LOG_TARGET, "the server had closed the pooled connection ({}); sending again (attempt {attempts})", crate::text::escape_controls(&e.to_string()));
                }
                Err(e) => return Err(transport_error(e, inner.timeout, &inner.target)),
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers();
        if let Some(fault) = framing_fault(headers) {
            return Err(malformed_response(&inner.target, fault));
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let rate_limit = RateLimit::from_headers(header);
        let content_type = header("content-type").map(str::to_owned);
        let location = header("location").map(str::to_owned);
        let content_encoding = header("content-encoding").map(str::to_owned);
        let retry_after =
            header("retry-after").and_then(|v| retry_after::parse(v, SystemTime::now()));

        let rules = BodyRules {
            max_body_size: inner.max_body_size,
            overall: inner.timeout,
            target: &inner.target,
        };
        if !(200..300).contains(&status) {
            let (location, encoding) = (location.as_deref(), content_encoding.as_deref());
            return Err(rules
                .error_of(&mut response, status, rate_limit, location, encoding)
                .with_retry_after(retry_after));
        }
        let body = rules
            .success_body(&mut response, content_encoding.as_deref())
            .map_err(|e| e.with_status(status).with_rate_limit(rate_limit.clone()))?;
        let value = decode_body(&body, content_type.as_deref())
            .map_err(|e| e.with_status(status).with_rate_limit(rate_limit.clone()))?;
        Ok((value, status, rate_limit))
    }

    fn deadline_error(&self) -> Error {
        Error::deadline_passed(self.inner.timeout, &self.inner.target)
    }
}
