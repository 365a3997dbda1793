//! `--format sarif`: SARIF 2.1.0 that GitHub code scanning accepts: one run, every rule in
//! `tool.driver.rules`, a result per finding located at its org's `[[orgs]]` table in the fleet
//! file (and by a logical location), drift as `baselineState`, unaudited orgs as notifications.

use serde_json::{json, Map, Value};

use crate::controls::sarif_tags;
use crate::report::{Finding, OrgReport, Report};
use crate::rules::{Rule, RULES};
use crate::severity::Severity;

/// Where a single-org report places its results, since no file defines the org: GitHub needs a
/// relative file path for every result. `<public_id>` is appended (percent-encoded).
pub const SINGLE_ORG_PATH: &str = ".ddorg/orgs/";

/// The `uriBaseId` of every location: the root of the checkout the audit ran in, which GitHub
/// resolves relative paths against.
const SRCROOT: &str = "%SRCROOT%";

/// `tool.driver.informationUri`, the tool's home page. None yet: the project has no public home
/// (see the workspace Cargo.toml), and a SARIF file keeps its link forever, so a link that does
/// not resolve would mislead every reader. Set it with the workspace's `repository`.
const INFORMATION_URI: Option<&str> = None;

/// The longest value quoted from the evidence in a message; longer ones are cut with `…`.
const MAX_VALUE_CHARS: usize = 120;

/// SARIF's `level` for a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score GitHub code scanning ranks alerts by: at least 9.0 is critical,
/// 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Info has no band of its own: it gets the lowest
/// low score, so it sorts after every low finding (0.0 would fall outside GitHub's bands).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.1",
    }
}

/// The rule's `name`: its title in PascalCase (`SamlIsOffAlthoughItCanBeEnabled`), the
/// identifier-like name SARIF viewers show next to the ID. One-letter words (`a`, the `s` of
/// `org's`) are left out and acronyms lose their capitals, so that no two capitals touch.
fn rule_name(rule: &Rule) -> String {
    rule.title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(|w| {
            let b = w.as_bytes();
            let acronym = b
                .windows(2)
                .any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase())
                || b.last().is_some_and(u8::is_ascii_uppercase);
            let rest = if acronym {
                w[1..].to_ascii_lowercase()
            } else {
                w[1..].to_string()
            };
            format!("{}{rest}", w[..1].to_ascii_uppercase())
        })
        .collect()
}

fn rule_descriptor(rule: &Rule) -> Value {
    let r = &rule.remediation;
    json!({
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.rationale },
        "help": {
            "text": format!(
                "{} Fix: {} Datadog: {}. Terraform (datadog_organization_settings): {}. Reference: {}",
                rule.rationale, r.text, r.datadog_ui, r.terraform, rule.reference
            ),
            "markdown": format!(
                "{}\n\n**Fix**: {}\n\n- Datadog: {}\n- Terraform (`datadog_organization_settings`): `{}`\n- Reference: <{}>",
                rule.rationale, r.text, r.datadog_ui, r.terraform, rule.reference
            ),
        },
        "helpUri": rule.reference,
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "severity": rule.severity.as_str(),
            "security-severity": security_severity(rule.severity),
            "precision": "very-high",
            "tags": sarif_tags(rule),
        },
    })
}

/// `%XX` for every byte but the unreserved ones of RFC 3986 and `/`: a public ID or a file name
/// with spaces or `#` is still one valid relative URI.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The file and line a result of this org is reported at: its `[[orgs]]` table, or line 1 of
/// [`SINGLE_ORG_PATH`]`<public_id>` for an org not read from a fleet file.
fn file_and_line(org: &OrgReport) -> (String, u32) {
    match &org.source {
        Some(s) => (s.path.clone(), s.line.max(1)),
        None => (format!("{SINGLE_ORG_PATH}{}", org.public_id), 1),
    }
}

