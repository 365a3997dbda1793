//! The help and usage texts, rendered from the tables in [`spec`](crate::spec).

use std::fmt::Write;

use crate::spec::{self, Arg, Cmd, Opt, Values, COMMANDS, GLOBAL_OPTIONS};

const EXIT_CODES: &str = "\
Exit codes:
  0 success                        4 rate limited after retries
  2 usage or configuration error   5 server error after retries
  3 API error (4xx other than 429) 6 network error, timeout or TLS failure
                                   7 decode error or response too large
";

const KEYS: &str = "\
Keys come only from the environment (DD_API_KEY, DD_APP_KEY), never from arguments,
where other users could read them in `ps`.
";

fn arg_usage(a: &Arg) -> String {
    let dots = if a.many { "..." } else { "" };
    if a.required {
        format!("<{}>{dots}", a.name)
    } else {
        format!("[{}]{dots}", a.name)
    }
}

/// `org get <PUBLIC_ID>`.
fn synopsis(cmd: &Cmd) -> String {
    let mut s = cmd.name();
    if !cmd.options.is_empty() {
        s.push_str(" [OPTIONS]");
    }
    for a in cmd.args {
        s.push(' ');
        s.push_str(&arg_usage(a));
    }
    s
}

fn opt_label(o: &Opt) -> String {
    let mut s = match o.short {
        Some(c) => format!("-{c}, {}", o.long),
        None => o.long.to_string(),
    };
    if let Some(v) = o.value {
        let _ = write!(s, " <{v}>");
    }
    s
}

