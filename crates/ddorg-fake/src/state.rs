//! What a running fake holds: the scripted replies, the key requirement and the request log.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::fleet::FleetState;
use crate::http::Request;
use crate::latency::Latency;
use crate::limits::Limiter;
use crate::listen::{Extra, Listen, Listening};
use crate::reply::Reply;
use crate::tls::Authority;
use crate::wire::Prepared;

/// One API request as the server received it, for assertions on what a
/// client sent (see [`FakeServer::requests`](crate::FakeServer::requests)).
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
pub(crate) struct State {
    /// Enqueued replies with how many more requests each serves.
    pub(crate) queue: VecDeque<(Arc<Prepared>, usize)>,
    pub(crate) orgs: HashMap<String, Arc<Prepared>>,
    pub(crate) salesforce: Option<Arc<Prepared>>,
    pub(crate) org_list: Option<Arc<Prepared>>,
    pub(crate) keys: Option<(String, String)>,
    pub(crate) log: Vec<RecordedRequest>,
    /// Every `CONNECT` the proxy listeners received.
    pub(crate) proxy_log: Vec<RecordedRequest>,
    pub(crate) served: usize,
    pub(crate) recording: bool,
    /// Fleet mode: API requests are answered by the org their key pair belongs to.
    pub(crate) fleet: Option<Arc<FleetState>>,
    /// The rate limits, every key's windows and the count of 429s they sent.
    pub(crate) limiter: Limiter,
    /// What `GET /api/v1/org/<id>` answers for an id nothing was set for; kept by reset.
    pub(crate) unknown_orgs: UnknownOrgs,
}

/// What the fake answers `GET /api/v1/org/<public_id>` with, outside fleet mode (where each key
/// reads only its fleet's ids), when nothing was set for that id
/// ([`FakeServer::set_org`](crate::FakeServer::set_org), [`FakeServer::set_orgs`](crate::FakeServer::set_orgs))
/// and it is not [`EXAMPLE_PUBLIC_ID`](crate::EXAMPLE_PUBLIC_ID). Defaults to
/// [`UnknownOrgs::NotFound`], as Datadog answers an id it does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownOrgs {
    /// 404 `{"errors":["Organization not found"]}`, with the endpoint's rate-limit headers.
    #[default]
    NotFound,
    /// The example organization ([`ORG_EXAMPLE`](crate::ORG_EXAMPLE)), whatever the id: for
    /// tests and benchmarks that call with any id.
    Example,
}

impl UnknownOrgs {
    /// The name of the control API, the `--unknown-orgs` option and Python's `unknown_orgs`:
    /// `not_found` or `example`.
    pub fn name(self) -> &'static str {
        match self {
            UnknownOrgs::NotFound => "not_found",
            UnknownOrgs::Example => "example",
        }
    }

    /// The value [`UnknownOrgs::name`] gives (`not-found` is accepted too, as options spell it).
    pub fn from_name(name: &str) -> Option<UnknownOrgs> {
        match name {
            "not_found" | "not-found" => Some(UnknownOrgs::NotFound),
            "example" => Some(UnknownOrgs::Example),
            _ => None,
        }
    }
}

pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) connections: AtomicUsize,
    /// TLS handshakes completed on any listener (a proxy's inspected tunnels included); reset.
    pub(crate) tls_handshakes: Arc<AtomicUsize>,
    pub(crate) shutdown: AtomicBool,
    /// The simulated round trip every connection adds (see `latency.rs`); not reset.
    pub(crate) latency: Arc<Latency>,
    /// A handle on every open connection, so shutdown can unblock its thread.
    pub(crate) live: Mutex<HashMap<usize, TcpStream>>,
    /// The CA, made when first needed (TLS listeners, `/_fake/ca`).
    authority: Mutex<Option<Arc<Authority>>>,
    /// Listeners opened with [`FakeServer::listen`](crate::FakeServer::listen), closed by
    /// reset and drop.
    extra: Mutex<Vec<Extra>>,
}

impl State {
    /// Renders a reply for the queue (outside the lock: gzip can be slow).
    pub(crate) fn queued(reply: Reply) -> (Arc<Prepared>, usize) {
        (Arc::new(reply.prepare()), reply.repeat.max(1))
    }

    pub(crate) fn reset(&mut self) {
        self.queue.clear();
        self.orgs.clear();
        self.salesforce = None;
        self.org_list = None;
        self.keys = None;
        self.log = Vec::new();
        self.proxy_log = Vec::new();
        self.served = 0;
        self.fleet = None;
        self.limiter = Limiter::default();
    }
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
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

    /// What [`FakeServer::reset`](crate::FakeServer::reset) forgets: the state, the handshake
    /// count and the extra listeners.
    pub(crate) fn reset(&self) {
        self.state().reset();
        self.tls_handshakes.store(0, Ordering::SeqCst);
        self.close_extra();
    }

    /// Closes every listener opened with [`FakeServer::listen`](crate::FakeServer::listen).
    pub(crate) fn close_extra(&self) {
        let extra = std::mem::take(&mut *self.extra.lock().unwrap_or_else(|e| e.into_inner()));
        for listener in extra {
            listener.close();
        }
    }

    /// Opens another listener sharing this state.
    pub(crate) fn listen(self: &Arc<Self>, how: Listen) -> io::Result<Listening> {
        let (extra, listening) = Extra::open(Arc::clone(self), how)?;
        self.extra
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(extra);
        Ok(listening)
    }
}

impl Shared {
    /// A fresh state: nothing scripted, recording on.
    pub(crate) fn new() -> Shared {
        Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                orgs: HashMap::new(),
                salesforce: None,
                org_list: None,
                keys: None,
                log: Vec::new(),
                proxy_log: Vec::new(),
                served: 0,
                recording: true,
                fleet: None,
                limiter: Limiter::default(),
                unknown_orgs: UnknownOrgs::default(),
            }),
            connections: AtomicUsize::new(0),
            tls_handshakes: Arc::new(AtomicUsize::new(0)),
            shutdown: AtomicBool::new(false),
            latency: Arc::new(Latency::default()),
            live: Mutex::new(HashMap::new()),
            authority: Mutex::new(None),
            extra: Mutex::new(Vec::new()),
        }
    }
}
