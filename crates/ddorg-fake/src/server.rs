//! [`FakeServer`]: starting, scripting, inspecting and stopping a fake.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::connection::accept_loop;
use crate::fleet::{Fleet, FleetState};
use crate::limits::Endpoint;
use crate::listen::{self, Kind, Listen, Listening};
use crate::org_list;
use crate::reply::Reply;
use crate::routes::defaults;
use crate::state::{RecordedRequest, Shared, State, UnknownOrgs};
use crate::tls::TlsCert;

/// A fake Datadog API server on a loopback port, serving the organization
/// endpoints with documented example bodies, scripted replies and faults.
///
/// Each accepted connection gets its own thread and is kept alive across
/// requests (HTTP/1.1) unless the client sends `connection: close`. Dropping
/// the server stops accepting, shuts down open connections and lets every
/// background thread end. Cheap to start: use one per test.
///
/// For each API request (anything not under `/_fake/`), in order:
/// 1. the oldest [enqueued](FakeServer::enqueue) reply, whatever the path;
/// 2. the key check: `DD-API-KEY` and `DD-APPLICATION-KEY` must be present and
///    non-empty (and equal to [`FakeServer::require_keys`]' if set), else 403
///    `{"errors":["Forbidden"]}`;
/// 3. non-GET on the three API paths: 405 `{"errors":["Method Not Allowed"]}`;
/// 4. past a [rate limit](FakeServer::set_rate_limit) of the endpoint: 429
///    `{"errors":["Too many requests"]}` (while one is set, every answer of the endpoint
///    carries the limiter's `x-ratelimit-*` headers instead of its own);
/// 5. the persistent reply from [`FakeServer::set_org`] / [`FakeServer::set_org_list`] /
///    [`FakeServer::set_orgs`] / [`FakeServer::set_salesforce`];
/// 6. the defaults: [`ORG_EXAMPLE`](crate::ORG_EXAMPLE) for
///    `GET /api/v1/org/abcdef12345` ([`EXAMPLE_PUBLIC_ID`](crate::EXAMPLE_PUBLIC_ID)) and 404
///    `{"errors":["Organization not found"]}` (with the `org_get` rate-limit headers) for any
///    other id, or the example for every id after
///    [`set_unknown_orgs(UnknownOrgs::Example)`](FakeServer::set_unknown_orgs);
///    [`ORG_LIST_EXAMPLE`](crate::ORG_LIST_EXAMPLE) for `GET /api/v1/org` (name `org_list`),
///    [`SALESFORCE_EXAMPLE`](crate::SALESFORCE_EXAMPLE) for
///    `GET /api/v2/integration/salesforce-incidents/organizations` (both with
///    `x-ratelimit-*` headers: limit 1000, period 60, remaining 999, reset 42,
///    name `org_get` / `salesforce_orgs`), 404 `{"errors":["Not Found"]}` for
///    anything else.
///
/// Routing uses the raw path before `?`; the org id is the one raw segment
/// after `/api/v1/org/`, percent-decoded afterwards (so `a%2Fb` is the id
/// `a/b`, never a deeper route).
pub struct FakeServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    kind: Kind,
    accept_thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Starts a server on `127.0.0.1` and a free port chosen by the OS, which
    /// is what tests want (no port clashes when run in parallel).
    pub fn start() -> io::Result<FakeServer> {
        FakeServer::start_on("127.0.0.1:0")
    }

    /// Starts a server on this address, e.g. `"127.0.0.1:8126"` (port 0 picks
    /// a free port), for demos and fixed-port setups.
    pub fn start_on(addr: &str) -> io::Result<FakeServer> {
        FakeServer::start_with(addr, Kind::Plain)
    }

    /// Starts an HTTPS server on `127.0.0.1` and a free port, presenting a certificate for
    /// `localhost`, `127.0.0.1` and `::1` issued by its own CA ([`FakeServer::ca_pem`]);
    /// [`FakeServer::base_url`] is then `https://localhost:PORT`.
    pub fn start_tls() -> io::Result<FakeServer> {
        FakeServer::start_tls_on("127.0.0.1:0", TlsCert::Valid)
    }

    /// Starts an HTTPS server on this address presenting the certificate `cert` names, e.g. an
    /// expired one for a client's error tests.
    pub fn start_tls_on(addr: &str, cert: TlsCert) -> io::Result<FakeServer> {
        FakeServer::start_with(addr, Kind::Tls(cert))
    }

    fn start_with(addr: &str, kind: Kind) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new());
        if let Kind::Tls(_) = kind {
            shared.authority()?;
        }
        defaults();
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name("ddorg-fake-accept".into())
            .spawn(move || accept_loop(listener, accept_shared, kind, None))?;
        Ok(FakeServer {
            shared,
            addr,
            kind,
            accept_thread: Some(accept_thread),
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The URL to point a client at, `http://127.0.0.1:<port>` (the bound IP
    /// if it was neither loopback-any nor `127.0.0.1`), without a trailing
    /// slash; for an HTTPS server `https://localhost:<port>` (the name its
    /// certificate is for) when it listens on loopback.
    pub fn base_url(&self) -> String {
        listen::url(self.kind, self.addr)
    }

    /// The PEM certificate of this server's CA, generated on first use: it issues the
    /// certificates of [`FakeServer::start_tls`] and of every [`Listen`]er, so a client given
    /// it as its CA bundle trusts them. Each server has its own CA, never written to disk by
    /// the library (the binary's `--tls-ca-out PATH` writes it where asked).
    pub fn ca_pem(&self) -> io::Result<String> {
        Ok(self.shared.authority()?.ca_pem().to_string())
    }

    /// Opens another listener on `127.0.0.1` and a free port that shares this server's
    /// scripting and history (queued replies, request log and counts): HTTPS with a chosen
    /// certificate, or a `CONNECT` proxy with a chosen behaviour. It stays open until
    /// [`FakeServer::reset`] or the server is dropped.
    ///
    /// ```
    /// use ddorg_fake::{FakeServer, Listen, ProxyMode, TlsCert};
    /// let server = FakeServer::start()?;
    /// let expired = server.listen(Listen::Tls(TlsCert::Expired))?;
    /// assert!(expired.url.starts_with("https://localhost:"));
    /// let proxy = server.listen(Listen::Proxy(ProxyMode::AuthRequired))?;
    /// assert!(proxy.url.starts_with("http://127.0.0.1:"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn listen(&self, how: Listen) -> io::Result<Listening> {
        self.shared.listen(how)
    }

    /// Every `CONNECT` request the proxy listeners received, oldest first (its `path` is the
    /// requested `host:port`), so a test can check what a client sent its proxy.
    pub fn proxy_requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().proxy_log.clone()
    }

    /// Queues a reply for the next API request, whatever its path, method or
    /// keys (FIFO; a [`Reply::repeat`]ed reply serves that many requests
    /// before the next one). Queued replies take precedence over everything.
    pub fn enqueue(&self, reply: Reply) {
        let item = State::queued(reply);
        self.shared.state().queue.push_back(item);
    }

    /// Sets the reply for every `GET /api/v1/org/<public_id>` whose id, after
    /// percent-decoding, equals `public_id` (replacing any earlier one), for
    /// as long as the server runs or until [`FakeServer::reset`]. Requests
    /// still have to pass the key check first.
    pub fn set_org(&self, public_id: &str, reply: Reply) {
        let prepared = Arc::new(reply.prepare());
        self.shared
            .state()
            .orgs
            .insert(public_id.to_string(), prepared);
    }

    /// What `GET /api/v1/org/<public_id>` answers for an id nothing was set for (other than
    /// [`EXAMPLE_PUBLIC_ID`](crate::EXAMPLE_PUBLIC_ID)): 404 by default, or the example org for
    /// any id ([`UnknownOrgs::Example`]). A setting of the server, like the latency: not cleared by
    /// [`FakeServer::reset`]. (`ddorg fake
    /// --unknown-orgs example`, `POST /_fake/unknown_orgs`, Python's `unknown_orgs=`.)
    ///
    /// ```
    /// use ddorg_fake::{FakeServer, UnknownOrgs};
    /// let server = FakeServer::start()?;
    /// server.set_unknown_orgs(UnknownOrgs::Example); // any id answers the example org
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_unknown_orgs(&self, answer: UnknownOrgs) {
        self.shared.state().unknown_orgs = answer;
    }

    /// Sets the reply for every `GET /api/v1/org` (replacing
    /// [`ORG_LIST_EXAMPLE`](crate::ORG_LIST_EXAMPLE)), sent verbatim, until
    /// [`FakeServer::reset`]. Requests still have to pass the key check first.
    pub fn set_org_list(&self, reply: Reply) {
        let prepared = Arc::new(reply.prepare());
        self.shared.state().org_list = Some(prepared);
    }

    /// The managed orgs, as `(public_id, name)` pairs, in order (the key's own org first, as
    /// Datadog lists it): `GET /api/v1/org` lists each as [`ORG_EXAMPLE`](crate::ORG_EXAMPLE)'s
    /// organization with that `public_id` and `name`, and `GET /api/v1/org/<public_id>`
    /// answers with that same organization (replacing earlier [`FakeServer::set_org`] replies
    /// for those ids), until [`FakeServer::reset`]. Requests still have to pass the key check.
    ///
    /// ```
    /// let server = ddorg_fake::FakeServer::start()?;
    /// server.set_orgs(&[("parent1", "Parent"), ("child01", "Child one")]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_orgs(&self, orgs: &[(&str, &str)]) {
        let orgs = orgs
            .iter()
            .map(|(id, name)| {
                let mut fields = serde_json::Map::new();
                fields.insert("public_id".into(), (*id).into());
                fields.insert("name".into(), (*name).into());
                org_list::example_org(&fields)
            })
            .collect();
        org_list::install(&self.shared, orgs);
    }

    /// Sets the reply for every
    /// `GET /api/v2/integration/salesforce-incidents/organizations` (replacing
    /// [`SALESFORCE_EXAMPLE`](crate::SALESFORCE_EXAMPLE)) until [`FakeServer::reset`]. Requests still
    /// have to pass the key check first.
    pub fn set_salesforce(&self, reply: Reply) {
        let prepared = Arc::new(reply.prepare());
        self.shared.state().salesforce = Some(prepared);
    }

    /// Accepts only these exact `DD-API-KEY` / `DD-APPLICATION-KEY` values
    /// (others get 403), to test that a client sends the configured keys.
    /// Defaults to accepting any non-empty keys.
    pub fn require_keys(&self, api_key: &str, app_key: &str) {
        self.shared.state().keys = Some((api_key.to_string(), app_key.to_string()));
    }

    /// Fleet mode: from now on (until [`FakeServer::reset`]) API requests are answered by the
    /// [`Fleet`] org whose `DD-API-KEY` / `DD-APPLICATION-KEY` they carry (unknown keys get 403),
    /// with that org's posture and behaviour; `set_org`, `set_salesforce` and `require_keys` no
    /// longer apply. Queued replies still come first.
    pub fn set_fleet(&self, fleet: &Fleet) {
        let state = Arc::new(FleetState::new(fleet));
        self.shared.state().fleet = Some(state);
    }

    /// Rate-limits every limited [`Endpoint`] like Datadog does: per `DD-API-KEY` and per
    /// endpoint, a fixed window of `period_secs` seconds (at least 1) admits `limit` requests;
    /// the next ones in that window get 429 `{"errors":["Too many requests"]}`. Every answer of
    /// a limited endpoint then carries `x-ratelimit-limit`, `x-ratelimit-period`,
    /// `x-ratelimit-remaining` (after this request), `x-ratelimit-reset` (whole seconds until
    /// the window ends, rounded up) and `x-ratelimit-name` ([`Endpoint::name`]), in place of
    /// the fixed ones the default replies carry. Windows start when the limit is set and follow
    /// each other every period, the same for every key. Until [`FakeServer::reset`] or
    /// [`FakeServer::clear_rate_limits`]; defaults to no limit.
    ///
    /// Counted are requests that nothing was [enqueued](FakeServer::enqueue) for (a queued
    /// reply wins and is not counted; a [`Reply::passthrough`] is), that pass the key check (in
    /// fleet mode: a fleet org's key pair, so every org has its own budget), with `GET`. A
    /// routed reply with status 429 (a fleet org's burst, a scripted `set_org` 429) keeps its
    /// own headers. (`ddorg-fake --rate-limit LIMIT/PERIOD`, `POST /_fake/rate_limit`.)
    ///
    /// ```
    /// let server = ddorg_fake::FakeServer::start()?;
    /// server.set_rate_limit(100, 60);
    /// assert_eq!(server.rate_limited_count(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_rate_limit(&self, limit: u64, period_secs: u64) {
        let mut st = self.shared.state();
        for &endpoint in Endpoint::ALL {
            st.limiter.set(endpoint, limit, period_secs);
        }
    }

    /// [`FakeServer::set_rate_limit`] for one endpoint only (replacing its earlier limit and
    /// restarting its windows); the other endpoints keep theirs.
    pub fn set_endpoint_rate_limit(&self, endpoint: Endpoint, limit: u64, period_secs: u64) {
        self.shared
            .state()
            .limiter
            .set(endpoint, limit, period_secs);
    }

    /// Removes every rate limit and the keys' counts; the default replies' fixed
    /// `x-ratelimit-*` headers come back. [`FakeServer::rate_limited_count`] is kept.
    pub fn clear_rate_limits(&self) {
        self.shared.state().limiter.clear();
    }

    /// How many 429s the rate limiter sent (scripted 429 replies not included) since the start
    /// or [`FakeServer::reset`].
    pub fn rate_limited_count(&self) -> usize {
        self.shared.state().limiter.rate_limited
    }

    /// Every API request received so far (control requests under `/_fake/`
    /// excluded), oldest first. Empty while recording is off (see
    /// [`FakeServer::set_recording`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().log.clone()
    }

    /// How many API requests were received (control requests excluded),
    /// counted even while recording is off.
    pub fn request_count(&self) -> usize {
        self.shared.state().served
    }

    /// How many TCP connections were accepted so far (including ones that
    /// only carried control requests); not cleared by [`FakeServer::reset`].
    /// Lets tests prove that a client reuses connections.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// How many TLS handshakes the server completed since it started (or
    /// [`FakeServer::reset`]), on every listener, the tunnels of an inspecting proxy included;
    /// a handshake that failed (a certificate the client refused) is not counted. Each is a
    /// new TLS connection (or a resumed session on one): lets tests prove that clients share
    /// their connections.
    ///
    /// ```
    /// let server = ddorg_fake::FakeServer::start_tls()?;
    /// assert_eq!(server.tls_handshake_count(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn tls_handshake_count(&self) -> usize {
        self.shared.tls_handshakes.load(Ordering::SeqCst)
    }

    /// Forgets all scripting and history: clears the reply queue, the
    /// [`set_org`](FakeServer::set_org) / [`set_org_list`](FakeServer::set_org_list) /
    /// [`set_orgs`](FakeServer::set_orgs) / [`set_salesforce`](FakeServer::set_salesforce)
    /// replies, the request logs and count, the key requirement, the fleet, the rate limits and
    /// their count of 429s, the [TLS handshake count](FakeServer::tls_handshake_count), and
    /// closes the listeners opened with [`FakeServer::listen`]. Leaves the connection count,
    /// the CA, the latency and the recording switch alone.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Delays every flight the server sends by `latency`, as a network with that round-trip
    /// time would, on every listener of this server, from the next byte written (connections
    /// already open included) until changed; `Duration::ZERO` turns it off. Defaults to none.
    ///
    /// Every connection has its own delay line, so parallel connections wait at the same
    /// time. A request on a kept-alive connection costs one `latency`; a new plain connection
    /// two (the TCP handshake's round trip is charged to its first answer); a new TLS connection
    /// three (TCP, the TLS handshake, the request). [`Reply::delay`]s add to it. Not cleared by
    /// [`FakeServer::reset`]. (`ddorg-fake --latency MS`, `POST /_fake/latency`.)
    ///
    /// ```
    /// use std::time::Duration;
    /// let server = ddorg_fake::FakeServer::start_tls()?;
    /// server.set_latency(Duration::from_millis(20));
    /// assert_eq!(server.latency(), Duration::from_millis(20));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_latency(&self, latency: Duration) {
        self.shared.latency.set(latency);
    }

    /// The latency set with [`FakeServer::set_latency`] (to the microsecond).
    pub fn latency(&self) -> Duration {
        self.shared.latency.get()
    }

    /// Turns recording of requests for [`FakeServer::requests`] on or off.
    /// Benchmarks turn it off so memory stays flat over millions of requests;
    /// [`FakeServer::request_count`] keeps counting. Defaults to on.
    pub fn set_recording(&self, enabled: bool) {
        self.shared.state().recording = enabled;
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        self.shared.close_extra();
        // Wake the accept loop, blocked in accept(), with a throwaway connection.
        let wake = SocketAddr::new(connect_ip(self.addr.ip()), self.addr.port());
        let woke = TcpStream::connect_timeout(&wake, Duration::from_secs(2)).is_ok();
        if let Some(handle) = self.accept_thread.take() {
            if woke {
                let _ = handle.join();
            }
        }
        // Every accepted connection was registered before the accept thread
        // ended; shutting them down makes their threads' reads return.
        let live = std::mem::take(&mut *self.shared.live.lock().unwrap_or_else(|e| e.into_inner()));
        for stream in live.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// The address a client should connect to for a bound IP.
pub(crate) fn connect_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}
