//! A small, fast, dependable client for Datadog's organization endpoints.
//!
//! - [`Client::get_org`]: `GET /api/v1/org/{public_id}` → [`OrganizationResponse`]
//! - [`Client::list_orgs`]: `GET /api/v1/org` → [`OrganizationListResponse`] (the managed
//!   organizations)
//! - [`Client::list_salesforce_organizations`]:
//!   `GET /api/v2/integration/salesforce-incidents/organizations` →
//!   [`SalesforceIncidentsOrganizationsResponse`]
//!
//! Every documented field is decoded; unknown fields and enum values survive a round trip;
//! every failure is one [`Error`] with an [`ErrorKind`]; rate-limit headers are kept on
//! successes too; retries are bounded by an overall deadline; keys never appear in any output,
//! and a client holds one copy of each, wiped from memory when it is dropped ([`Secret`]).
//!
//! ```
//! use ddorg_core::{Client, ErrorKind};
//! use ddorg_fake::FakeServer;
//!
//! let fake = FakeServer::start()?; // a local stand-in for Datadog: drop these two lines and
//! std::env::set_var("DDORG_BASE_URL", fake.base_url()); // set DD_API_KEY/DD_APP_KEY instead
//! std::env::set_var("DD_API_KEY", "my-api-key");
//! std::env::set_var("DD_APP_KEY", "my-app-key");
//!
//! let client = Client::from_env()?; // DD_API_KEY, DD_APP_KEY, DD_SITE, DDORG_BASE_URL
//! for org in &client.list_salesforce_organizations()?.data {
//!     println!("{} {}", org.id, org.attributes.name.as_deref().unwrap_or("(no name)"));
//! }
//! match client.get_org("") {
//!     Err(e) if e.kind() == ErrorKind::InvalidArgument => {}
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # One home for every rule
//!
//! The Python and C bindings and the CLI only translate: the defaults and bounds of every option
//! ([`limits`]), their validation ([`ClientBuilder::build`]), decoding ([`from_json`]), the sites
//! ([`Site::ALL`]), the environment variables ([`ENV_API_KEY`], …) and the log target
//! ([`LOG_TARGET`]) are all defined here, once.
//!
//! # Versioning
//!
//! ddorg-core follows semantic versioning. Covered: every public item of this crate, the names
//! and meanings of [`ErrorKind`]s, the error messages' *kinds* (not their wording), the
//! environment variables, the defaults and bounds in [`limits`], and the serialized form of the
//! models (what is received is what is serialized). Designed to grow without breaking you:
//! [`ErrorKind`], [`Site`], the models, [`RateLimit`], [`ResponseMeta`] and the open enums are
//! non-exhaustive (a `match` needs a wildcard arm; build structs from `Default` or their `new`),
//! and [`ErrorKind::ALL`] and [`Site::ALL`] are slices whose length is not part of their type.
//! Not covered: the exact text of messages and `Debug` output, log records, the `fuzzing`
//! feature, and the types of other crates reached through [`std::error::Error::source`] (ureq's
//! and serde_json's errors), which may change with any release of those crates.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod base_url;
mod cert_names;
mod client;
mod config;
mod connect_proxy;
mod decode;
mod encoding;
mod error;
pub mod limits;
pub mod models;
mod pacing;
mod path;
mod pool;
mod proxy;
mod rate_limit;
mod resolve;
mod response;
mod response_body;
mod retry;
mod retry_after;
mod reuse;
mod secret;
mod shared_pool;
mod site;
pub mod suggest;
pub mod text;
mod tls;
mod tls_cache;
mod transport;
mod transport_error;
mod trust;
mod wipe;

pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_USER_AGENT, ENV_API_KEY, ENV_APP_KEY, ENV_BASE_URL, ENV_SITE,
};
pub use decode::{from_json, from_slice};
pub use error::{Error, ErrorKind, Result};
pub use models::*;
pub use pacing::Pacer;
pub use rate_limit::RateLimit;
pub use response::{Response, ResponseMeta};
pub use retry::{RetryPolicy, Sleeper, ThreadSleeper};
pub use secret::Secret;
pub use site::Site;
pub use text::escape_controls;
pub use trust::{TlsRoots, ENV_CA_BUNDLE, ENV_SSL_CERT_FILE};

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `log` target of every record ddorg writes, and the name of the logger the bindings route
/// them to (Python's `logging.getLogger("ddorg")`, the C log callback's filter, the CLI's
/// `--verbose`). Nothing a record holds is secret: keys never reach a log.
pub const LOG_TARGET: &str = "ddorg";

/// The body decoders, for the fuzz targets in `fuzz/` (see docs/reliability.md). Not a public
/// API: built only with the `fuzzing` feature, and free to change at any time.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use crate::{Error, OrganizationResponse, SalesforceIncidentsOrganizationsResponse};

    /// What the client makes of a 2xx body of `GET /api/v1/org/{public_id}`.
    pub fn decode_org(
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<OrganizationResponse, Error> {
        crate::decode::decode_body(body, content_type)
    }

    /// What the client makes of a 2xx body of the Salesforce organizations list.
    pub fn decode_salesforce(
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<SalesforceIncidentsOrganizationsResponse, Error> {
        crate::decode::decode_body(body, content_type)
    }

    /// What the client keeps of an error body: Datadog's messages or a snippet of the body.
    pub fn error_messages(body: &[u8]) -> Vec<String> {
        crate::decode::error_messages(body)
    }
}
