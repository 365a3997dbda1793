//! `--format sarif`: SARIF 2.1.0, one run, every rule in `tool.driver.rules`, a result per finding
//! with a logical location per org, so that code-scanning dashboards can load it.

use serde_json::{json, Value};

use crate::controls::sarif_tags;
use crate::report::{OrgReport, Report};
use crate::rules::RULES;
use crate::severity::Severity;

/// SARIF's `level` for a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score code-scanning dashboards sort by (CVSS-like, 0 to 10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn logical_location(org: &OrgReport) -> Value {
    let place = org
        .site
        .clone()
        .or_else(|| org.base_url.clone())
        .unwrap_or_default();
    json!({
        "logicalLocations": [{
            "name": org.name,
            "fullyQualifiedName": format!("{place}/{}", org.public_id),
            "kind": "resource",
        }]
    })
}

/// The report as a SARIF 2.1.0 log, pretty-printed, ending in a newline.
pub fn to_sarif(r: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "shortDescription": { "text": rule.title },
                "fullDescription": { "text": rule.rationale },
                "help": {
                    "text": format!("{} Datadog: {}. Terraform (datadog_organization_settings): {}.",
                        rule.remediation.text, rule.remediation.datadog_ui, rule.remediation.terraform),
                    "markdown": format!("{}\n\n- Datadog: {}\n- Terraform (`datadog_organization_settings`): `{}`\n- Reference: {}",
                        rule.remediation.text, rule.remediation.datadog_ui, rule.remediation.terraform, rule.reference),
                },
                "helpUri": rule.reference,
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": {
                    "severity": rule.severity.as_str(),
                    "security-severity": security_severity(rule.severity),
                    "tags": sarif_tags(rule),
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for org in &r.orgs {
        for f in &org.findings {
            let index = RULES.iter().position(|rule| rule.id == f.rule);
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.detail },
                "locations": [logical_location(org)],
                "partialFingerprints": {
                    "ddorgFinding/v1": format!("{}/{}/{}", org.public_id, f.rule, f.subject.as_deref().unwrap_or("")),
                },
                "properties": {
                    "severity": f.severity.as_str(),
                    "org": org.name,
                    "public_id": org.public_id,
                    "evidence": f.evidence,
                },
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if let Some(s) = &f.subject {
                result["properties"]["subject"] = json!(s);
            }
            // An excepted finding stays a result, suppressed with the policy's reason, so that
            // dashboards show it as accepted rather than open or gone.
            if let Some(e) = &f.exception {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": e.reason,
                    "properties": { "expires": e.expires, "owner": e.owner },
                }]);
            }
            results.push(result);
        }
        if let Some(e) = &org.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{} could not be audited ({}): {}", org.name, e.kind, e.message) },
                "locations": [logical_location(org)],
                "properties": { "kind": e.kind, "status": e.status, "call": e.call },
            }));
        }
        for n in &org.not_evaluated {
            notifications.push(json!({
                "level": "note",
                "message": { "text": format!("{} not evaluated for {}: {}", n.rule, org.name, n.reason) },
                "associatedRule": { "id": n.rule },
                "locations": [logical_location(org)],
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ddorg",
                    "version": r.tool.version,
                    "semanticVersion": r.tool.version,
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": r.summary.errors == 0,
                "endTimeUtc": r.generated_at,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "ddorg_audit": r.ddorg_audit,
                "summary": r.summary,
                "policy": r.policy,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
