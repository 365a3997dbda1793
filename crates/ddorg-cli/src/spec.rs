//! Every command and option of `ddorg`, as data: the parser, the help and the completions read it.
//!
//! Adding a subcommand is one [`Cmd`] entry in [`COMMANDS`] (with its handler in a file of its
//! own); adding a global option is one [`Opt`] in [`GLOBAL_OPTIONS`] plus its field in
//! [`Options`](crate::options::Options). An option name means the same thing in every command.

use crate::commands;
use crate::options::Options;

/// What a shell may complete for an option's value or a positional argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    /// Anything: the shell offers nothing.
    Any,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A Datadog site (the core's list).
    Sites,
    /// What `ddorg help` explains: a command's first word, or `options`.
    HelpTopics,
    /// A path on disk (shells complete file names).
    #[allow(
        dead_code,
        reason = "no option takes a path yet; the completions already handle one"
    )]
    File,
}

impl Values {
    /// The words a shell should offer, if the set is closed.
    pub fn words(self) -> Vec<&'static str> {
        match self {
            Values::OneOf(words) => words.to_vec(),
            Values::Sites => ddorg_core::Site::ALL.iter().map(|s| s.as_str()).collect(),
            Values::HelpTopics => {
                let mut words = top_words();
                words.push(OPTIONS_TOPIC);
                words
            }
            Values::Any | Values::File => Vec::new(),
        }
    }
}

/// An option (`--long`, maybe `-s`), with a value named `value` or none (a flag).
#[derive(Debug)]
pub struct Opt {
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's placeholder in help (`SECS`); `None` for a flag.
    pub value: Option<&'static str>,
    pub help: &'static str,
    pub values: Values,
    /// The bracketed note help adds (`[env: DD_SITE; default: datadoghq.com]`), built from the
    /// core's constants so the help cannot drift from them.
    pub note: Option<fn() -> String>,
}

/// A positional argument.
#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    pub help: &'static str,
    pub required: bool,
    /// Takes every remaining word (only the last argument may).
    pub many: bool,
    pub values: Values,
}

/// What a command's handler gets: its positionals, its own options, the global ones.
pub struct Invocation {
    pub cmd: &'static Cmd,
    /// The positionals, in the order of [`Cmd::args`].
    pub args: Vec<String>,
    /// The command's own options and flags, by long name (the last one given wins).
    pub own: Vec<(&'static str, Option<String>)>,
    pub opts: Options,
}

impl Invocation {
    /// The value of one of the command's own options (`"--public-id"`).
    pub fn value(&self, long: &str) -> Option<&str> {
        self.own
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Whether one of the command's own flags (`"--fake"`) was given.
    pub fn flag(&self, long: &str) -> bool {
        self.own.iter().any(|(l, _)| *l == long)
    }

    /// The positional argument `i`, if given.
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(String::as_str)
    }
}

/// Why a command failed: an error from the library (reported with its kind's exit code), or a
/// usage mistake the handler found (reported with the command's usage, exit code 2).
#[derive(Debug)]
pub enum Failure {
    Error(ddorg_core::Error),
    Usage(String),
}

impl From<ddorg_core::Error> for Failure {
    fn from(e: ddorg_core::Error) -> Failure {
        Failure::Error(e)
    }
}

/// A command's handler: the exit code on success (usually 0), or why it failed.
pub type Run = fn(&Invocation) -> Result<u8, Failure>;

/// A command: the words that name it, its arguments, its own options and its handler.
pub struct Cmd {
    pub path: &'static [&'static str],
    pub args: &'static [Arg],
    pub options: &'static [Opt],
    /// One line for the command list.
    pub summary: &'static str,
    /// The paragraph under the command's own usage line.
    pub about: &'static str,
    pub run: Run,
}

impl Cmd {
    /// `org get`.
    pub fn name(&self) -> String {
        self.path.join(" ")
    }

    /// The command's own option called `long`.
    pub fn option(&self, long: &str) -> Option<&'static Opt> {
        self.options.iter().find(|o| o.long == long)
    }
}

