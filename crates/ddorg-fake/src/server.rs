//! The server: accept loop, per-connection threads, routing, control API.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{json, Value};

use crate::fleet::{Fleet, FleetRoute, FleetState};
use crate::http::{self, ReadError, Request};
use crate::listen::{self, Extra, Kind, Listen, Listening};
use crate::reply::{Fault, Prepared, Reply};
use crate::tls::{Authority, TlsCert};
use crate::{ORG_EXAMPLE, SALESFORCE_EXAMPLE};

const ORG_PREFIX: &str = "/api/v1/org/";
const SALESFORCE_PATH: &str = "/api/v2/integration/salesforce-incidents/organizations";
const CONTROL_PREFIX: &str = "/_fake/";

/// One API request as the server received it, for assertions on what a
/// client sent (see [`FakeServer::requests`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The request method as sent, e.g. `"GET"`.
    pub method: String,
    /// The raw request-target as sent, query string and percent-escapes
    /// included, e.g. `"/api/v1/org/a%2Fb?x=1"`.
    pub path: String,
    /// Every request header in the order sent, names lowercased, values with
    /// surrounding whitespace trimmed.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The value of the first header with this name, compared
    /// case-insensitively; `None` if the client did not send it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Mutable server state; one lock, taken once per API request.
struct State {
    /// Enqueued replies with how many more requests each serves.
    queue: VecDeque<(Arc<Prepared>, usize)>,
    orgs: HashMap<String, Arc<Prepared>>,
    salesforce: Option<Arc<Prepared>>,
    keys: Option<(String, String)>,
    log: Vec<RecordedRequest>,
    /// Every `CONNECT` the proxy listeners received.
    proxy_log: Vec<RecordedRequest>,
    served: usize,
    recording: bool,
    /// Fleet mode: API requests are answered by the org their key pair belongs to.
    fleet: Option<Arc<FleetState>>,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) connections: AtomicUsize,
    pub(crate) shutdown: AtomicBool,
    /// A handle on every open connection, so shutdown can unblock its thread.
    pub(crate) live: Mutex<HashMap<usize, TcpStream>>,
    /// The CA, made when first needed (TLS listeners, `/_fake/ca`).
    authority: Mutex<Option<Arc<Authority>>>,
    /// Listeners opened with [`FakeServer::listen`], closed by reset and drop.
    extra: Mutex<Vec<Extra>>,
}

impl State {
    /// Renders a reply for the queue (outside the lock: gzip can be slow).
    fn queued(reply: Reply) -> (Arc<Prepared>, usize) {
        (Arc::new(reply.prepare()), reply.repeat.max(1))
    }

