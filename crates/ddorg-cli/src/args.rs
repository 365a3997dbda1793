//! Command-line parsing, by hand: a dozen flags do not justify a parser dependency's build time.
//!
//! Parsing only turns words into values (a number is a number); whether a value is allowed is
//! the core's rule, checked when the client is built, so the CLI answers exactly as the other
//! languages do.

use ddorg_core::{Site, ENV_BASE_URL, ENV_SITE};

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    OrgGet { public_id: String },
    SalesforceList,
    Demo { public_id: Option<String> },
    Audit(crate::audit::AuditArgs),
    Help,
    Version,
}

/// Global options; each `None` leaves the environment or the core's default in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub site: Option<String>,
    pub base_url: Option<String>,
    /// Seconds, checked by `ddorg_core::limits::timeout_from_secs`.
    pub timeout: Option<f64>,
    /// Seconds, checked by `ddorg_core::limits::connect_timeout_from_secs`.
    pub connect_timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub max_body_size: Option<u64>,
    pub user_agent: Option<String>,
    pub append_user_agent: Vec<String>,
    pub ca_bundle: Option<String>,
    pub tls_roots: Option<String>,
    pub json: bool,
    pub verbose: bool,
}

/// The help text. The site list comes from the core's [`Site::ALL`], wrapped to fit.
pub fn usage() -> String {
    let mut sites = String::new();
    let mut line = String::new();
    for site in Site::ALL {
        let word = format!("{site},");
        if !line.is_empty() && line.len() + 1 + word.len() > 72 {
            sites.push_str(line.trim_end());
            sites.push_str("\n                         ");
            line.clear();
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    sites.push_str(line.trim_end_matches(','));
    format!(
        "\
ddorg: audit Datadog organizations

Usage:
  ddorg [OPTIONS] org get <PUBLIC_ID>   organization info: name, SAML settings, plan
  ddorg [OPTIONS] salesforce list       Salesforce organizations connected to Datadog
  ddorg [OPTIONS] demo [--public-id ID] run both calls and an error against an embedded
                                        fake server (against the real site when
                                        DD_API_KEY and DD_APP_KEY are set)
  ddorg [OPTIONS] audit <PUBLIC_ID>     posture audit of one organization (rules in
                                        docs/audit.md)
  ddorg [OPTIONS] audit --fleet <FLEET.toml>
                                        the same for every organization of a fleet file

Audit options:
  --policy <POLICY.toml> what the rules allow [default: the built-in policy]
  --format <FORMAT>      text, json, sarif or markdown [default: text]
  --output <FILE>        write the report there instead of stdout
  --baseline <OLD.json>  compare with an earlier JSON report: new and resolved findings,
                         changed settings; only new findings count towards --fail-on
  --fail-on <SEVERITY>   critical, high, medium, low, info or never [default: high, or the
                         policy's fail_on]
  --concurrency <N>      with --fleet: orgs audited at once, each with its own client
                         [default: 8]

Options:
  --site <SITE>          {sites}
                         [env: {ENV_SITE}; default: {default_site}]
  --base-url <URL>       custom API base URL, https (http for loopback) [env: {ENV_BASE_URL}]
  --timeout <SECS>       overall deadline per call, retries included [default: {timeout}]
  --connect-timeout <SECS>
                         longest wait to connect (DNS, TCP, TLS) [default: {connect}]
  --max-retries <N>      retries on 429, 5xx and network errors [default: {retries}]
  --max-body-size <BYTES>
                         largest response body accepted [default: {body}]
  --user-agent <UA>      replace the user agent [default: ddorg-cli/{version}]
  --append-user-agent <TOKEN>
                         append a product token to the user agent (repeatable)
  --ca-bundle <PATH>     trust the CAs in this PEM file instead of the built-in roots, e.g.
                         the CA of a TLS-inspecting proxy
                         [env: DDORG_CA_BUNDLE, then SSL_CERT_FILE]
  --tls-roots <ROOTS>    bundled (the Mozilla roots built in) or system (this machine's
                         trust store) [default: bundled]
  --json                 print the response JSON (unknown fields included)
  -v, --verbose          log each attempt and retry to stderr
  -h, --help             this help
  -V, --version          the version

Timeouts are more than 0 and at most 365 days; the body size at least 1 byte.
Keys come only from the environment (DD_API_KEY, DD_APP_KEY), never from arguments,
where other users could read them in `ps`. A proxy comes from HTTPS_PROXY or ALL_PROXY
(http://, https://, socks5://, socks5h://; NO_PROXY is honoured).

Exit codes:
  0 success                        4 rate limited after retries
  2 usage or configuration error   5 server error after retries
  3 API error (4xx other than 429) 6 network, TLS or proxy error, or timeout
                                   7 decode error or response too large

Exit codes of audit:
  0 nothing at or above --fail-on  2 usage or configuration error (no report)
  1 findings at or above it        9 one or more orgs could not be audited (wins over 1;
                                     the report covers the rest)
",
        default_site = Site::default(),
        timeout = ddorg_core::limits::DEFAULT_TIMEOUT.as_secs(),
        connect = ddorg_core::limits::DEFAULT_CONNECT_TIMEOUT.as_secs(),
        retries = ddorg_core::limits::DEFAULT_MAX_RETRIES,
        body = ddorg_core::limits::DEFAULT_MAX_BODY_SIZE,
        version = ddorg_core::VERSION,
    )
}

/// Parses the arguments after the program name. Options may come before or after the command.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<(Command, Options), String> {
    let mut opts = Options::default();
    let mut words = Vec::new();
    let mut demo_public_id = None;
    let mut audit_flags: Vec<(String, String)> = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok((Command::Help, opts)),
            "-V" | "--version" => return Ok((Command::Version, opts)),
            "--json" => opts.json = true,
            "-v" | "--verbose" => opts.verbose = true,
            "--site" => opts.site = Some(value("--site")?),
            "--base-url" => opts.base_url = Some(value("--base-url")?),
            "--ca-bundle" => opts.ca_bundle = Some(value("--ca-bundle")?),
            "--tls-roots" => opts.tls_roots = Some(value("--tls-roots")?),
            "--public-id" => demo_public_id = Some(value("--public-id")?),
            "--timeout" => opts.timeout = Some(seconds("--timeout", &value("--timeout")?)?),
            "--connect-timeout" => {
                opts.connect_timeout =
                    Some(seconds("--connect-timeout", &value("--connect-timeout")?)?)
            }
            "--max-body-size" => {
                let v = value("--max-body-size")?;
                opts.max_body_size = Some(
                    v.parse()
                        .map_err(|_| format!("--max-body-size takes a number of bytes, got {v:?}"))?,
                );
            }
            "--user-agent" => {
                opts.user_agent = Some(value("--user-agent")?);
                opts.append_user_agent.clear();
            }
            "--append-user-agent" => opts
                .append_user_agent
                .push(value("--append-user-agent")?),
            "--max-retries" => {
                let v = value("--max-retries")?;
                opts.max_retries = Some(
                    v.parse()
                        .map_err(|_| format!("--max-retries takes a whole number, got {v:?}"))?,
                );
            }
            "--api-key" | "--app-key" => {
                return Err(format!(
                    "{flag} is not accepted: keys on the command line show in `ps`; set DD_API_KEY and DD_APP_KEY"
                ))
            }
            f if crate::audit::FLAGS.contains(&f) => audit_flags.push((flag.clone(), value(f)?)),
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option {f}")),
            _ => words.push(arg),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if demo_public_id.is_some() && words.as_slice() != ["demo"] {
        return Err("--public-id only goes with demo".into());
    }
    if let (Some((flag, _)), false) = (audit_flags.first(), words.first() == Some(&"audit")) {
        return Err(format!("{flag} only goes with audit"));
    }
    let command = match words.as_slice() {
        ["audit", rest @ ..] => Command::Audit(crate::audit::parse(rest, &audit_flags)?),
        ["org", "get", id] => Command::OrgGet {
            public_id: id.to_string(),
        },
        ["org", "get"] => return Err("org get needs a PUBLIC_ID".into()),
        ["salesforce", "list"] => Command::SalesforceList,
        ["demo"] => Command::Demo {
            public_id: demo_public_id,
        },
        ["help"] | [] => Command::Help,
        other => return Err(format!("unknown command: {}", other.join(" "))),
    };
    Ok((command, opts))
}

/// A number of seconds; whether it is an allowed timeout is the core's rule, checked at build.
fn seconds(flag: &str, v: &str) -> Result<f64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{flag} takes seconds, got {v:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<(Command, Options), String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn commands_and_options_in_any_order() {
        let (cmd, opts) = p(&["--site", "datadoghq.eu", "org", "get", "abc", "--json"]).unwrap();
        assert_eq!(
            cmd,
            Command::OrgGet {
                public_id: "abc".into()
            }
        );
        assert_eq!(opts.site.as_deref(), Some("datadoghq.eu"));
        assert!(opts.json);
        let (cmd, opts) =
            p(&["salesforce", "list", "--timeout=2.5", "--max-retries", "0"]).unwrap();
        assert_eq!(cmd, Command::SalesforceList);
        assert_eq!(opts.timeout, Some(2.5));
        assert_eq!(opts.max_retries, Some(0));
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(p(&["org", "get"]).is_err());
        assert!(p(&["org", "list"]).is_err());
        assert!(p(&["--timeout", "abc", "demo"]).is_err());
        assert!(p(&["--max-retries", "x", "demo"]).is_err());
        assert!(p(&["--bogus", "demo"]).is_err());
        assert!(p(&["--site"]).is_err());
        assert!(p(&["--api-key", "k", "demo"]).unwrap_err().contains("ps"));
    }

    #[test]
    fn the_user_agent_flags_replace_then_append_in_order() {
        let (_, opts) = p(&[
            "--append-user-agent",
            "lost/0",
            "--user-agent",
            "a/1",
            "--append-user-agent",
            "b/2",
            "demo",
        ])
        .unwrap();
        assert_eq!(opts.user_agent.as_deref(), Some("a/1"));
        assert_eq!(opts.append_user_agent, ["b/2"]);
    }

    #[test]
    fn the_help_lists_every_site_the_core_knows() {
        let help = usage();
        for site in Site::ALL {
            assert!(help.contains(site.as_str()), "{site}");
        }
    }
}
