//! Evaluating a changed safe posture: the helpers of the rule tests.

use ddorg_audit::{evaluate, Evaluation, Policy, SalesforceInput};
use ddorg_core::{OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
use serde_json::{json, Value};

use super::{safe_salesforce, safe_settings, NOW};
use Change::{Remove, Set};

/// A change to a JSON document, by JSON-pointer path.
pub enum Change {
    Set(&'static str, Value),
    Remove(&'static str),
}

/// `doc` with a JSON-pointer path set (parents created) or removed.
pub fn apply(mut doc: Value, change: &Change) -> Value {
    let (path, value) = match change {
        Set(p, v) => (*p, Some(v.clone())),
        Remove(p) => (*p, None),
    };
    let (parent, last) = path.rsplit_once('/').unwrap();
    let mut target = &mut doc;
    for key in parent.split('/').filter(|k| !k.is_empty()) {
        target = target
            .as_object_mut()
            .unwrap()
            .entry(key)
            .or_insert_with(|| json!({}));
    }
    let obj = target.as_object_mut().unwrap();
    match value {
        Some(v) => {
            obj.insert(last.to_string(), v);
        }
        None => {
            obj.remove(last);
        }
    }
    doc
}

pub fn run(settings: Value, salesforce: Option<Value>, policy: &Policy) -> Evaluation {
    let org: OrganizationResponse =
        serde_json::from_value(json!({"org": {"public_id": "abc", "settings": settings}})).unwrap();
    match salesforce {
        Some(sf) => {
            let sf: SalesforceIncidentsOrganizationsResponse = serde_json::from_value(sf).unwrap();
            evaluate(&org, SalesforceInput::Listed(&sf), policy, NOW)
        }
        None => evaluate(
            &org,
            SalesforceInput::Unavailable("HTTP 403: the key needs integrations_read"),
            policy,
            NOW,
        ),
    }
}

/// Settings changes apply to `org.settings`; `/sf/...` changes to the first Salesforce org.
pub fn eval(changes: &[Change]) -> Evaluation {
    eval_under(&Policy::default(), changes)
}

/// [`eval`] under another policy.
pub fn eval_under(policy: &Policy, changes: &[Change]) -> Evaluation {
    let mut settings = safe_settings();
    let mut sf = safe_salesforce();
    for c in changes {
        let path = match c {
            Set(p, _) | Remove(p) => *p,
        };
        if let Some(rest) = path.strip_prefix("/sf") {
            let item = sf["data"][0].take();
            let rest: &'static str = Box::leak(rest.to_string().into_boxed_str());
            let c = match c {
                Set(_, v) => Set(rest, v.clone()),
                Remove(_) => Remove(rest),
            };
            sf["data"][0] = apply(item, &c);
        } else {
            settings = apply(settings, c);
        }
    }
    run(settings, Some(sf), policy)
}

#[derive(Debug, PartialEq)]
pub enum Result {
    Fired,
    Passed,
    NotEvaluated,
}

pub fn result_of(e: &Evaluation, rule: &str) -> Result {
    let fired = e.findings.iter().any(|f| f.rule == rule);
    let skipped = e.not_evaluated.iter().any(|n| n.rule == rule);
    let passed = e.passed.iter().any(|p| p == rule);
    match (fired, skipped, passed) {
        (true, _, false) => Result::Fired,
        (false, true, false) => Result::NotEvaluated,
        (false, false, true) => Result::Passed,
        other => panic!("{rule}: inconsistent {other:?}: {e:#?}"),
    }
}

pub fn reason(e: &Evaluation, rule: &str) -> String {
    e.not_evaluated
        .iter()
        .filter(|n| n.rule == rule)
        .map(|n| n.reason.clone())
        .collect::<Vec<_>>()
        .join(" / ")
}
