//! A fast, tiny-dependency fake of the Datadog organization endpoints, for
//! testing ddorg's clients (Rust, Python and C), running demos, and
//! benchmarking.
//!
//! [`FakeServer`] listens on a loopback port and answers
//! `GET /api/v1/org/<public_id>`, `GET /api/v1/org` (the managed orgs) and
//! `GET /api/v2/integration/salesforce-incidents/organizations` with the
//! documented example bodies ([`ORG_EXAMPLE`] for [`EXAMPLE_PUBLIC_ID`], 404 for an id it
//! does not know unless told otherwise ([`UnknownOrgs`]), [`ORG_LIST_EXAMPLE`],
//! [`SALESFORCE_EXAMPLE`]) and
//! Datadog's rate-limit headers, checks the `DD-API-KEY` /
//! `DD-APPLICATION-KEY` headers, and records every request. Tests script it
//! with [`Reply`]s: queued one-offs ([`FakeServer::enqueue`]), persistent
//! per-endpoint replies ([`FakeServer::set_org`], [`FakeServer::set_org_list`],
//! [`FakeServer::set_orgs`], [`FakeServer::set_salesforce`]), delays, gzip, redirects and transport
//! [`Fault`]s (connections closed before, during or after a response).
//!
//! It also speaks HTTPS ([`FakeServer::start_tls`], or extra listeners from
//! [`FakeServer::listen`] with an expired, wrong-host or self-signed certificate), with a CA
//! generated at start ([`FakeServer::ca_pem`]) so no test certificate is ever checked in or
//! expires, and plays `CONNECT` proxies ([`ProxyMode`]): one that inspects TLS as corporate
//! proxies do, and ones that trickle, never answer or want credentials.
//! Fleet mode ([`FakeServer::set_fleet`], `ddorg-fake --fleet N`) serves many simulated orgs at
//! once, each with its own key pair, posture and behaviour ([`Fleet`]), and writes the fleet file
//! that audits them. Its first org is a parent: that key pair lists every fleet org on
//! `GET /api/v1/org` and reads any of them, while every other key lists only its own org.
//!
//! It plays a real network and Datadog's limits too: [`FakeServer::set_latency`]
//! (`ddorg-fake --latency MS`) holds back every flight the server sends, TLS handshake included,
//! on each connection's own delay line (one latency is one round trip: a kept-alive call costs
//! one, a new TLS connection three), and [`FakeServer::set_rate_limit`] (`--rate-limit
//! LIMIT/PERIOD`) limits each API key per [`Endpoint`] in fixed windows, with the
//! `x-ratelimit-*` headers on every answer and 429 past the limit.
//!
//! It is built on `std::net` alone: one thread per connection, HTTP/1.1
//! keep-alive, `TCP_NODELAY`, buffered I/O and replies rendered to bytes once,
//! so a single connection serves many thousands of requests per second.
//!
//! ```
//! use ddorg_fake::{FakeServer, Reply};
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//!
//! let server = FakeServer::start()?;
//! server.enqueue(Reply::errors(429, &["Too many requests"]).rate_limit(1000, 60, 0, 7, "org_get"));
//!
//! let mut conn = TcpStream::connect(("127.0.0.1", server.port()))?;
//! conn.write_all(
//!     b"GET /api/v1/org/abcdef12345 HTTP/1.1\r\nhost: fake\r\n\
//!       dd-api-key: k\r\ndd-application-key: a\r\nconnection: close\r\n\r\n",
//! )?;
//! let mut response = String::new();
//! conn.read_to_string(&mut response)?;
//! assert!(response.starts_with("HTTP/1.1 429 Too Many Requests\r\n"));
//! assert!(response.contains("x-ratelimit-reset: 7\r\n"));
//!
//! let seen = server.requests();
//! assert_eq!(seen[0].path, "/api/v1/org/abcdef12345");
//! assert_eq!(seen[0].header("DD-API-KEY"), Some("k"));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Control API
//!
//! So that Python and C tests can drive the `ddorg-fake` binary (which prints
//! `PORT <n>` on stdout once listening), the server also answers these
//! requests under `/_fake/`; they are never key-checked, recorded or counted
//! as API requests:
//!
//! | request | effect |
//! |---|---|
//! | `POST /_fake/enqueue`, body: reply JSON | [`FakeServer::enqueue`]; 204 |
//! | `POST /_fake/org/<id>`, body: reply JSON | [`FakeServer::set_org`] (id percent-decoded); 204 |
//! | `POST /_fake/org_list`, body: reply JSON | [`FakeServer::set_org_list`]; 204 |
//! | `POST /_fake/orgs`, body `[{"public_id":"..","name":".."},..]` | [`FakeServer::set_orgs`] (each object's fields over the example org's); 204 |
//! | `POST /_fake/salesforce`, body: reply JSON | [`FakeServer::set_salesforce`]; 204 |
//! | `POST /_fake/require_keys`, body `{"api_key":"..","app_key":".."}` | [`FakeServer::require_keys`]; 204 |
//! | `POST /_fake/latency`, body `{"seconds":0.02}` (or `{"ms":20}`) | [`FakeServer::set_latency`] (0 to 3600 seconds, as Python's `set_latency(seconds)`; 0 turns it off); 204 |
//! | `POST /_fake/unknown_orgs`, body `{"answer":"example"}` or `{"answer":"not_found"}` | [`FakeServer::set_unknown_orgs`]; 204 |
//! | `POST /_fake/rate_limit`, body `{"limit":100,"period":60}`, optionally `"endpoint":"org_get"` | [`FakeServer::set_rate_limit`] (every endpoint), or [`FakeServer::set_endpoint_rate_limit`] (one, by [`Endpoint::name`]); 204 |
//! | `POST /_fake/rate_limit`, body `{"off":true}` | [`FakeServer::clear_rate_limits`]; 204 |
//! | `POST /_fake/reset` | [`FakeServer::reset`]; 204 |
//! | `GET /_fake/requests` | 200, `[{"method":..,"path":..,"headers":[[name,value],..]},..]` |
//! | `GET /_fake/stats` | 200, `{"requests":n,"connections":n,"tls_handshakes":n,"rate_limited":n}` ([`FakeServer::request_count`], [`FakeServer::connection_count`], [`FakeServer::tls_handshake_count`], [`FakeServer::rate_limited_count`]) |
//! | `POST /_fake/listen`, body `{"tls":"expired"}` or `{"proxy":"inspect"}` | [`FakeServer::listen`]; 200, `{"port":n,"url":"..","ca_pem":".."}` |
//! | `GET /_fake/ca` | 200, the CA certificate (PEM) ([`FakeServer::ca_pem`]) |
//! | `GET /_fake/proxy_requests` | 200, the `CONNECT`s received ([`FakeServer::proxy_requests`]), as `/_fake/requests` |
//!
//! The reply JSON is described at [`Reply::from_json`]. A malformed body gets
//! 400 with `{"errors":["<what is wrong>"]}`; a wrong method 405; an unknown
//! control path 404.

