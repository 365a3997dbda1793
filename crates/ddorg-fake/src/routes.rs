//! The API side of the fake: which reply an API request gets. [`route`] is the one place that
//! maps a path to an endpoint; a new endpoint is a [`Route`] variant there and an arm in
//! [`handle_api`].

use std::sync::{Arc, OnceLock};

use crate::fleet::FleetRoute;
use crate::http::{self, Request};
use crate::limits::{Endpoint, Verdict};
use crate::org_list::with_rate_limit;
use crate::reply::Reply;
use crate::state::{RecordedRequest, Shared, State, UnknownOrgs};
use crate::wire::Prepared;
use crate::{EXAMPLE_PUBLIC_ID, ORG_EXAMPLE, ORG_LIST_EXAMPLE, SALESFORCE_EXAMPLE};

const ORG_PREFIX: &str = "/api/v1/org/";
const ORG_LIST_PATH: &str = "/api/v1/org";
const SALESFORCE_PATH: &str = "/api/v2/integration/salesforce-incidents/organizations";

/// The replies served when nothing was scripted, rendered once per process.
pub(crate) struct Defaults {
    pub(crate) org: Arc<Prepared>,
    pub(crate) org_list: Arc<Prepared>,
    pub(crate) salesforce: Arc<Prepared>,
    pub(crate) forbidden: Arc<Prepared>,
    pub(crate) not_found: Arc<Prepared>,
    /// `GET /api/v1/org/<id>` for an id the fake does not know (see [`UnknownOrgs`]).
    pub(crate) org_not_found: Arc<Prepared>,
    pub(crate) method_not_allowed: Arc<Prepared>,
    pub(crate) no_content: Arc<Prepared>,
    /// What the rate limiter answers past the limit (its headers are added per request).
    pub(crate) too_many_requests: Arc<Prepared>,
}

pub(crate) fn defaults() -> &'static Defaults {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let p = |r: Reply| Arc::new(r.prepare());
        Defaults {
            org: p(Reply::json(200, ORG_EXAMPLE).rate_limit(1000, 60, 999, 42, "org_get")),
            org_list: p(with_rate_limit(Reply::json(200, ORG_LIST_EXAMPLE))),
            salesforce: p(Reply::json(200, SALESFORCE_EXAMPLE).rate_limit(
                1000,
                60,
                999,
                42,
                "salesforce_orgs",
            )),
            forbidden: p(Reply::errors(403, &["Forbidden"])),
            not_found: p(Reply::errors(404, &["Not Found"])),
            org_not_found: p(Reply::errors(404, &["Organization not found"])
                .rate_limit(1000, 60, 999, 42, "org_get")),
            method_not_allowed: p(Reply::errors(405, &["Method Not Allowed"])),
            no_content: p(Reply::status(204)),
            too_many_requests: p(Reply::errors(429, &["Too many requests"])),
        }
    })
}

/// The API endpoints the fake serves.
enum Route {
    /// `GET /api/v1/org/<public_id>`, the id percent-decoded.
    Org(String),
    /// `GET /api/v1/org`: the managed orgs.
    OrgList,
    /// `GET /api/v2/integration/salesforce-incidents/organizations`.
    Salesforce,
    /// Anything else: 404.
    Other,
}

impl Route {
    /// The rate-limited endpoint a request to this route counts against.
    fn limited(&self) -> Option<Endpoint> {
        match self {
            Route::Org(_) => Some(Endpoint::OrgGet),
            Route::OrgList => Some(Endpoint::OrgList),
            Route::Salesforce => Some(Endpoint::Salesforce),
            Route::Other => None,
        }
    }
}

