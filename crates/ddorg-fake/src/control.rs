//! The control API under `/_fake/`, through which Python and C tests script the fake binary.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::http::{self, Request};
use crate::limits::{self, RateLimitRequest};
use crate::listen::Listen;
use crate::org_list;
use crate::reply::Reply;
use crate::routes::defaults;
use crate::state::{Shared, State, UnknownOrgs};
use crate::wire::Prepared;

/// Every control path starts with this; nothing under it is an API request.
pub(crate) const CONTROL_PREFIX: &str = "/_fake/";

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

/// Reads the body of `POST /_fake/latency`: `{"seconds": <0 to 3600>}`, the name and unit of
/// Python's `set_latency(seconds)`, or `{"ms": <0 to 3600000>}` as `--latency` takes it.
fn latency_from_value(v: &Value) -> Result<Duration, String> {
    const EXPECTED: &str = r#"expected {"seconds": <0 to 3600>} or {"ms": <0 to 3600000>}"#;
    let obj_len = v.as_object().map_or(0, |o| o.len());
    let seconds = match (v.get("seconds"), v.get("ms")) {
        (Some(s), None) => s.as_f64(),
        (None, Some(ms)) => ms.as_f64().map(|ms| ms / 1000.0),
        _ => None,
    }
    .ok_or(EXPECTED)?;
    if obj_len != 1 || !seconds.is_finite() || !(0.0..=3600.0).contains(&seconds) {
        return Err(EXPECTED.into());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Reads the body of `POST /_fake/unknown_orgs`: `{"answer": "not_found" | "example"}`.
fn unknown_orgs_from_value(v: &Value) -> Result<UnknownOrgs, String> {
    const EXPECTED: &str = r#"expected {"answer": "not_found"} or {"answer": "example"}"#;
    let obj_len = v.as_object().map_or(0, |o| o.len());
    match v.get("answer").and_then(Value::as_str) {
        Some(name) if obj_len == 1 => UnknownOrgs::from_name(name).ok_or(EXPECTED.into()),
        _ => Err(EXPECTED.into()),
    }
}

/// Serves the HTTP control API under `/_fake/` (see the crate docs).
pub(crate) fn control(shared: &Arc<Shared>, req: &Request, body: &[u8]) -> Arc<Prepared> {
    let path = req.target.split('?').next().unwrap_or("");
    let rest = &path[CONTROL_PREFIX.len()..];
    let d = defaults();
    let post = req.method == "POST";
    let get = req.method == "GET";
    let parse_reply = || body_json(body).and_then(|v| Reply::from_value(&v));
    match rest {
        "enqueue" | "salesforce" | "org_list" | "orgs" | "require_keys" | "reset" | "listen"
        | "latency" | "rate_limit" | "unknown_orgs"
            if !post =>
        {
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
        "org_list" => match parse_reply() {
            Ok(reply) => {
                shared.state().org_list = Some(Arc::new(reply.prepare()));
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        "orgs" => match body_json(body).and_then(|v| org_list::orgs_from_value(&v)) {
            Ok(orgs) => {
                org_list::install(shared, orgs);
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
        "latency" => match body_json(body).and_then(|v| latency_from_value(&v)) {
            Ok(latency) => {
                shared.latency.set(latency);
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        "unknown_orgs" => match body_json(body).and_then(|v| unknown_orgs_from_value(&v)) {
            Ok(answer) => {
                shared.state().unknown_orgs = answer;
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        "rate_limit" => match body_json(body).and_then(|v| limits::request_from_value(&v)) {
            Ok(RateLimitRequest::Set {
                endpoints,
                limit,
                period,
            }) => {
                let mut st = shared.state();
                for endpoint in endpoints {
                    st.limiter.set(endpoint, limit, period);
                }
                Arc::clone(&d.no_content)
            }
            Ok(RateLimitRequest::Off) => {
                shared.state().limiter.clear();
                Arc::clone(&d.no_content)
            }
            Err(e) => bad_request(&e),
        },
        "reset" => {
            shared.reset();
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
            let (requests, rate_limited) = {
                let st = shared.state();
                (st.served, st.limiter.rate_limited)
            };
            let connections = shared.connections.load(Ordering::SeqCst);
            let tls_handshakes = shared.tls_handshakes.load(Ordering::SeqCst);
            json_reply(
                200,
                &json!({
                    "requests": requests,
                    "connections": connections,
                    "tls_handshakes": tls_handshakes,
                    "rate_limited": rate_limited,
                }),
            )
        }
        _ => Arc::new(Reply::errors(404, &[&format!("unknown control endpoint {path}")]).prepare()),
    }
}
