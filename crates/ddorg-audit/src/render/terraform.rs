//! The report as one Terraform file: per org its `datadog_organization_settings` resource and
//! `import` block with every Terraform-settable fix applied; orgs that did not answer as
//! comments.

use std::fmt::Write;

use crate::report::Report;
use crate::terraform::{fixed_block, report_label, Labels};

use super::printable;

/// The Terraform file, ending in a newline.
pub(crate) fn to_terraform(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ddorg {} audit of {} org(s) at {}: the datadog_organization_settings of each org with\n\
         # every fix Terraform can make applied and the other settings as they are now. The\n\
         # import blocks need Terraform 1.5 or later. Review `terraform plan` before applying.",
        report.tool.version,
        report.orgs.len(),
        printable(&report.generated_at)
    );
    let mut labels = Labels::default();
    for org in &report.orgs {
        out.push('\n');
        let who = format!("{} ({})", org.name, org.public_id);
        let label = labels.unique(report_label(org));
        match fixed_block(org, &report.policy, &label) {
            Some(block) => {
                let _ = writeln!(out, "# {}", printable(&who));
                if let Some(e) = &org.error {
                    let _ = writeln!(
                        out,
                        "# the audit of this org is incomplete: {}",
                        printable(&e.message)
                    );
                }
                out.push_str(&block);
            }
            None => {
                let why = org
                    .error
                    .as_ref()
                    .map_or("no answer", |e| e.message.as_str());
                let _ = writeln!(
                    out,
                    "# {}: not audited, nothing to write: {}",
                    printable(&who),
                    printable(why)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::check::Evaluation;
    use crate::policy::Policy;
    use crate::report::{OrgError, OrgReport};

    fn answered(public_id: &str) -> OrgReport {
        let mut eval = Evaluation::default();
        eval.observed.settings = Some(json!({"saml": {"enabled": true}}));
        eval.observed.name = Some("Acme".into());
        OrgReport::audited("acme", public_id, None, None, eval)
    }

    #[test]
    fn labels_are_unique_in_the_file_and_failed_orgs_are_comments() {
        let failed = OrgError {
            kind: "timeout".into(),
            status: None,
            message: "timed out\nresource \"x\" \"y\" {}".into(),
            call: None,
            attempts: 3,
        };
        let orgs = vec![
            answered("ab-c"),
            answered("ab_c"),
            OrgReport::failed("down", "zz", None, None, failed),
        ];
        let report = Report::new(Policy::default(), orgs, "2026-01-01T00:00:00Z".into());
        let tf = to_terraform(&report);
        assert!(tf.contains("resource \"datadog_organization_settings\" \"acme_ab_c\" {"));
        assert!(tf.contains("resource \"datadog_organization_settings\" \"acme_ab_c_2\" {"));
        assert!(tf.contains("  to = datadog_organization_settings.acme_ab_c_2\n  id = \"ab_c\"\n"));
        assert!(tf.contains(
            "# down (zz): not audited, nothing to write: timed out\\u{a}resource \"x\" \"y\" {}\n"
        ));
        let resources = tf.lines().filter(|l| l.starts_with("resource ")).count();
        assert_eq!(resources, 2, "{tf}");
        // The report's own block keeps the org's base label.
        let own = report.orgs[1].terraform.as_deref().unwrap();
        assert!(own.contains("\"acme_ab_c\" {"));
    }
}
