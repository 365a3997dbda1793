//! Command-line parsing over the tables in [`spec`](crate::spec); see `docs/cli.md` for why it is
//! hand-written rather than a parser crate. Parsing only turns words into values; whether a
//! value is allowed is the core's rule, checked when the client is built.

use ddorg_core::suggest::did_you_mean;

use crate::options::Options;
use crate::spec::{self, Cmd, Invocation, Opt};

/// What the user asked for.
pub enum Parsed {
    Run(Box<Invocation>),
    /// `--help`: the help of the command (or command group) named by these words.
    Help(Vec<String>),
    Version,
}

/// A usage error: what is wrong, and whose usage to show with it.
#[derive(Debug, PartialEq)]
pub struct UsageError {
    pub message: String,
    /// The words of the command (or group) whose usage applies; empty for the global usage.
    pub topic: Vec<String>,
}

fn usage(message: impl Into<String>, topic: &[&str]) -> UsageError {
    UsageError {
        message: message.into(),
        topic: topic.iter().map(|s| s.to_string()).collect(),
    }
}

/// Whether `--json` is among the arguments, for reporting a usage error in the asked format.
pub fn wants_json(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| a.as_str() != "--")
        .any(|a| a == "--json")
}

/// The option an argument names, global or any command's, by `--long` or `-s`.
fn lookup(flag: &str) -> Option<(&'static Opt, bool)> {
    let all = || {
        spec::GLOBAL_OPTIONS.iter().map(|o| (o, true)).chain(
            spec::COMMANDS
                .iter()
                .flat_map(|c| c.options.iter().map(|o| (o, false))),
        )
    };
    match flag.strip_prefix("--") {
        Some(_) => all().find(|(o, _)| o.long == flag),
        None => {
            let mut chars = flag[1..].chars();
            let (c, rest) = (chars.next()?, chars.next());
            rest.is_none()
                .then(|| all().find(|(o, _)| o.short == Some(c)))
                .flatten()
        }
    }
}

/// Every option's `--long` name, global ones first: what a mistyped option is compared with.
fn all_longs() -> impl Iterator<Item = &'static str> {
    spec::GLOBAL_OPTIONS
        .iter()
        .chain(spec::COMMANDS.iter().flat_map(|c| c.options))
        .map(|o| o.long)
}

/// What the options read so far asked for.
#[derive(Default)]
struct OptionsRead {
    opts: Options,
    own: Vec<(&'static Opt, Option<String>)>,
    help: bool,
    version: bool,
}

impl OptionsRead {
    /// Reads one option word (`--name`, `--name=value` or `-s`), taking its value from `rest`
    /// when it needs one.
    fn read(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = String>,
    ) -> Result<(), UsageError> {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.to_string(), None),
        };
        if flag == "--api-key" || flag == "--app-key" {
            return Err(usage(
                format!(
                    "{flag} is not accepted: keys on the command line show in `ps`; set DD_API_KEY and DD_APP_KEY"
                ),
                &[],
            ));
        }
        let Some((opt, global)) = lookup(&flag) else {
            let hint = did_you_mean(&flag, all_longs());
            return Err(usage(format!("unknown option {flag}{hint}"), &[]));
        };
        let value = match (opt.value, inline) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(usage(format!("{} takes no value", opt.long), &[]));
            }
            (Some(_), Some(v)) => Some(v),
            (Some(name), None) => Some(
                rest.next()
                    .ok_or_else(|| usage(format!("{} needs a value ({name})", opt.long), &[]))?,
            ),
        };
        match (global, opt.long) {
            (true, "--help") => self.help = true,
            (true, "--version") => self.version = true,
            // A global option's value is the core's to judge (`--tls-roots`, `--site`).
            (true, long) => self.opts.set(long, value).map_err(|m| usage(m, &[]))?,
            (false, _) => self.own.push((opt, value)),
        }
        Ok(())
    }
}

/// Parses the arguments after the program name. Options may come before or after the command
/// words; `--` ends the options (for an id that starts with `-`).
pub fn parse(args: Vec<String>) -> Result<Parsed, UsageError> {
    let mut read = OptionsRead::default();
    let mut words: Vec<String> = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            words.extend(it.by_ref());
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            words.push(arg);
            continue;
        }
        if let Err(e) = read.read(&arg, &mut it) {
            return Err(in_context(e, &words, it));
        }
    }
    let OptionsRead {
        opts,
        own,
        help,
        version,
    } = read;
    if version && !help {
        return Ok(Parsed::Version);
    }
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    if help {
        return Ok(Parsed::Help(topic_of(&word_refs)));
    }
    let cmd = match spec::find(&word_refs) {
        Some(cmd) => cmd,
        None => return Err(unknown_command(&word_refs)),
    };
    let args = positionals(cmd, &words[cmd.path.len()..])?;
    let mut own_values = Vec::new();
    for (opt, value) in own {
        if cmd.option(opt.long).is_none() {
            let owners: Vec<String> = spec::COMMANDS
                .iter()
                .filter(|c| c.option(opt.long).is_some())
                .map(|c| format!("`ddorg {}`", c.name()))
                .collect();
            return Err(usage(
                format!(
                    "{} does not go with `ddorg {}` (it is an option of {})",
                    opt.long,
                    cmd.name(),
                    owners.join(", ")
                ),
                cmd.path,
            ));
        }
        own_values.push((opt.long, value));
    }
    Ok(Parsed::Run(Box::new(Invocation {
        cmd,
        args,
        own: own_values,
        opts,
    })))
}

