//! Drift: what changed since an earlier report (`--baseline OLD.json`).

use std::collections::BTreeMap;
use std::path::Path;

use ddorg_core::{Error, ErrorKind};
use serde::Deserialize;
use serde_json::Value;

use crate::report::{
    BaselineInfo, DriftFinding, Finding, NotEvaluated, Observed, OrgDrift, OrgReport, OrgStatus,
    Report, SettingChange, REPORT_VERSION,
};

/// An earlier JSON report, read for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    generated_at: String,
    orgs: Vec<BaselineOrg>,
}

/// What drift needs of each org of a baseline; anything else in the file is ignored.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct BaselineOrg {
    name: String,
    public_id: String,
    status: OrgStatus,
    #[serde(default)]
    findings: Vec<Finding>,
    #[serde(default)]
    observed: Observed,
}

#[derive(Deserialize)]
struct BaselineFile {
    ddorg_audit: Value,
    #[serde(default)]
    generated_at: String,
    orgs: Vec<BaselineOrg>,
}

fn config(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
}

impl Baseline {
    /// Reads a JSON report written by `ddorg audit --format json`; see [`Baseline::from_json`].
    pub fn from_file(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| config(format!("cannot read the baseline {}: {e}", path.display())))?;
        Baseline::from_json(&text)
            .map_err(|e| config(format!("baseline {}: {}", path.display(), e.message())))
    }

    /// Reads a JSON report. Anything but a version-1 report is a [`ErrorKind::Config`] error.
    pub fn from_json(text: &str) -> Result<Baseline, Error> {
        let probe: Value =
            serde_json::from_str(text).map_err(|e| config(format!("not a JSON report: {e}")))?;
        match probe.get("ddorg_audit") {
            Some(v) if v == &Value::from(REPORT_VERSION) => {}
            Some(v) => {
                return Err(config(format!(
                    "a report of version {v}; this ddorg reads version {REPORT_VERSION}"
                )))
            }
            None => {
                return Err(config(
                    "not a ddorg audit report (no \"ddorg_audit\" key)".into(),
                ))
            }
        }
        let file: BaselineFile =
            serde_json::from_value(probe).map_err(|e| config(format!("malformed report: {e}")))?;
        let _ = file.ddorg_audit;
        Ok(Baseline {
            generated_at: file.generated_at,
            orgs: file.orgs,
        })
    }
}

/// Values by JSON path.
type Leaves = BTreeMap<String, Value>;

/// Every leaf of the observed settings by JSON path; lists of values are leaves, Salesforce orgs
/// are keyed by their ID.
fn flatten(observed: &Observed) -> (Option<Leaves>, Option<Leaves>) {
    fn walk(prefix: String, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(map) if !map.is_empty() => {
                for (k, child) in map {
                    walk(format!("{prefix}.{k}"), child, out);
                }
            }
            other => {
                out.insert(prefix, other.clone());
            }
        }
    }
    let settings = observed.settings.as_ref().map(|s| {
        let mut out = BTreeMap::new();
        walk("settings".into(), s, &mut out);
        out
    });
    let salesforce = observed.salesforce_organizations.as_ref().map(|items| {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("#{i}"));
            walk(format!("salesforce_organizations[{id}]"), item, &mut out);
        }
        out
    });
    (settings, salesforce)
}

fn changes(old: Option<Leaves>, new: Option<Leaves>, out: &mut Vec<SettingChange>) {
    // Unknown on either side (the call failed) is not a change.
    let (Some(old), Some(new)) = (old, new) else {
        return;
    };
    let mut fields: Vec<&String> = old.keys().chain(new.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        let (o, n) = (old.get(field), new.get(field));
        if o != n {
            out.push(SettingChange {
                field: field.clone(),
                old: o.cloned(),
                new: n.cloned(),
            });
        }
    }
}

/// Whether the current report could not evaluate what the finding is about.
fn not_evaluated_now(f: &Finding, ne: &[NotEvaluated]) -> bool {
    ne.iter()
        .any(|n| n.rule == f.rule && (n.subject.is_none() || n.subject == f.subject))
}

fn org_drift(org: &OrgReport, base: Option<&BaselineOrg>) -> OrgDrift {
    let Some(base) = base else {
        return OrgDrift {
            in_baseline: false,
            baseline_audited: false,
            new_findings: org.findings.clone(),
            resolved_findings: Vec::new(),
            changed_settings: Vec::new(),
        };
    };
    let baseline_audited = base.status == OrgStatus::Audited;
    let known = |f: &Finding| base.findings.iter().any(|b| b.key() == f.key());
    let new_findings = org
        .findings
        .iter()
        .filter(|f| !baseline_audited || !known(f))
        .cloned()
        .collect();
    let mut resolved_findings = Vec::new();
    let mut changed_settings = Vec::new();
    // An org that failed now says nothing about what was resolved.
    if baseline_audited && org.observed.settings.is_some() {
        resolved_findings = base
            .findings
            .iter()
            .filter(|b| {
                !org.findings.iter().any(|f| f.key() == b.key())
                    && !not_evaluated_now(b, &org.not_evaluated)
            })
            .cloned()
            .collect();
        let (old_s, old_sf) = flatten(&base.observed);
        let (new_s, new_sf) = flatten(&org.observed);
        changes(old_s, new_s, &mut changed_settings);
        changes(old_sf, new_sf, &mut changed_settings);
    }
    OrgDrift {
        in_baseline: true,
        baseline_audited,
        new_findings,
        resolved_findings,
        changed_settings,
    }
}

/// Compares `report` with `baseline`: adds each org's drift (orgs matched by name and public
/// ID), lists the baseline's orgs that are gone, and recomputes the summary so that only new
/// findings count towards `fail_on`.
pub fn apply_baseline(report: &mut Report, baseline: &Baseline) {
    for org in &mut report.orgs {
        let base = baseline
            .orgs
            .iter()
            .find(|b| b.name == org.name && b.public_id == org.public_id);
        org.drift = Some(org_drift(org, base));
    }
    let orgs_missing = baseline
        .orgs
        .iter()
        .filter(|b| {
            !report
                .orgs
                .iter()
                .any(|o| o.name == b.name && o.public_id == b.public_id)
        })
        .map(|b| b.name.clone())
        .collect();
    let (new_findings, resolved_findings) = named_drift(&report.orgs);
    report.baseline = Some(BaselineInfo {
        generated_at: baseline.generated_at.clone(),
        orgs_missing,
        new_findings,
        resolved_findings,
    });
    report.summarize();
}

/// Every org's new and resolved findings, named, in org order: what the JSON report's
/// `baseline` lists and what the text and Markdown reports show for the whole fleet.
pub(crate) fn named_drift(orgs: &[OrgReport]) -> (Vec<DriftFinding>, Vec<DriftFinding>) {
    let mut new = Vec::new();
    let mut resolved = Vec::new();
    for org in orgs {
        if let Some(d) = &org.drift {
            new.extend(d.new_findings.iter().map(|f| DriftFinding::of(org, f)));
            resolved.extend(d.resolved_findings.iter().map(|f| DriftFinding::of(org, f)));
        }
    }
    (new, resolved)
}