/// The endpoint a raw path (before `?`) names: the one routing function.
fn route(path: &str) -> Route {
    if let Some(raw_id) = path.strip_prefix(ORG_PREFIX) {
        if !raw_id.is_empty() && !raw_id.contains('/') {
            return Route::Org(http::percent_decode(raw_id));
        }
    } else if path == ORG_LIST_PATH {
        return Route::OrgList;
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

/// The answer to an API request: a prepared reply and, from the rate limiter, the
/// `x-ratelimit-*` header lines that replace the reply's own.
pub(crate) struct Answer {
    pub(crate) reply: Arc<Prepared>,
    pub(crate) rate_limit: Option<Vec<u8>>,
}

/// Picks the reply for an API request and records it, under one lock.
///
/// The rate limiter counts a request that nothing was enqueued for, with keys that pass the
/// check (a fleet org's, in fleet mode), to a limited endpoint: past the limit it answers 429,
/// else the routed reply goes out with the limiter's headers, unless it is itself a 429 (a
/// scripted throttle, which keeps its own).
pub(crate) fn handle_api(shared: &Shared, req: Request) -> Answer {
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
    // A passthrough reply only delays, extends or breaks the answer routed as usual below.
    let passthrough = queued.take_if(|q| q.passthrough);
    let api_key = req.header("dd-api-key").unwrap_or("");
    let app_key = req.header("dd-application-key").unwrap_or("");
    let verdict = match route.limited() {
        Some(endpoint) if queued.is_none() && req.method == "GET" => {
            let counted = match &st.fleet {
                Some(fleet) => fleet.knows(api_key, app_key),
                None => keys_ok(&req, &st.keys),
            };
            if counted {
                st.limiter.check(api_key, endpoint)
            } else {
                None
            }
        }
        _ => None,
    };
    let limited = matches!(verdict, Some(Verdict::Limited(_)));
    let (reply, mut rate_limit) = match (queued, verdict) {
        (Some(reply), _) => (reply, None),
        (None, Some(Verdict::Limited(headers))) => {
            (Arc::clone(&d.too_many_requests), Some(headers))
        }
        (None, Some(Verdict::Admitted(headers))) => (routed(&st, &req, route), Some(headers)),
        (None, None) => (routed(&st, &req, route), None),
    };
    let reply = match passthrough {
        Some(p) => Arc::new(p.pass_through(&reply)),
        None => reply,
    };
    if reply.status == 429 && !limited {
        rate_limit = None;
    }
    if st.recording {
        st.log.push(RecordedRequest {
            method: req.method,
            path: req.target,
            headers: req.headers,
        });
    }
    Answer { reply, rate_limit }
}

/// The reply a request gets from the fleet, the scripted persistent replies or the defaults.
fn routed(st: &State, req: &Request, route: Route) -> Arc<Prepared> {
    let d = defaults();
    if let Some(fleet) = &st.fleet {
        return match route {
            Route::Other => Arc::clone(&d.not_found),
            _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
            route => {
                let fleet_route = match &route {
                    Route::Org(id) => FleetRoute::Org(id),
                    Route::OrgList => FleetRoute::OrgList,
                    _ => FleetRoute::Salesforce,
                };
                fleet.reply(
                    req.header("dd-api-key").unwrap_or(""),
                    req.header("dd-application-key").unwrap_or(""),
                    fleet_route,
                )
            }
        };
    }
    if !keys_ok(req, &st.keys) {
        return Arc::clone(&d.forbidden);
    }
    match route {
        Route::Other => Arc::clone(&d.not_found),
        _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
        Route::Org(id) => match st.orgs.get(&id) {
            Some(reply) => Arc::clone(reply),
            None if id == EXAMPLE_PUBLIC_ID || st.unknown_orgs == UnknownOrgs::Example => {
                Arc::clone(&d.org)
            }
            None => Arc::clone(&d.org_not_found),
        },
        Route::OrgList => Arc::clone(st.org_list.as_ref().unwrap_or(&d.org_list)),
        Route::Salesforce => Arc::clone(st.salesforce.as_ref().unwrap_or(&d.salesforce)),
    }
}
