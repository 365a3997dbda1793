//! The Datadog sites (regions) and the API host each one answers on.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// A Datadog site: the region an organization's data lives in.
///
/// Parses from the values people put in `DD_SITE` (`datadoghq.eu`, `us3.datadoghq.com`,
/// `app.datadoghq.com`, `https://api.ddog-gov.com`, …). An unknown site is a
/// [`ErrorKind::Config`] error that names the valid ones, never a panic.
///
/// ```
/// use ddorg_core::Site;
/// let site: Site = "datadoghq.eu".parse().unwrap();
/// assert_eq!(site, Site::Eu1);
/// assert_eq!(site.api_base_url(), "https://api.datadoghq.eu");
/// assert!("datadoghq.moon".parse::<Site>().is_err());
/// ```
///
/// Datadog opens new sites: this enum is `#[non_exhaustive]`, so a `match` needs a wildcard arm
/// and a new site is not a breaking change. [`Site::ALL`] lists the sites this version knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Site {
    /// `datadoghq.com` (US1). The default.
    #[default]
    Us1,
    /// `us3.datadoghq.com`.
    Us3,
    /// `us5.datadoghq.com`.
    Us5,
    /// `ap1.datadoghq.com` (Japan).
    Ap1,
    /// `ap2.datadoghq.com` (Australia).
    Ap2,
    /// `uk1.datadoghq.com` (United Kingdom).
    Uk1,
    /// `datadoghq.eu` (EU1).
    Eu1,
    /// `ddog-gov.com` (US1-FED).
    Gov,
    /// `us2.ddog-gov.com` (US2-FED).
    Gov2,
}

impl Site {
    /// Every site, in the order the API documentation lists them (a slice, so adding a site does
    /// not change its type). The one list of sites: error messages and the CLI's help use it.
    pub const ALL: &'static [Site] = &[
        Site::Us1,
        Site::Us3,
        Site::Us5,
        Site::Ap1,
        Site::Ap2,
        Site::Uk1,
        Site::Eu1,
        Site::Gov,
        Site::Gov2,
    ];

    /// The site's domain as written in `DD_SITE`, e.g. `"us3.datadoghq.com"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Site::Us1 => "datadoghq.com",
            Site::Us3 => "us3.datadoghq.com",
            Site::Us5 => "us5.datadoghq.com",
            Site::Ap1 => "ap1.datadoghq.com",
            Site::Ap2 => "ap2.datadoghq.com",
            Site::Uk1 => "uk1.datadoghq.com",
            Site::Eu1 => "datadoghq.eu",
            Site::Gov => "ddog-gov.com",
            Site::Gov2 => "us2.ddog-gov.com",
        }
    }

    /// The site's name in Datadog's documentation and site selector, e.g. `"US3"` or `"US1-FED"`:
    /// accepted by [`FromStr`] (in any letter case) as well as the domain.
    pub const fn region(self) -> &'static str {
        match self {
            Site::Us1 => "US1",
            Site::Us3 => "US3",
            Site::Us5 => "US5",
            Site::Ap1 => "AP1",
            Site::Ap2 => "AP2",
            Site::Uk1 => "UK1",
            Site::Eu1 => "EU1",
            Site::Gov => "US1-FED",
            Site::Gov2 => "US2-FED",
        }
    }

    /// The API base URL for this site: `https://api.<site>`, as in Datadog's curl examples.
    pub fn api_base_url(self) -> String {
        format!("https://api.{}", self.as_str())
    }

    /// The valid `DD_SITE` values, comma separated, each with its region name, for error messages
    /// and help: `datadoghq.com (US1), us3.datadoghq.com (US3), …`.
    pub fn valid_list() -> String {
        Site::ALL
            .iter()
            .map(|s| format!("{} ({})", s.as_str(), s.region()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Site {
    type Err = Error;

    /// Accepts the bare domain, the `app.`/`api.` host people copy from the browser or docs,
    /// with or without `https://` and a trailing `/`, or the site's name ([`Site::region`]:
    /// `US3`, `EU1`, `US1-FED`…), in any letter case.
    fn from_str(value: &str) -> Result<Site, Error> {
        let mut s = value.trim().to_ascii_lowercase();
        for prefix in ["https://", "http://"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        let s = s.trim_end_matches('/');
        let s = s
            .strip_prefix("app.")
            .or_else(|| s.strip_prefix("api."))
            .unwrap_or(s);
        Site::ALL
            .iter()
            .copied()
            .find(|site| site.as_str() == s || site.region().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names = Site::ALL
                    .iter()
                    .flat_map(|site| [site.as_str(), site.region()]);
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "unknown Datadog site {value:?}{}; valid sites are: {}",
                        crate::suggest::did_you_mean(s, names),
                        Site::valid_list()
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_parses_from_its_own_name_and_app_host() {
        for &site in Site::ALL {
            assert_eq!(site.as_str().parse::<Site>().unwrap(), site);
            assert_eq!(format!("app.{site}").parse::<Site>().unwrap(), site);
            assert_eq!(
                format!("https://api.{site}/").parse::<Site>().unwrap(),
                site
            );
        }
    }

    #[test]
    fn every_site_parses_from_its_name_in_any_case() {
        for &site in Site::ALL {
            assert_eq!(site.region().parse::<Site>().unwrap(), site);
            let lower = site.region().to_ascii_lowercase();
            assert_eq!(format!(" {lower} ").parse::<Site>().unwrap(), site);
        }
        assert_eq!("us1-fed".parse::<Site>().unwrap(), Site::Gov);
        assert_eq!("EU1".parse::<Site>().unwrap(), Site::Eu1);
        assert!("US4".parse::<Site>().is_err());
    }

    #[test]
    fn api_hosts_match_the_documentation() {
        assert_eq!(Site::Us1.api_base_url(), "https://api.datadoghq.com");
        assert_eq!(Site::Gov2.api_base_url(), "https://api.us2.ddog-gov.com");
        assert_eq!(Site::Ap2.api_base_url(), "https://api.ap2.datadoghq.com");
    }

    #[test]
    fn unknown_site_is_a_config_error_naming_valid_sites() {
        let err = "datadoghq.moon".parse::<Site>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("datadoghq.moon"));
        assert!(err.to_string().contains("us5.datadoghq.com"));
        assert!(err.to_string().contains("us2.ddog-gov.com (US2-FED)"));
    }

    #[test]
    fn a_mistyped_site_gets_the_closest_name_or_domain() {
        for (typed, meant) in [
            ("datadoghq.cm", "datadoghq.com"),
            ("https://app.datadoghq.ue", "datadoghq.eu"),
            ("us3.datadog.com", "us3.datadoghq.com"),
            ("eu", "EU1"),
            ("US1FED", "US1-FED"),
        ] {
            let err = typed.parse::<Site>().unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "unknown Datadog site {typed:?} (did you mean {meant}?); "
                )),
                "{err}"
            );
        }
        let err = "mars".parse::<Site>().unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
    }
}