/// A usage error found while reading the options, before the command is known: its usage is that
/// of the command the words name (those read so far, then the rest that are not options), so
/// `ddorg org get --sitee x` shows `org get`'s usage, as a missing argument does.
fn in_context(mut e: UsageError, words: &[String], rest: std::vec::IntoIter<String>) -> UsageError {
    if e.topic.is_empty() {
        let rest: Vec<String> = rest.filter(|a| !a.starts_with('-')).collect();
        let seen: Vec<&str> = words.iter().chain(&rest).map(String::as_str).collect();
        e.topic = topic_of(&seen);
    }
    e
}

/// The command or group `--help` applies to: the longest prefix of the words that names one.
fn topic_of(words: &[&str]) -> Vec<String> {
    let n = (0..=words.len())
        .rev()
        .find(|&n| !spec::commands_under(&words[..n]).is_empty())
        .unwrap_or(0);
    words[..n].iter().map(|s| s.to_string()).collect()
}

fn unknown_command(words: &[&str]) -> UsageError {
    let Some(first) = words.first() else {
        return usage("no command given", &[]);
    };
    let group = spec::commands_under(&words[..1]);
    if group.is_empty() {
        let hint = did_you_mean(first, spec::top_words());
        return usage(format!("unknown command `{first}`{hint}"), &[]);
    }
    let subcommands: Vec<&str> = group.iter().map(|c| c.path[1]).collect();
    let message = match words.get(1) {
        None => format!(
            "`ddorg {first}` needs a subcommand: {}",
            subcommands.join(", ")
        ),
        Some(sub) => format!(
            "unknown command `ddorg {first} {sub}`{}; `ddorg {first}` has: {}",
            did_you_mean(sub, subcommands.iter().copied()),
            subcommands.join(", ")
        ),
    };
    usage(message, &words[..1])
}