    fn reset(&mut self) {
        self.queue.clear();
        self.orgs.clear();
        self.salesforce = None;
        self.keys = None;
        self.log = Vec::new();
        self.proxy_log = Vec::new();
        self.served = 0;
        self.fleet = None;
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The server's CA, generated on first use.
    pub(crate) fn authority(&self) -> io::Result<Arc<Authority>> {
        let mut slot = self.authority.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(authority) = &*slot {
            return Ok(Arc::clone(authority));
        }
        let authority = Arc::new(Authority::new()?);
        *slot = Some(Arc::clone(&authority));
        Ok(authority)
    }

    /// Records a `CONNECT` a proxy listener received.
    pub(crate) fn record_connect(&self, req: &Request) {
        let mut st = self.state();
        if st.recording {
            st.proxy_log.push(RecordedRequest {
                method: req.method.clone(),
                path: req.target.clone(),
                headers: req.headers.clone(),
            });
        }
    }

    /// Closes every listener opened with [`FakeServer::listen`].
    fn close_extra(&self) {
        let extra = std::mem::take(&mut *self.extra.lock().unwrap_or_else(|e| e.into_inner()));
        for listener in extra {
            listener.close();
        }
    }

    fn listen(self: &Arc<Self>, how: Listen) -> io::Result<Listening> {
        let (extra, listening) = Extra::open(Arc::clone(self), how)?;
        self.extra
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(extra);
        Ok(listening)
    }
}

/// The replies served when nothing was scripted, rendered once per process.
struct Defaults {
    org: Arc<Prepared>,
    salesforce: Arc<Prepared>,
    forbidden: Arc<Prepared>,
    not_found: Arc<Prepared>,
    method_not_allowed: Arc<Prepared>,
    no_content: Arc<Prepared>,
}

fn defaults() -> &'static Defaults {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let p = |r: Reply| Arc::new(r.prepare());
        Defaults {
            org: p(Reply::json(200, ORG_EXAMPLE).rate_limit(1000, 60, 999, 42, "org_get")),
            salesforce: p(Reply::json(200, SALESFORCE_EXAMPLE).rate_limit(
                1000,
                60,
                999,
                42,
                "salesforce_orgs",
            )),
            forbidden: p(Reply::errors(403, &["Forbidden"])),
            not_found: p(Reply::errors(404, &["Not Found"])),
            method_not_allowed: p(Reply::errors(405, &["Method Not Allowed"])),
            no_content: p(Reply::status(204)),
        }
    })
}

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
/// 3. non-GET on the two API paths: 405 `{"errors":["Method Not Allowed"]}`;
/// 4. the persistent reply from [`FakeServer::set_org`] /
///    [`FakeServer::set_salesforce`];
/// 5. the defaults: [`ORG_EXAMPLE`] for `GET /api/v1/org/<id>`,
///    [`SALESFORCE_EXAMPLE`] for
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                orgs: HashMap::new(),
                salesforce: None,
                keys: None,
                log: Vec::new(),
                proxy_log: Vec::new(),
                served: 0,
                recording: true,
                fleet: None,
            }),
            connections: AtomicUsize::new(0),
            shutdown: AtomicBool::new(false),
            live: Mutex::new(HashMap::new()),
            authority: Mutex::new(None),
            extra: Mutex::new(Vec::new()),
        });
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

    /// Sets the reply for every
    /// `GET /api/v2/integration/salesforce-incidents/organizations` (replacing
    /// [`SALESFORCE_EXAMPLE`]) until [`FakeServer::reset`]. Requests still
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

    /// Forgets all scripting and history: clears the reply queue, the
    /// [`set_org`](FakeServer::set_org) / [`set_salesforce`](FakeServer::set_salesforce)
    /// replies, the request logs and count, and the key requirement, and closes the
    /// listeners opened with [`FakeServer::listen`]. Leaves the connection count, the CA and
    /// the recording switch alone.
    pub fn reset(&self) {
        self.shared.state().reset();
        self.shared.close_extra();
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

/// Accepts connections until the server shuts down (or `stop`, for an extra listener), each
/// served on its own thread as `kind` says.
pub(crate) fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    kind: Kind,
    stop: Option<Arc<AtomicBool>>,
) {
    for conn in listener.incoming() {
        let stopped = stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst));
        if shared.shutdown.load(Ordering::SeqCst) || stopped {
            break;
        }
        let stream = match conn {
            Ok(s) => s,
            Err(_) => {
                // E.g. out of file descriptors: back off instead of spinning.
                thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        let id = shared.connections.fetch_add(1, Ordering::SeqCst);
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        shared
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, handle);
        let conn_shared = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name("ddorg-fake-conn".into())
            .spawn(move || {
                let _ = listen::serve(&conn_shared, kind, stream);
                let handle = conn_shared
                    .live
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                if let Some(handle) = handle {
                    // Our own handles are gone; this sends the FIN now.
                    let _ = handle.shutdown(Shutdown::Both);
                }
            });
        if spawned.is_err() {
            let handle = shared
                .live
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            drop(handle);
        }
    }
}

/// Serves requests on one plain connection until either side closes it.
pub(crate) fn serve_connection(shared: &Arc<Shared>, stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let reader = BufReader::with_capacity(16 * 1024, stream.try_clone()?);
    let writer = BufWriter::with_capacity(16 * 1024, stream);
    serve_http(shared, reader, writer)
}