const fn flag(long: &'static str, short: Option<char>, help: &'static str) -> Opt {
    Opt {
        long,
        short,
        value: None,
        help,
        values: Values::Any,
        note: None,
    }
}

const fn valued(
    long: &'static str,
    value: &'static str,
    values: Values,
    help: &'static str,
) -> Opt {
    Opt {
        long,
        short: None,
        value: Some(value),
        help,
        values,
        note: None,
    }
}

/// A valued option with a note built from the core's constants.
const fn noted(
    long: &'static str,
    value: &'static str,
    values: Values,
    help: &'static str,
    note: fn() -> String,
) -> Opt {
    let mut o = valued(long, value, values, help);
    o.note = Some(note);
    o
}

fn site_note() -> String {
    format!(
        "[env: {}; default: {}]",
        ddorg_core::ENV_SITE,
        ddorg_core::Site::default()
    )
}

fn base_url_note() -> String {
    format!("[env: {}]", ddorg_core::ENV_BASE_URL)
}

fn timeout_note() -> String {
    format!(
        "[default: {}]",
        ddorg_core::limits::DEFAULT_TIMEOUT.as_secs()
    )
}

fn connect_timeout_note() -> String {
    format!(
        "[default: {}]",
        ddorg_core::limits::DEFAULT_CONNECT_TIMEOUT.as_secs()
    )
}

fn retries_note() -> String {
    format!("[default: {}]", ddorg_core::limits::DEFAULT_MAX_RETRIES)
}

fn body_size_note() -> String {
    format!("[default: {}]", ddorg_core::limits::DEFAULT_MAX_BODY_SIZE)
}

fn user_agent_note() -> String {
    format!("[default: ddorg-cli/{}]", ddorg_core::VERSION)
}

/// The options every command takes, before or after the command words.
pub static GLOBAL_OPTIONS: &[Opt] = &[
    noted(
        "--site",
        "SITE",
        Values::Sites,
        "the Datadog site",
        site_note,
    ),
    noted(
        "--base-url",
        "URL",
        Values::Any,
        "custom API base URL, https (http for loopback)",
        base_url_note,
    ),
    noted(
        "--timeout",
        "SECS",
        Values::Any,
        "overall deadline per call, retries included (more than 0, at most 365 days)",
        timeout_note,
    ),
    noted(
        "--connect-timeout",
        "SECS",
        Values::Any,
        "longest wait to connect: DNS, TCP, TLS (more than 0, at most 365 days)",
        connect_timeout_note,
    ),
    noted(
        "--max-retries",
        "N",
        Values::Any,
        "retries on 429, 5xx and network errors",
        retries_note,
    ),
    noted(
        "--max-body-size",
        "BYTES",
        Values::Any,
        "largest response body accepted (at least 1)",
        body_size_note,
    ),
    noted(
        "--user-agent",
        "UA",
        Values::Any,
        "replace the user agent",
        user_agent_note,
    ),
    valued(
        "--append-user-agent",
        "TOKEN",
        Values::Any,
        "append a product token to the user agent (repeatable)",
    ),
    valued(
        "--ca-bundle",
        "PATH",
        Values::File,
        "trust the CAs in this PEM file instead of the built-in roots, e.g. the CA of a \
         TLS-inspecting proxy [env: DDORG_CA_BUNDLE, then SSL_CERT_FILE]",
    ),
    valued(
        "--tls-roots",
        "ROOTS",
        Values::OneOf(&["bundled", "system"]),
        "bundled (the Mozilla roots built in) or system (this machine's trust store) \
         [default: bundled]",
    ),
    flag(
        "--json",
        None,
        "print the response JSON (unknown fields included; for audit, the JSON report, as \
         --format json); errors as one JSON object on stderr",
    ),
    flag(
        "--verbose",
        Some('v'),
        "log each attempt and retry to stderr",
    ),
    flag(
        "--help",
        Some('h'),
        "this help, or a command's with the command",
    ),
    flag("--version", Some('V'), "the version"),
];

pub const SHELLS: &[&str] = &["bash", "zsh", "fish"];

