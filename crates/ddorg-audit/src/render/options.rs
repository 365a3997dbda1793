//! How much the text and Markdown reports say: [`RenderOptions`] (`--detail`, `--show-passed`).

use std::fmt;
use std::str::FromStr;

use ddorg_core::suggest::did_you_mean;
use ddorg_core::{Error, ErrorKind};

/// Which orgs the text and Markdown reports of a fleet detail, after the per-rule rollup.
///
/// A report of one org always details it. JSON and SARIF always hold everything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detail {
    /// Only the orgs with a finding or an error; the fixes once per rule, in the rollup. The
    /// default: a 1,000-org fleet's Markdown stays within GitHub's 1 MiB job summary limit.
    #[default]
    Summary,
    /// Every org, each finding with its fix.
    Full,
}

impl Detail {
    /// The name `--detail` takes: `summary` or `full`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Detail::Summary => "summary",
            Detail::Full => "full",
        }
    }

    /// Every value, in the order help lists them.
    pub const ALL: [Detail; 2] = [Detail::Summary, Detail::Full];
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Detail {
    type Err = Error;

    /// `summary` or `full`; anything else is a [`ErrorKind::Config`] error naming both.
    fn from_str(s: &str) -> Result<Detail, Error> {
        Detail::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "unknown detail {s:?}{}: expected summary or full",
                        did_you_mean(s, Detail::ALL.map(Detail::as_str))
                    ),
                )
            })
    }
}

/// How [`render_with`](crate::render_with) writes a report, beyond its format. Options only
/// ever get added, so build one from [`RenderOptions::default`] (or `new`) and its setters:
///
/// ```
/// use ddorg_audit::{Detail, RenderOptions};
/// let options = RenderOptions::new().detail(Detail::Full).show_passed(true);
/// assert_eq!(options.detail, Detail::Full);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderOptions {
    /// Which orgs text and Markdown detail. Defaults to [`Detail::Summary`].
    pub detail: Detail,
    /// Whether text and Markdown list each org's passed rules. Defaults to `false`: at fleet
    /// scale they are most of the report, and the JSON report has them.
    pub show_passed: bool,
}

impl RenderOptions {
    /// The defaults: [`Detail::Summary`], no passed lists.
    pub fn new() -> RenderOptions {
        RenderOptions::default()
    }

    /// Sets [`RenderOptions::detail`].
    pub fn detail(mut self, detail: Detail) -> RenderOptions {
        self.detail = detail;
        self
    }

    /// Sets [`RenderOptions::show_passed`].
    pub fn show_passed(mut self, show: bool) -> RenderOptions {
        self.show_passed = show;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_parse_by_name_and_unknown_ones_are_config_errors() {
        for d in Detail::ALL {
            assert_eq!(d.as_str().parse::<Detail>().unwrap(), d);
        }
        let e = "everything".parse::<Detail>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.message().contains("summary or full"), "{e}");
    }
}
