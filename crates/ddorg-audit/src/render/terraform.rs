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