/// Serves HTTP requests (the API and the control API) on one connection, plain or TLS, until
/// either side closes it.
pub(crate) fn serve_http<R: Read, W: Write>(
    shared: &Arc<Shared>,
    mut reader: BufReader<R>,
    mut writer: BufWriter<W>,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(256);
    loop {
        let req = match http::read_request(&mut reader, &mut line) {
            Ok(req) => req,
            Err(_) => return writer.flush(),
        };
        if shared.shutdown.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = req.target.split('?').next().unwrap_or("");
        let is_control = path.starts_with(CONTROL_PREFIX);
        if req.expect_continue && req.has_body() {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        let body = match http::read_body(&mut reader, &req, is_control, http::MAX_CONTROL_BODY) {
            Ok(body) => body,
            Err(ReadError::Eof | ReadError::Bad) => return writer.flush(),
        };
        let client_close = req.close;
        let head_only = req.method == "HEAD";
        let reply = if is_control {
            control(shared, &req, &body)
        } else {
            handle_api(shared, req)
        };
        let close = client_close || reply.close;
        if !write_reply(&mut writer, &reply, head_only, close)? || close {
            return writer.flush();
        }
    }
}

/// Writes and flushes one reply (or its fault). Returns whether the
/// connection may carry on.
fn write_reply<W: Write>(
    w: &mut BufWriter<W>,
    p: &Prepared,
    head_only: bool,
    close: bool,
) -> io::Result<bool> {
    if let Some(d) = p.delay {
        w.flush()?;
        thread::sleep(d);
    }
    let write_head = |w: &mut BufWriter<W>, close: bool| -> io::Result<()> {
        w.write_all(&p.head)?;
        if close && !p.close {
            w.write_all(b"connection: close\r\n")?;
        }
        w.write_all(b"\r\n")
    };
    let body: &[u8] = if head_only { &[] } else { &p.body };
    match p.fault {
        None => {
            write_head(w, close)?;
            w.write_all(body)?;
            w.flush()?;
            return Ok(true);
        }
        Some(Fault::CloseWithoutResponse) => {}
        Some(Fault::ResetMidHeaders) => w.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty")?,
        Some(Fault::ResetMidBody) => {
            write_head(w, close)?;
            w.write_all(&body[..body.len() / 2])?;
        }
        Some(Fault::TruncatedBody) => {
            write_head(w, close)?;
            w.write_all(&body[..body.len().saturating_sub(5)])?;
        }
        Some(Fault::CloseAfterResponse) => {
            write_head(w, false)?;
            w.write_all(body)?;
        }
    }
    w.flush()?;
    Ok(false)
}

enum Route {
    Org(String),
    Salesforce,
    Other,
}

fn route(path: &str) -> Route {
    if let Some(raw_id) = path.strip_prefix(ORG_PREFIX) {
        if !raw_id.is_empty() && !raw_id.contains('/') {
            return Route::Org(http::percent_decode(raw_id));
        }
    } else if path == SALESFORCE_PATH {
        return Route::Salesforce;
    }
    Route::Other
}

fn keys_ok(req: &Request, required: &Option<(String, String)>) -> bool {
    let api = req.header("dd-api-key").unwrap_or("");
    let app = req.header("dd-application-key").unwrap_or("");
    if api.is_empty() || app.is_empty() {
        return false;
    }
    match required {
        Some((want_api, want_app)) => api == want_api && app == want_app,
        None => true,
    }
}

/// Picks the reply for an API request and records it, under one lock.
fn handle_api(shared: &Shared, req: Request) -> Arc<Prepared> {
    let route = route(req.target.split('?').next().unwrap_or(""));
    let d = defaults();
    let mut st = shared.state();
    st.served += 1;
    let mut queued = None;
    if let Some((reply, left)) = st.queue.front_mut() {
        queued = Some(Arc::clone(reply));
        *left -= 1;
        if *left == 0 {
            st.queue.pop_front();
        }
    }
    let reply = match queued {
        Some(reply) => reply,
        None if st.fleet.is_some() => match (&route, &st.fleet) {
            (Route::Other, _) => Arc::clone(&d.not_found),
            _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
            (route, Some(fleet)) => {
                let fleet_route = match route {
                    Route::Org(id) => FleetRoute::Org(id),
                    _ => FleetRoute::Salesforce,
                };
                fleet.reply(
                    req.header("dd-api-key").unwrap_or(""),
                    req.header("dd-application-key").unwrap_or(""),
                    fleet_route,
                )
            }
            (_, None) => Arc::clone(&d.not_found),
        },
        None if !keys_ok(&req, &st.keys) => Arc::clone(&d.forbidden),
        None => match route {
            Route::Other => Arc::clone(&d.not_found),
            _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
            Route::Org(id) => Arc::clone(st.orgs.get(&id).unwrap_or(&d.org)),
            Route::Salesforce => Arc::clone(st.salesforce.as_ref().unwrap_or(&d.salesforce)),
        },
    };
    if st.recording {
        st.log.push(RecordedRequest {
            method: req.method,
            path: req.target,
            headers: req.headers,
        });
    }
    reply
}

fn json_reply(code: u16, value: &Value) -> Arc<Prepared> {
    Arc::new(Reply::json(code, &value.to_string()).prepare())
}

fn bad_request(msg: &str) -> Arc<Prepared> {
    Arc::new(Reply::errors(400, &[msg]).prepare())
}

/// Parses a control request body as JSON.
fn body_json(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("body is not valid JSON: {e}"))
}

