//! The handlers of the API commands, `completions` and `help`.

use std::io::Write;

use ddorg_core::RateLimit;

use crate::options::client;
use crate::spec::{Failure, Invocation};
use crate::{completions as scripts, help as texts, render};

fn print_json<T: serde::Serialize>(value: &T) {
    // A model always serializes; a closed stdout (e.g. `| head`) is not an error worth a panic.
    let json = serde_json::to_string_pretty(value).unwrap_or_default();
    let _ = writeln!(std::io::stdout(), "{json}");
}

fn print_rate_limit(rl: Option<&RateLimit>) {
    if let Some(rl) = rl {
        eprintln!("{}", render::rate_limit(rl));
    }
}

/// `ddorg org get <PUBLIC_ID>`.
pub fn org_get(inv: &Invocation) -> Result<u8, Failure> {
    let resp = client(&inv.opts)?.get_org(inv.arg(0).unwrap_or_default())?;
    if inv.opts.json {
        print_json(resp.value());
    } else {
        print!("{}", render::org(&resp));
        print_rate_limit(resp.rate_limit());
    }
    Ok(0)
}

/// `ddorg salesforce list`.
pub fn salesforce_list(inv: &Invocation) -> Result<u8, Failure> {
    let resp = client(&inv.opts)?.list_salesforce_organizations()?;
    if inv.opts.json {
        print_json(resp.value());
    } else {
        print!("{}", render::salesforce(&resp));
        print_rate_limit(resp.rate_limit());
    }
    Ok(0)
}

/// `ddorg completions <SHELL>` (the parser has checked the shell's name).
pub fn completions(inv: &Invocation) -> Result<u8, Failure> {
    let script = scripts::script(inv.arg(0).unwrap_or_default()).unwrap_or_default();
    let _ = std::io::stdout().write_all(script.as_bytes());
    Ok(0)
}

/// `ddorg help [COMMAND...]`.
pub fn help(inv: &Invocation) -> Result<u8, Failure> {
    let words: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    if !words.is_empty() && crate::spec::commands_under(&words).is_empty() {
        eprintln!(
            "ddorg: usage error: no command `{}`\n\n{}",
            words.join(" "),
            texts::short_usage(&[]).trim_end()
        );
        return Ok(crate::report::USAGE_EXIT);
    }
    print!("{}", texts::topic(&words));
    Ok(0)
}
