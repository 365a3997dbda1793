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

/// What `org get` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OrgFormat {
    Text,
    Json,
    Terraform,
}

/// `--format` of `org get`, with `--json` as `--format json` (and refused with another format,
/// as `audit` does, rather than guessing which was meant).
fn org_format(format: Option<&str>, json: bool) -> Result<OrgFormat, Failure> {
    let f = match format {
        None if json => OrgFormat::Json,
        None | Some("text") => OrgFormat::Text,
        Some("json") => OrgFormat::Json,
        Some("terraform" | "tf") => OrgFormat::Terraform,
        Some(other) => {
            return Err(Failure::Usage(format!(
                "unknown format {other:?}{}: expected text, json or terraform",
                ddorg_core::suggest::did_you_mean(other, ["text", "json", "terraform"])
            )))
        }
    };
    if json && f != OrgFormat::Json {
        return Err(Failure::Usage(format!(
            "--json selects the JSON output (--format json) and does not go with --format {}: \
             give one of them",
            format.unwrap_or_default()
        )));
    }
    Ok(f)
}

/// `ddorg org get <PUBLIC_ID>`.
pub fn org_get(inv: &Invocation) -> Result<u8, Failure> {
    let format = org_format(inv.value("--format"), inv.opts.json)?;
    let public_id = inv.arg(0).unwrap_or_default();
    let resp = client(&inv.opts)?.get_org(public_id)?;
    match format {
        OrgFormat::Json => print_json(resp.value()),
        OrgFormat::Terraform => {
            print!("{}", ddorg_audit::org_terraform(resp.value(), public_id));
            print_rate_limit(resp.rate_limit());
        }
        OrgFormat::Text => {
            print!("{}", render::org(&resp));
            print_rate_limit(resp.rate_limit());
        }
    }
    Ok(0)
}

/// `ddorg org list`.
pub fn org_list(inv: &Invocation) -> Result<u8, Failure> {
    let resp = client(&inv.opts)?.list_orgs()?;
    if inv.opts.json {
        print_json(resp.value());
    } else {
        print!("{}", render::org_list(&resp));
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
    let options_topic = words == [crate::spec::OPTIONS_TOPIC];
    if !words.is_empty() && !options_topic && crate::spec::commands_under(&words).is_empty() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_get_formats_and_json_agree_or_are_refused() {
        assert_eq!(org_format(None, false).unwrap(), OrgFormat::Text);
        assert_eq!(org_format(None, true).unwrap(), OrgFormat::Json);
        assert_eq!(org_format(Some("json"), true).unwrap(), OrgFormat::Json);
        assert_eq!(
            org_format(Some("terraform"), false).unwrap(),
            OrgFormat::Terraform
        );
        assert!(matches!(
            org_format(Some("terraform"), true),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            org_format(Some("xml"), false),
            Err(Failure::Usage(_))
        ));
    }
}
