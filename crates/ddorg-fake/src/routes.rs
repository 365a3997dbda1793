//! The API side of the fake: which reply an API request gets. [`route`] is the one place that
//! maps a path to an endpoint; a new endpoint is a [`Route`] variant there and an arm in
//! [`handle_api`].

use std::sync::{Arc, OnceLock};

use crate::fleet::FleetRoute;
use crate::http::{self, Request};
use crate::org_list::with_rate_limit;
use crate::reply::Reply;
use crate::state::{RecordedRequest, Shared};
use crate::wire::Prepared;
use crate::{ORG_EXAMPLE, ORG_LIST_EXAMPLE, SALESFORCE_EXAMPLE};

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
    pub(crate) method_not_allowed: Arc<Prepared>,
    pub(crate) no_content: Arc<Prepared>,
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
            method_not_allowed: p(Reply::errors(405, &["Method Not Allowed"])),
            no_content: p(Reply::status(204)),
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

/// Picks the reply for an API request and records it, under one lock.
pub(crate) fn handle_api(shared: &Shared, req: Request) -> Arc<Prepared> {
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
    let reply = match queued {
        Some(reply) => reply,
        None if st.fleet.is_some() => match (&route, &st.fleet) {
            (Route::Other, _) => Arc::clone(&d.not_found),
            _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
            (route, Some(fleet)) => {
                let fleet_route = match route {
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
            (_, None) => Arc::clone(&d.not_found),
        },
        None if !keys_ok(&req, &st.keys) => Arc::clone(&d.forbidden),
        None => match route {
            Route::Other => Arc::clone(&d.not_found),
            _ if req.method != "GET" => Arc::clone(&d.method_not_allowed),
            Route::Org(id) => Arc::clone(st.orgs.get(&id).unwrap_or(&d.org)),
            Route::OrgList => Arc::clone(st.org_list.as_ref().unwrap_or(&d.org_list)),
            Route::Salesforce => Arc::clone(st.salesforce.as_ref().unwrap_or(&d.salesforce)),
        },
    };
    let reply = match passthrough {
        Some(p) => Arc::new(p.pass_through(&reply)),
        None => reply,
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