/// Serves the HTTP control API under `/_fake/` (see the crate docs).
fn control(shared: &Arc<Shared>, req: &Request, body: &[u8]) -> Arc<Prepared> {
    let path = req.target.split('?').next().unwrap_or("");
    let rest = &path[CONTROL_PREFIX.len()..];
    let d = defaults();
    let post = req.method == "POST";
    let get = req.method == "GET";
    let parse_reply = || body_json(body).and_then(|v| Reply::from_value(&v));
    match rest {
        "enqueue" | "salesforce" | "require_keys" | "reset" | "listen" if !post => {
            Arc::clone(&d.method_not_allowed)
        }
        "requests" | "stats" | "ca" | "proxy_requests" if !get => Arc::clone(&d.method_not_allowed),
        "listen" => match body_json(body).and_then(|v| Listen::from_value(&v)) {
            Ok(how) => match shared.listen(how) {
                Ok(listening) => json_reply(
                    200,
                    &json!({
                        "port": listening.port,
                        "url": listening.url,
                        "ca_pem": shared.authority().map(|a| a.ca_pem().to_string()).unwrap_or_default(),
                    }),
                ),
                Err(e) => Arc::new(Reply::errors(500, &[&format!("cannot listen: {e}")]).prepare()),
            },
            Err(e) => bad_request(&e),
        },
        "ca" => match shared.authority() {
            Ok(authority) => Arc::new(
                Reply::status(200)
                    .content_type("application/x-pem-file")
                    .body(authority.ca_pem())
                    .prepare(),
            ),
            Err(e) => Arc::new(Reply::errors(500, &[&e.to_string()]).prepare()),
        },
        _ if rest.starts_with("org/") && !post => Arc::clone(&d.method_not_allowed),
        "enqueue" => match parse_reply() {
            Ok(reply) => {
                let item = State::queued(reply);
                shared.state().queue.push_back(item);
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        "salesforce" => match parse_reply() {
            Ok(reply) => {
                shared.state().salesforce = Some(Arc::new(reply.prepare()));
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        _ if rest.starts_with("org/") => {
            let id = http::percent_decode(&rest["org/".len()..]);
            if id.is_empty() {
                return bad_request("missing org id: POST /_fake/org/<public_id>");
            }
            match parse_reply() {
                Ok(reply) => {
                    let prepared = Arc::new(reply.prepare());
                    shared.state().orgs.insert(id, prepared);
                    Arc::clone(&d.no_content)
                }
                Err(e) => bad_request(&e),
            }
        }
        "require_keys" => {
            let keys = body_json(body).and_then(|v| {
                match (
                    v.get("api_key").and_then(Value::as_str),
                    v.get("app_key").and_then(Value::as_str),
                ) {
                    (Some(api), Some(app)) => Ok((api.to_string(), app.to_string())),
                    _ => Err(r#"expected {"api_key": "...", "app_key": "..."}"#.to_string()),
                }
            });
            match keys {
                Ok(keys) => {
                    shared.state().keys = Some(keys);
                    Arc::clone(&d.no_content)
                }
                Err(e) => bad_request(&e),
            }
        }
        "reset" => {
            shared.state().reset();
            shared.close_extra();
            Arc::clone(&d.no_content)
        }
        "requests" | "proxy_requests" => {
            let st = shared.state();
            let log = if rest == "requests" {
                &st.log
            } else {
                &st.proxy_log
            };
            let list: Vec<Value> = log
                .iter()
                .map(|r| {
                    json!({
                        "method": r.method,
                        "path": r.path,
                        "headers": r.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                    })
                })
                .collect();
            drop(st);
            json_reply(200, &Value::Array(list))
        }
        "stats" => {
            let requests = shared.state().served;
            let connections = shared.connections.load(Ordering::SeqCst);
            json_reply(
                200,
                &json!({ "requests": requests, "connections": connections }),
            )
        }
        _ => Arc::new(Reply::errors(404, &[&format!("unknown control endpoint {path}")]).prepare()),
    }
}