/// Checks the words after the command's path against its arguments.
fn positionals(cmd: &'static Cmd, given: &[String]) -> Result<Vec<String>, UsageError> {
    let name = cmd.name();
    let required = cmd.args.iter().filter(|a| a.required).count();
    if given.len() < required {
        let missing: Vec<&str> = cmd.args[given.len()..required]
            .iter()
            .map(|a| a.name)
            .collect();
        return Err(usage(
            format!("`ddorg {name}` needs {}", missing.join(" and ")),
            cmd.path,
        ));
    }
    let takes_many = cmd.args.last().is_some_and(|a| a.many);
    if !takes_many && given.len() > cmd.args.len() {
        let extra = &given[cmd.args.len()..];
        let takes = match cmd.args.len() {
            0 => "takes no arguments".to_string(),
            1 => format!("takes one argument ({})", cmd.args[0].name),
            n => format!("takes {n} arguments"),
        };
        return Err(usage(
            format!(
                "`ddorg {name}` {takes}; unexpected {}: {}",
                if extra.len() == 1 {
                    "extra argument"
                } else {
                    "extra arguments"
                },
                extra
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            cmd.path,
        ));
    }
    for (arg, value) in cmd.args.iter().zip(given) {
        let allowed = arg.values.words();
        if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
            return Err(usage(
                format!(
                    "{} must be one of {}, got {value:?}{}",
                    arg.name,
                    allowed.join(", "),
                    did_you_mean(value, allowed.iter().copied())
                ),
                cmd.path,
            ));
        }
    }
    Ok(given.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Parsed, UsageError> {
        parse(args.iter().map(|s| s.to_string()).collect())
    }

    fn run(args: &[&str]) -> Invocation {
        match p(args) {
            Ok(Parsed::Run(inv)) => *inv,
            Ok(_) => panic!("{args:?}: not a command"),
            Err(e) => panic!("{args:?}: {}", e.message),
        }
    }

    fn err(args: &[&str]) -> UsageError {
        match p(args) {
            Err(e) => e,
            Ok(_) => panic!("{args:?} parsed"),
        }
    }

    #[test]
    fn an_option_mistake_shows_the_usage_of_the_command_the_words_name() {
        for (args, topic) in [
            (&["org", "get", "--sitee", "x"][..], &["org", "get"][..]),
            (&["--bogus", "org", "list"], &["org", "list"]),
            (&["audit", "abc", "--timeout"], &["audit"]),
            (&["org", "get", "abc", "--json=yes"], &["org", "get"]),
            (
                &["salesforce", "list", "--max-retries"],
                &["salesforce", "list"],
            ),
            (&["--bogus"], &[]),
        ] {
            assert_eq!(err(args).topic, topic, "{args:?}");
        }
    }

    #[test]
    fn commands_and_options_in_any_order() {
        let inv = run(&["--site", "datadoghq.eu", "org", "get", "abc", "--json"]);
        assert_eq!(inv.cmd.name(), "org get");
        assert_eq!(inv.args, ["abc"]);
        assert_eq!(inv.opts.site.as_deref(), Some("datadoghq.eu"));
        assert!(inv.opts.json);
        let inv = run(&["salesforce", "list", "--timeout=2.5", "--max-retries", "0"]);
        assert_eq!(inv.cmd.name(), "salesforce list");
        assert_eq!(inv.opts.timeout, Some(2.5));
        assert_eq!(inv.opts.max_retries, Some(0));
    }

    #[test]
    fn command_options_belong_to_their_command() {
        let inv = run(&["--public-id", "x", "demo", "--fake"]);
        assert_eq!(inv.value("--public-id"), Some("x"));
        assert!(inv.flag("--fake"));
        let e = err(&["org", "get", "abc", "--fake"]);
        assert!(
            e.message
                .contains("--fake does not go with `ddorg org get`"),
            "{}",
            e.message
        );
        assert_eq!(e.topic, ["org", "get"]);
    }

    #[test]
    fn missing_and_extra_words_name_the_problem_and_the_command() {
        let e = err(&["org"]);
        assert_eq!(e.message, "`ddorg org` needs a subcommand: get, list");
        assert_eq!(e.topic, ["org"]);
        let e = err(&["org", "get"]);
        assert_eq!(e.message, "`ddorg org get` needs PUBLIC_ID");
        assert_eq!(e.topic, ["org", "get"]);
        let e = err(&["org", "get", "a", "b"]);
        assert!(
            e.message.contains("takes one argument (PUBLIC_ID)"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("unexpected extra argument: \"b\""),
            "{}",
            e.message
        );
        let e = err(&["org", "delete"]);
        assert!(
            e.message.contains("unknown command `ddorg org delete`"),
            "{}",
            e.message
        );
        assert_eq!(err(&["frobnicate"]).message, "unknown command `frobnicate`");
        assert_eq!(err(&[]).message, "no command given");
        assert!(err(&["completions", "tcsh"])
            .message
            .contains("bash, zsh, fish"));
    }

    #[test]
    fn dash_dash_ends_the_options() {
        let inv = run(&["org", "get", "--", "-starts-with-dash"]);
        assert_eq!(inv.args, ["-starts-with-dash"]);
    }

    #[test]
    fn help_applies_to_the_command_named_before_or_after_it() {
        for (args, topic) in [
            (&["--help"][..], &[][..]),
            (&["org", "get", "--help"], &["org", "get"]),
            (&["-h", "org"], &["org"]),
            (&["demo", "-h"], &["demo"]),
            (&["frobnicate", "--help"], &[]),
        ] {
            match p(args) {
                Ok(Parsed::Help(t)) => assert_eq!(t, topic, "{args:?}"),
                _ => panic!("{args:?}"),
            }
        }
        assert!(matches!(p(&["-V"]), Ok(Parsed::Version)));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        // Only words that are not numbers: whether a number is allowed is the core's rule.
        for args in [
            &["--timeout", "abc", "demo"][..],
            &["--max-body-size", "1k", "demo"],
            &["--max-retries", "x", "demo"],
            &["--bogus", "demo"],
            &["--site"],
            &["--json=yes", "demo"],
        ] {
            err(args);
        }
        assert!(err(&["--api-key", "k", "demo"]).message.contains("ps"));
        let inv = run(&[
            "--append-user-agent",
            "lost/0",
            "--user-agent",
            "a/1",
            "--append-user-agent",
            "b/2",
            "demo",
        ]);
        assert_eq!(inv.opts.user_agent.as_deref(), Some("a/1"));
        assert_eq!(inv.opts.append_user_agent, ["b/2"]);
        assert!(wants_json(&["x".into(), "--json".into()]));
        assert!(!wants_json(&["--".into(), "--json".into()]));
    }

    #[test]
    fn mistyped_commands_options_and_values_get_the_closest_one() {
        assert_eq!(
            err(&["adit", "x"]).message,
            "unknown command `adit` (did you mean audit?)"
        );
        assert_eq!(
            err(&["org", "lsit"]).message,
            "unknown command `ddorg org lsit` (did you mean list?); `ddorg org` has: get, list"
        );
        assert_eq!(
            err(&["--sitee", "eu1", "org", "list"]).message,
            "unknown option --sitee (did you mean --site?)"
        );
        assert_eq!(
            err(&["audit", "x", "--fial-on", "high"]).message,
            "unknown option --fial-on (did you mean --fail-on?)"
        );
        assert_eq!(
            err(&["completions", "zhs"]).message,
            "SHELL must be one of bash, zsh, fish, got \"zhs\" (did you mean zsh?)"
        );
        let e = err(&["help", "salesforse"]);
        assert!(
            e.message
                .ends_with("got \"salesforse\" (did you mean salesforce?)"),
            "{}",
            e.message
        );
        // Closed values are compared in any letter case; the handler reads them.
        assert_eq!(
            run(&["audit", "x", "--fail-on", "HIGH"]).value("--fail-on"),
            Some("HIGH")
        );
        assert_eq!(run(&["help", "options"]).args, ["options"]);
    }
}
