//! `ddorg audit --check`: the fleet (or the one org's keys and options), the policy and the
//! baseline checked as the audit would use them, every key read, and no request sent.

use std::path::Path;

use ddorg_audit::{check_fleet, Baseline, Fleet, Policy, EXIT_OK, EXIT_USAGE};
use ddorg_core::Error;
use serde_json::json;

use crate::audit::AuditArgs;
use crate::options::Options;

/// What was checked, one line each, and what is wrong.
#[derive(Default)]
struct Checked {
    lines: Vec<String>,
    problems: Vec<String>,
}

impl Checked {
    fn file<T>(
        &mut self,
        what: &str,
        path: Option<&str>,
        read: impl Fn(&Path) -> Result<T, Error>,
    ) {
        let Some(path) = path else {
            return;
        };
        match read(Path::new(path)) {
            Ok(_) => self.lines.push(format!("{what} {path}: ok")),
            Err(e) => self.problems.push(e.message().to_string()),
        }
    }
}

fn check(args: &AuditArgs, opts: &Options) -> Checked {
    let mut c = Checked::default();
    c.file("policy", args.policy.as_deref(), Policy::from_file);
    if args.policy.is_none() {
        c.lines.push("policy: the built-in policy".into());
    }
    c.file("baseline", args.baseline.as_deref(), Baseline::from_file);
    let Some(path) = &args.fleet else {
        let id = args.public_id.as_deref().unwrap_or_default();
        match crate::options::client(opts) {
            Ok(_) => c.lines.push(format!(
                "org {id}: keys (DD_API_KEY, DD_APP_KEY) and client options: ok"
            )),
            Err(e) => c.problems.push(format!("org {id}: {}", e.message())),
        }
        return c;
    };
    if opts.site.is_some() || opts.base_url.is_some() {
        c.problems.push(
            "--site and --base-url do not go with --fleet: the fleet file says where each org is"
                .into(),
        );
    }
    let fleet = match Fleet::from_file(Path::new(path)) {
        Ok(f) => f,
        Err(e) => {
            c.problems.push(e.message().to_string());
            return c;
        }
    };
    let configure = match crate::options::configure(opts) {
        Ok(f) => f,
        Err(e) => {
            c.problems.push(e.message().to_string());
            return c;
        }
    };
    let problems = check_fleet(&fleet, Some(&configure));
    let n = fleet.orgs().len();
    c.lines.push(format!(
        "fleet {path}: {n} org(s); keys and client settings of {} ok",
        n - problems.len()
    ));
    for p in problems {
        let at = p.line.map(|l| format!("{path}:{l}: ")).unwrap_or_default();
        c.problems.push(format!("{at}{}: {}", p.name, p.message));
    }
    c
}

/// Runs the check, prints what was checked (with `--json`, one JSON object on stdout) and
/// returns 0 when everything is ready, else the usage/configuration exit code 2.
pub fn run(args: &AuditArgs, opts: &Options) -> u8 {
    let c = check(args, opts);
    let ok = c.problems.is_empty();
    if opts.json {
        let out = json!({"ok": ok, "checked": c.lines, "problems": c.problems});
        println!("{out}");
    } else {
        for line in &c.lines {
            println!("ddorg: checked {line}");
        }
        for p in &c.problems {
            println!("ddorg: problem: {p}");
        }
        println!(
            "ddorg: {}; no request was sent",
            if ok {
                "ready to audit".to_string()
            } else {
                format!("{} problem(s)", c.problems.len())
            }
        );
    }
    if ok {
        EXIT_OK
    } else {
        // The exit code of a configuration error of the audit itself.
        EXIT_USAGE
    }
}