/// The org's location: physical (what GitHub requires) and logical (which org, on which site).
fn location(org: &OrgReport) -> Value {
    let (path, line) = file_and_line(org);
    let place = org
        .site
        .clone()
        .or_else(|| org.base_url.clone())
        .unwrap_or_default();
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri_path(&path), "uriBaseId": SRCROOT },
            "region": { "startLine": line },
        },
        "logicalLocations": [{
            "name": org.name,
            "fullyQualifiedName": format!("{place}/{}", org.public_id),
            "kind": "resource",
        }],
    })
}

/// A value of the evidence for a message: compact JSON, cut to [`MAX_VALUE_CHARS`].
fn short_value(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!("{cut}…")
}

/// `org (public ID id): detail. Observed: path = value; …`: alerts are listed without their
/// properties, so the message alone says which org and what was seen.
fn message(org: &OrgReport, f: &Finding) -> String {
    let observed: Vec<String> = f
        .evidence
        .iter()
        .map(|(k, v)| format!("{k} = {}", short_value(v)))
        .collect();
    let mut text = format!("{} (public ID {}): {}", org.name, org.public_id, f.detail);
    if !observed.is_empty() {
        text.push_str(&format!(". Observed: {}", observed.join("; ")));
    }
    text
}

/// 64-bit FNV-1a: a stable hash with no dependency, enough to tell findings apart.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The fingerprints GitHub and other viewers match alerts across runs by: of the org, rule and
/// subject only, never of the line (which moves when the fleet file is edited).
fn fingerprints(org: &OrgReport, f: &Finding) -> Value {
    let subject = f.subject.as_deref().unwrap_or("");
    let hash = fnv1a(&["ddorg", &org.public_id, &f.rule, subject]);
    json!({
        "primaryLocationLineHash": format!("{hash:016x}:1"),
        "ddorgFinding/v1": format!("{}/{}/{subject}", org.public_id, f.rule),
    })
}

fn result(org: &OrgReport, f: &Finding, baseline_state: Option<&str>) -> Value {
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": message(org, f) },
        "locations": [location(org)],
        "partialFingerprints": fingerprints(org, f),
        "properties": {
            "severity": f.severity.as_str(),
            "org": org.name,
            "public_id": org.public_id,
            "evidence": f.evidence,
        },
    });
    if let Some(i) = RULES.iter().position(|rule| rule.id == f.rule) {
        result["ruleIndex"] = json!(i);
    }
    if let Some(s) = &f.subject {
        result["properties"]["subject"] = json!(s);
    }
    if let Some(via) = &org.via {
        result["properties"]["via"] = json!(via);
    }
    if let Some(state) = baseline_state {
        result["baselineState"] = json!(state);
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
    result
}

/// An org's results: its findings, then (with a baseline) the baseline's findings that are gone
/// as `absent`. Without a baseline there is no `baselineState`.
fn org_results(org: &OrgReport, out: &mut Vec<Value>) {
    let Some(drift) = &org.drift else {
        out.extend(org.findings.iter().map(|f| result(org, f, None)));
        return;
    };
    for f in &org.findings {
        let new = drift.new_findings.iter().any(|n| n.key() == f.key());
        out.push(result(org, f, Some(if new { "new" } else { "unchanged" })));
    }
    out.extend(
        drift
            .resolved_findings
            .iter()
            .map(|f| result(org, f, Some("absent"))),
    );
}

fn notifications(org: &OrgReport, out: &mut Vec<Value>) {
    if let Some(e) = &org.error {
        out.push(json!({
            "level": "error",
            "message": { "text": format!(
                "{} (public ID {}) could not be audited ({}): {}",
                org.name, org.public_id, e.kind, e.message
            ) },
            "locations": [location(org)],
            "properties": { "kind": e.kind, "status": e.status, "call": e.call },
        }));
    }
    for n in &org.not_evaluated {
        let mut note = json!({
            "level": "note",
            "message": { "text": format!(
                "{} not evaluated for {} (public ID {}): {}",
                n.rule, org.name, org.public_id, n.reason
            ) },
            "associatedRule": { "id": n.rule },
            "locations": [location(org)],
        });
        if let Some(i) = RULES.iter().position(|rule| rule.id == n.rule) {
            note["associatedRule"]["index"] = json!(i);
        }
        out.push(note);
    }
}