#![deny(missing_docs)]

mod base64;
pub mod cli;
mod connection;
mod control;
mod fleet;
mod http;
mod latency;
mod limits;
mod listen;
mod org_list;
mod proxy;
mod reply;
mod reply_json;
mod routes;
mod server;
mod state;
mod tls;
mod wire;

pub use fleet::{Behavior, Fleet, FleetOrg, POSTURES, SLOW_ORG_TIMEOUT_SECS};
pub use limits::Endpoint;
pub use listen::{Listen, Listening};
pub use proxy::ProxyMode;
pub use reply::{Fault, Reply};
pub use server::FakeServer;
pub use state::{RecordedRequest, UnknownOrgs};
pub use tls::TlsCert;

// Tests share one server across threads and hand replies to it from any thread.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeServer>();
    assert_send_sync::<Reply>();
    assert_send_sync::<RecordedRequest>();
};

/// The documented 200 example body of `GET /api/v1/org/{public_id}`, served by default for
/// [`EXAMPLE_PUBLIC_ID`] (any other id gets 404 unless [`UnknownOrgs::Example`]).
///
/// The text is `src/examples/org.json`, which the Python tests read too.
pub const ORG_EXAMPLE: &str = include_str!("examples/org.json");

/// The public ID of [`ORG_EXAMPLE`]'s organization.
pub const EXAMPLE_PUBLIC_ID: &str = "abcdef12345";

/// The 200 body of `GET /api/v1/org` served by default: [`ORG_EXAMPLE`]'s organization
/// alone, `{"orgs":[{...}]}` (a key of an org that manages no child org).
///
/// The text is `src/examples/org_list.json`, which the Python tests read too.
pub const ORG_LIST_EXAMPLE: &str = include_str!("examples/org_list.json");

/// The documented 200 example body of
/// `GET /api/v2/integration/salesforce-incidents/organizations`, served by
/// default.
///
/// The text is `src/examples/salesforce.json`, which the Python tests read too.
pub const SALESFORCE_EXAMPLE: &str = include_str!("examples/salesforce.json");

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_public_id_is_the_example_orgs() {
        let org: serde_json::Value = serde_json::from_str(super::ORG_EXAMPLE).unwrap();
        assert_eq!(org["org"]["public_id"], super::EXAMPLE_PUBLIC_ID);
    }
}