/// Every command, in the order help lists them.
pub static COMMANDS: &[Cmd] = &[
    Cmd {
        path: &["org", "get"],
        args: &[Arg {
            name: "PUBLIC_ID",
            help: "the organization's public id (Organization settings in Datadog)",
            required: true,
            many: false,
            values: Values::Any,
        }],
        options: &[valued(
            "--format",
            "FORMAT",
            Values::OneOf(&["text", "json", "terraform"]),
            "text, json (as --json) or terraform (a complete datadog_organization_settings \
             resource and its import block) [default: text, or json with --json]",
        )],
        summary: "organization info: name, SAML settings, plan",
        about: "GET /api/v1/org/{public_id}: the organization's name, settings (SAML and more) and \
                plan. With --json, the response as received, unknown fields included. With \
                --format terraform, the settings as a complete datadog_organization_settings \
                resource plus an import block (id = PUBLIC_ID), to bring the org under Terraform.",
        run: commands::org_get,
    },
    Cmd {
        path: &["org", "list"],
        args: &[],
        options: &[],
        summary: "the managed organizations: the key's org and its child orgs",
        about: "GET /api/v1/org (List your managed organizations): the key's organization and, \
                with a parent organization's keys, every child organization it manages, one \
                line each (public id, name, created, SAML). With --json, the response as \
                received, unknown fields included.",
        run: commands::org_list,
    },
    Cmd {
        path: &["salesforce", "list"],
        args: &[],
        options: &[],
        summary: "Salesforce organizations connected to Datadog",
        about: "GET /api/v2/integration/salesforce-incidents/organizations: every Salesforce \
                organization connected through the Salesforce integration (the application key \
                needs the integrations_read permission).",
        run: commands::salesforce_list,
    },
    Cmd {
        path: &["demo"],
        args: &[],
        options: &[
            valued(
                "--public-id",
                "ID",
                Values::Any,
                "also fetch this organization (live runs only)",
            ),
            flag(
                "--fake",
                None,
                "use the embedded fake even when DD_API_KEY and DD_APP_KEY are set",
            ),
        ],
        summary: "both calls and a typed error against an embedded fake (or your site)",
        about: "Runs both calls, a retried 503 and a typed 404 against a fake Datadog started \
                in-process. When DD_API_KEY and DD_APP_KEY are set (and --fake is not given) it \
                runs against your site (or --base-url) instead. Exits with the code of the first \
                call that should have succeeded and did not. With --json, the whole run is one \
                JSON object: each step's response as received, or its error as --json reports it.",
        run: crate::demo::run,
    },
    Cmd {
        path: &["audit"],
        args: &[Arg {
            name: "PUBLIC_ID",
            help: "the organization to audit (or --fleet for many)",
            required: false,
            many: false,
            values: Values::Any,
        }],
        options: &[
            valued(
                "--fleet",
                "FLEET.toml",
                Values::File,
                "audit every organization of this fleet file instead of one PUBLIC_ID",
            ),
            valued(
                "--policy",
                "POLICY.toml",
                Values::File,
                "what the rules allow [default: the built-in policy]",
            ),
            valued(
                "--format",
                "FORMAT",
                Values::OneOf(&["text", "json", "sarif", "markdown", "terraform"]),
                "text, json, sarif, markdown or terraform (the fixes as \
                 datadog_organization_settings resources) [default: text, or json with --json]",
            ),
            valued(
                "--output",
                "FILE",
                Values::File,
                "write the report there instead of stdout",
            ),
            valued(
                "--baseline",
                "OLD.json",
                Values::File,
                "compare with an earlier JSON report: new and resolved findings, changed \
                 settings; only new findings count towards --fail-on",
            ),
            valued(
                "--fail-on",
                "SEVERITY",
                Values::OneOf(&["critical", "high", "medium", "low", "info", "never"]),
                "critical, high, medium, low, info or never [default: high, or the policy's \
                 fail_on]",
            ),
            valued(
                "--concurrency",
                "N",
                Values::Any,
                "with --fleet or --managed: orgs audited at once [default: 8]",
            ),
            flag(
                "--managed",
                None,
                "audit PUBLIC_ID and every organization its key manages (GET /api/v1/org), \
                 through that key; in a fleet file, managed = true does it per organization",
            ),
            flag(
                "--check",
                None,
                "check the fleet, policy, baseline and every key (variables set, key files \
                 private) and send nothing: exit 0 when ready, 2 otherwise",
            ),
            valued(
                "--detail",
                "DETAIL",
                Values::OneOf(&["summary", "full"]),
                "text and markdown of a fleet: summary (the per-rule rollup, then only the orgs \
                 with findings or errors) or full (every org, each finding with its fix) \
                 [default: summary]",
            ),
            flag(
                "--show-passed",
                None,
                "text and markdown: list each org's passed rules too",
            ),
        ],
        summary: "posture audit of one organization, or of a fleet (rules in docs/audit.md)",
        about: "Audits one organization (PUBLIC_ID), with --managed also every organization \
                its key manages, or every organization of a fleet file \
                (--fleet FLEET.toml) against the posture rules in docs/audit.md, and prints the \
                report. --json selects the JSON report (as --format json) and reports errors as \
                one JSON object on stderr. Exit codes of audit:\n\
                \x20 0 nothing at or above --fail-on\n\
                \x20 1 findings at or above it\n\
                \x20 2 usage or configuration error (no report)\n\
                \x20 9 one or more orgs could not be audited (wins over 1; the report covers \
                the rest)",
        run: crate::audit::command,
    },
    Cmd {
        path: &["fake"],
        args: &[],
        options: &[
            valued(
                "--port",
                "N",
                Values::Any,
                "the port to listen on, on 127.0.0.1 [default: 0, any free port]",
            ),
            flag(
                "--tls",
                None,
                "serve HTTPS (https://localhost:PORT) with a certificate issued by a CA \
                 generated at start (see --tls-ca-out)",
            ),
            valued(
                "--tls-cert",
                "CERT",
                Values::OneOf(&["valid", "expired", "wrong-host", "self-signed"]),
                "the certificate HTTPS serves (implies --tls) [default: valid]",
            ),
            valued(
                "--tls-ca-out",
                "PATH",
                Values::File,
                "write the CA (PEM) there, for --ca-bundle or DDORG_CA_BUNDLE",
            ),
            valued(
                "--latency",
                "MS",
                Values::Any,
                "hold back every flight the server sends by MS milliseconds, one simulated \
                 round trip (a new TLS connection costs 3) [default: 0]",
            ),
            valued(
                "--rate-limit",
                "[ENDPOINT=]LIMIT/PERIOD",
                Values::Any,
                "rate-limit like Datadog, per API key: LIMIT requests per PERIOD seconds, then \
                 429; for every endpoint or one of org_get, org_list, salesforce_orgs \
                 (repeatable) [default: no limit]",
            ),
            valued(
                "--fleet",
                "N",
                Values::Any,
                "serve N simulated orgs, each with its own keys and posture; the first org's \
                 keys manage every other",
            ),
            flag(
                "--fleet-faults",
                None,
                "with --fleet: one org each with revoked keys, deleted, rate-limited, slow, and \
                 without integrations_read",
            ),
            valued(
                "--write-fleet",
                "FLEET.toml",
                Values::File,
                "with --fleet: write the fleet file for `ddorg audit --fleet` (keys beside it, \
                 mode 0600)",
            ),
            valued(
                "--unknown-orgs",
                "ANSWER",
                Values::OneOf(&["not-found", "example"]),
                "what `org get` of an ID the fake has no reply for (the example's \
                 abcdef12345 and IDs set through the control API have one) gets: not-found, a \
                 404 as from Datadog, or example, the example org; a --fleet answers only its \
                 own IDs either way [default: not-found]",
            ),
            flag(
                "--no-record",
                None,
                "keep no request log (for long benchmarks)",
            ),
            flag(
                "--exit-on-eof",
                None,
                "stop when stdin reaches end of file (for scripts)",
            ),
        ],
        summary: "run a fake Datadog to try ddorg against (the one the tests use)",
        about: "Runs a fake Datadog on 127.0.0.1 that answers both endpoints (and GET \
                /api/v1/org) with Datadog's documented example bodies, for any non-empty keys \
                (the example org is abcdef12345; another ID gets 404, unless --unknown-orgs \
                example), \
                prints `PORT <n>` on stdout once listening and, on stderr, the environment that \
                points ddorg at it. Tests script it through its control API under /_fake/ \
                (see the ddorg-fake crate docs). With --fleet N it serves N orgs and --write-fleet writes the \
                fleet file to audit them. It runs until stopped (Ctrl-C), or with --exit-on-eof \
                until stdin ends.",
        run: crate::fake::run,
    },
    Cmd {
        path: &["completions"],
        args: &[Arg {
            name: "SHELL",
            help: "bash, zsh or fish",
            required: true,
            many: false,
            values: Values::OneOf(SHELLS),
        }],
        options: &[],
        summary: "print a shell completion script (bash, zsh, fish)",
        about: "Prints a completion script for SHELL. For example:\n\
                \x20 bash:  ddorg completions bash > ~/.local/share/bash-completion/completions/ddorg\n\
                \x20 zsh:   ddorg completions zsh > \"${fpath[1]}/_ddorg\"\n\
                \x20 fish:  ddorg completions fish > ~/.config/fish/completions/ddorg.fish",
        run: commands::completions,
    },
    Cmd {
        path: &["help"],
        args: &[Arg {
            name: "COMMAND",
            help: "the command to explain, e.g. `org get`, or `options` for the global options",
            required: false,
            many: true,
            values: Values::HelpTopics,
        }],
        options: &[],
        summary: "this help, or a command's",
        about: "Prints the help of ddorg, or of COMMAND.",
        run: commands::help,
    },
];