/// Two aligned columns, the second wrapped under itself.
fn table(out: &mut String, rows: &[(String, String)]) {
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0) + 3;
    for (left, right) in rows {
        let mut lines = wrap(right, 100usize.saturating_sub(width + 2).max(30)).into_iter();
        let _ = writeln!(out, "  {left:<width$}{}", lines.next().unwrap_or_default());
        for l in lines {
            let _ = writeln!(out, "  {:width$}{l}", "");
        }
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        // A paragraph that starts with spaces is pre-formatted (an example): kept as it is.
        if para.starts_with(' ') {
            lines.push(para.to_string());
            continue;
        }
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn options_table(out: &mut String, opts: &[Opt]) {
    let rows: Vec<(String, String)> = opts
        .iter()
        .map(|o| {
            let mut help = o.help.to_string();
            if o.values == Values::Sites {
                // Each host with the region name Datadog's docs and site selector use, which is
                // accepted too: `datadoghq.eu (EU1)`.
                let _ = write!(help, ": {}", ddorg_core::Site::valid_list());
            }
            if let Some(note) = o.note {
                let _ = write!(help, " {}", note());
            }
            (opt_label(o), help)
        })
        .collect();
    table(out, &rows);
}

fn commands_table(out: &mut String, cmds: &[&Cmd]) {
    let rows: Vec<(String, String)> = cmds
        .iter()
        .map(|c| (synopsis(c), c.summary.to_string()))
        .collect();
    table(out, &rows);
}

/// `ddorg --help`.
pub fn global() -> String {
    let mut out = String::from("ddorg: audit Datadog organizations\n\n");
    out.push_str("Usage: ddorg [OPTIONS] <COMMAND> [ARGS]\n\nCommands:\n");
    commands_table(&mut out, &COMMANDS.iter().collect::<Vec<_>>());
    out.push('\n');
    global_names(&mut out);
    let _ = write!(out, "\n{KEYS}\n{EXIT_CODES}");
    out.push_str("\nRun `ddorg <COMMAND> --help` for a command's arguments and options.\n");
    out
}

/// The global options by name, wrapped, and where they are explained: what the global help and
/// every command's help show instead of repeating the whole table.
fn global_names(out: &mut String) {
    let names: Vec<String> = GLOBAL_OPTIONS
        .iter()
        .map(|o| match o.short {
            Some(c) => format!("{} (-{c})", o.long),
            None => o.long.to_string(),
        })
        .collect();
    let text = format!(
        "Global options (before or after the command; `ddorg help options` explains them): {}",
        names.join(", ")
    );
    for line in wrap(&text, 96) {
        let _ = writeln!(out, "{line}");
    }
}

/// `ddorg help options`: every global option, the one place they are listed in full.
pub fn options() -> String {
    let mut out = String::from(
        "ddorg: the global options, taken by every command, before or after the command words\n\n",
    );
    out.push_str("Options:\n");
    options_table(&mut out, GLOBAL_OPTIONS);
    let _ = write!(out, "\n{KEYS}");
    out
}

/// The help of a command, or of the group of commands the words start (`org`), or of the global
/// options (`options`).
pub fn topic(words: &[&str]) -> String {
    if words.is_empty() {
        return global();
    }
    if words == [spec::OPTIONS_TOPIC] {
        return options();
    }
    match spec::find(words).filter(|c| c.path.len() == words.len()) {
        Some(cmd) => command(cmd),
        None => group(words),
    }
}

fn group(words: &[&str]) -> String {
    let name = words.join(" ");
    let mut out = format!("Usage: ddorg [OPTIONS] {name} <COMMAND>\n\nCommands:\n");
    commands_table(&mut out, &spec::commands_under(words));
    let _ = writeln!(
        out,
        "\nRun `ddorg {name} <COMMAND> --help` for a command's arguments and options."
    );
    out
}

/// `ddorg org get --help`.
pub fn command(cmd: &Cmd) -> String {
    let mut out = format!(
        "ddorg {}: {}\n\nUsage: ddorg [GLOBAL OPTIONS] {}\n\n",
        cmd.name(),
        cmd.summary,
        synopsis(cmd)
    );
    for line in wrap(cmd.about, 96) {
        let _ = writeln!(out, "{line}");
    }
    if !cmd.args.is_empty() {
        out.push_str("\nArguments:\n");
        let rows: Vec<(String, String)> = cmd
            .args
            .iter()
            .map(|a| (arg_usage(a), a.help.to_string()))
            .collect();
        table(&mut out, &rows);
    }
    if !cmd.options.is_empty() {
        out.push_str("\nOptions:\n");
        options_table(&mut out, cmd.options);
    }
    out.push('\n');
    global_names(&mut out);
    out
}

/// The usage lines printed under a usage error.
pub fn short_usage(words: &[&str]) -> String {
    if words.is_empty() {
        let names: Vec<String> = COMMANDS.iter().map(|c| c.name()).collect();
        return format!(
            "Usage: ddorg [OPTIONS] <COMMAND> [ARGS]\nCommands: {}\nRun `ddorg --help` for more.\n",
            names.join(", ")
        );
    }
    match spec::find(words).filter(|c| c.path.len() == words.len()) {
        Some(cmd) => format!(
            "Usage: ddorg [GLOBAL OPTIONS] {}\nRun `ddorg {} --help` for more.\n",
            synopsis(cmd),
            cmd.name()
        ),
        None => {
            let name = words.join(" ");
            let mut out = String::new();
            for c in spec::commands_under(words) {
                let _ = writeln!(out, "Usage: ddorg [GLOBAL OPTIONS] {}", synopsis(c));
            }
            let _ = writeln!(out, "Run `ddorg {name} --help` for more.");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_its_own_help_naming_its_arguments_and_options() {
        for cmd in COMMANDS {
            let h = command(cmd);
            assert!(h.starts_with(&format!("ddorg {}: ", cmd.name())), "{h}");
            for a in cmd.args {
                assert!(h.contains(a.name), "{h}");
            }
            for o in cmd.options.iter().chain(GLOBAL_OPTIONS) {
                assert!(h.contains(o.long), "{h}");
            }
        }
    }

    #[test]
    fn global_help_lists_every_command_and_names_every_global_option() {
        let h = global();
        for cmd in COMMANDS {
            assert!(h.contains(&synopsis(cmd)), "{h}");
        }
        for o in GLOBAL_OPTIONS {
            assert!(h.contains(o.long), "{h}");
            assert!(!h.contains(o.help), "explained only in `help options`: {h}");
        }
        assert!(h.contains("Exit codes"));
    }

    #[test]
    fn help_options_explains_every_global_option_and_lists_every_site() {
        let h = topic(&["options"]);
        for o in GLOBAL_OPTIONS {
            assert!(h.contains(o.long), "{h}");
            let start: Vec<&str> = o.help.split_whitespace().take(3).collect();
            assert!(h.contains(&start.join(" ")), "{h}");
        }
        for site in ddorg_core::Site::ALL {
            assert!(h.contains(site.as_str()), "{h}");
        }
        for cmd in COMMANDS {
            let c = command(cmd);
            assert!(!c.contains(GLOBAL_OPTIONS[0].help), "{c}");
            assert!(c.contains("`ddorg help options`"), "{c}");
        }
    }

    #[test]
    fn lines_stay_within_100_columns() {
        for text in COMMANDS.iter().map(command).chain([global(), options()]) {
            for line in text.lines() {
                assert!(line.chars().count() <= 100, "{line}");
            }
        }
    }
}