/// `automationDetails.id`: the same for every run over the same fleet file (or org), so GitHub
/// replaces the previous run's alerts of that category instead of mixing fleets. The trailing
/// `/` makes the whole id the category.
fn automation_id(r: &Report) -> String {
    let paths: Vec<&str> = r
        .orgs
        .iter()
        .filter_map(|o| o.source.as_ref().map(|s| s.path.as_str()))
        .collect();
    match (paths.first(), r.orgs.as_slice()) {
        (Some(first), _) if paths.len() == r.orgs.len() && paths.iter().all(|p| p == first) => {
            format!("ddorg/audit/fleet/{}/", uri_path(first))
        }
        (None, [one]) => format!("ddorg/audit/org/{}/", uri_path(&one.public_id)),
        _ => "ddorg/audit/".to_string(),
    }
}

/// The report as a SARIF 2.1.0 log, pretty-printed, ending in a newline.
pub fn to_sarif(r: &Report) -> String {
    let rules: Vec<Value> = RULES.iter().map(rule_descriptor).collect();
    let mut results = Vec::new();
    let mut notes = Vec::new();
    for org in &r.orgs {
        org_results(org, &mut results);
        notifications(org, &mut notes);
    }
    let mut driver = Map::new();
    driver.insert("name".into(), json!("ddorg"));
    driver.insert(
        "fullName".into(),
        json!(format!(
            "ddorg audit {} (Datadog organization posture audit)",
            r.tool.version
        )),
    );
    if let Some(uri) = INFORMATION_URI {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("version".into(), json!(r.tool.version));
    driver.insert("semanticVersion".into(), json!(r.tool.version));
    driver.insert("rules".into(), json!(rules));
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "automationDetails": { "id": automation_id(r) },
            "invocations": [{
                "executionSuccessful": r.summary.errors == 0,
                "endTimeUtc": r.generated_at,
                "toolExecutionNotifications": notes,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_at_most_the_ten_tags_github_keeps() {
        for rule in RULES {
            let tags = sarif_tags(rule);
            assert!(
                tags.len() <= 10 && tags[0] == "security",
                "{}: {tags:?}",
                rule.id
            );
        }
    }

    #[test]
    fn rule_names_are_the_titles_in_pascal_case() {
        let names: Vec<String> = RULES.iter().map(rule_name).collect();
        assert_eq!(names[0], "SamlIsOffAlthoughItCanBeEnabled");
        assert_eq!(
            names[2],
            "IdpInitiatedLoginIsOnAssertionsAreAcceptedWithoutAnAuthnRequest"
        );
        let sfdc_003 = RULES.iter().position(|r| r.id == "DDORG-SFDC-003").unwrap();
        assert_eq!(
            names[sfdc_003],
            "ConnectedSalesforceOrgHasTypeThisVersionDoesNotKnow"
        );
        for n in &names {
            assert!(n.chars().all(|c| c.is_ascii_alphanumeric()), "{n}");
            let b = n.as_bytes();
            let touching = b
                .windows(2)
                .any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase());
            assert!(!touching, "no two capitals touch (SARIF2012): {n}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "one name per rule");
    }

    #[test]
    fn security_severities_fall_in_githubs_bands() {
        for s in Severity::ALL {
            let score: f64 = security_severity(s).parse().unwrap();
            let band = match score {
                x if x >= 9.0 => Severity::Critical,
                x if x >= 7.0 => Severity::High,
                x if x >= 4.0 => Severity::Medium,
                x if x >= 0.1 => Severity::Low,
                _ => panic!("{s}: {score} is below GitHub's lowest band"),
            };
            let expected = if s == Severity::Info {
                Severity::Low
            } else {
                s
            };
            assert_eq!(band, expected, "{s}");
        }
        assert!(security_severity(Severity::Info) < security_severity(Severity::Low));
    }

    #[test]
    fn uris_escape_what_is_not_a_plain_path() {
        assert_eq!(
            uri_path("fleets/prod eu#1.toml"),
            "fleets/prod%20eu%231.toml"
        );
        assert_eq!(uri_path("abc-123_x.y~"), "abc-123_x.y~");
    }
}