/// The first word of every command, once each, in the order help lists them.
pub fn top_words() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in COMMANDS {
        if !out.contains(&c.path[0]) {
            out.push(c.path[0]);
        }
    }
    out
}

/// `ddorg help options`: the global options, listed there once rather than in every command's help.
pub const OPTIONS_TOPIC: &str = "options";

/// Every command whose path starts with `prefix`.
pub fn commands_under(prefix: &[&str]) -> Vec<&'static Cmd> {
    COMMANDS
        .iter()
        .filter(|c| c.path.len() >= prefix.len() && c.path[..prefix.len()] == *prefix)
        .collect()
}

/// Finds the command the words name: the longest path that is a prefix of them.
pub fn find(words: &[&str]) -> Option<&'static Cmd> {
    COMMANDS
        .iter()
        .filter(|c| words.len() >= c.path.len() && words[..c.path.len()] == *c.path)
        .max_by_key(|c| c.path.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_names_are_unique_across_global_and_command_options() {
        let mut seen = Vec::new();
        for o in GLOBAL_OPTIONS
            .iter()
            .chain(COMMANDS.iter().flat_map(|c| c.options))
        {
            if let Some(other) = seen.iter().find(|(l, _): &&(&str, bool)| *l == o.long) {
                assert_eq!(other.1, o.value.is_some(), "{} means two things", o.long);
            }
            seen.push((o.long, o.value.is_some()));
            assert!(o.long.starts_with("--"), "{}", o.long);
        }
    }

    #[test]
    fn only_the_last_argument_takes_many_words() {
        for c in COMMANDS {
            for (i, a) in c.args.iter().enumerate() {
                assert!(!a.many || i + 1 == c.args.len(), "{}", c.name());
            }
        }
    }

    #[test]
    fn find_picks_the_longest_matching_path() {
        assert_eq!(find(&["org", "get", "x"]).unwrap().name(), "org get");
        assert!(find(&["org"]).is_none());
        assert_eq!(find(&["demo"]).unwrap().name(), "demo");
        assert_eq!(commands_under(&["org"]).len(), 2);
        assert_eq!(find(&["org", "list"]).unwrap().name(), "org list");
    }
}
