//! The report's renderings: text (people), JSON (machines), SARIF (code-scanning
//! dashboards), Markdown (tickets, pull-request comments and CI job summaries) and Terraform
//! (the fixes).

mod markdown;
mod options;
mod rollup;
mod sarif;
mod sections;
mod terraform;
mod text;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use ddorg_core::suggest::did_you_mean;
use ddorg_core::{Error, ErrorKind};

use crate::report::Report;

pub use options::{Detail, RenderOptions};
pub use sarif::to_sarif;

/// An output format of `ddorg audit --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// Per org, findings by severity, then a summary. The default.
    #[default]
    Text,
    /// The JSON report (`"ddorg_audit": 1`; docs/audit-report.schema.json).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning: one run, the rules in `tool.driver.rules`, each
    /// result at its org's line of the fleet file (docs/audit.md).
    Sarif,
    /// Markdown, for tickets and pull-request comments.
    Markdown,
    /// Terraform: per org its complete `datadog_organization_settings` resource and `import`
    /// block with every fix Terraform can make applied, in one file.
    Terraform,
}

impl Format {
    /// The name `--format` takes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Terraform => "terraform",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format, Error> {
        Ok(match s {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "markdown" | "md" => Format::Markdown,
            "terraform" | "tf" => Format::Terraform,
            _ => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "unknown format {s:?}{}: expected text, json, sarif, markdown or terraform",
                        did_you_mean(s, ["text", "json", "sarif", "markdown", "terraform"])
                    ),
                ))
            }
        })
    }
}

/// The report in this format, ending in a newline, with the default [`RenderOptions`].
pub fn render(report: &Report, format: Format) -> String {
    render_with(report, format, &RenderOptions::default())
}

/// The report in this format, ending in a newline. The options shape text and Markdown; JSON
/// and SARIF always hold everything.
pub fn render_with(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Text => text::to_text(report, options),
        Format::Json => report.to_json(),
        Format::Sarif => to_sarif(report),
        Format::Markdown => markdown::to_markdown(report, options),
        Format::Terraform => terraform::to_terraform(report),
    }
}

/// `expired exception: DDORG-SHARE-001 for sandbox-* (owner …) expired on 2027-01-01; it no
/// longer accepts findings`, each value made safe by `escape`.
pub(crate) fn expired_words(
    e: &crate::exceptions::Exception,
    escape: impl Fn(&str) -> String,
) -> String {
    let orgs: Vec<String> = e.orgs.iter().map(|o| escape(o)).collect();
    format!(
        "expired exception: {} for {}{} expired on {}; it no longer accepts findings (reason was: {})",
        e.rule,
        orgs.join(", "),
        e.owner
            .as_deref()
            .map(|o| format!(" (owner {})", escape(o)))
            .unwrap_or_default(),
        escape(&e.expires),
        escape(&e.reason)
    )
}

/// Text from a server or a file, safe to print: control characters (newlines included) are
/// written as `\u{..}` escapes so that no value can fake a line or move the cursor.
pub(crate) fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\x1b[2J"), "a\\u{a}b\\u{1b}[2J");
        assert!(matches!(printable("plain – text"), Cow::Borrowed(_)));
    }

    #[test]
    fn outcomes_are_named_as_the_json_report_names_them() {
        for o in [Outcome::Pass, Outcome::Fail, Outcome::Incomplete] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }

    #[test]
    fn formats_parse_by_name() {
        for f in [
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Markdown,
            Format::Terraform,
        ] {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
