//! `ddorg audit`: one org (`PUBLIC_ID`) or a fleet (`--fleet FLEET.toml`), through ddorg-audit.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use ddorg_audit::{
    apply_baseline, audit_fleet, audit_managed, audit_org, render_with, Baseline, Detail, FailOn,
    Fleet, FleetOptions, Format, Policy, Progress, RenderOptions, Report,
};
use ddorg_core::{Error, ErrorKind};

use crate::options::Options;
use crate::spec::{Failure, Invocation};

/// `ddorg audit [PUBLIC_ID]` (its options are in `spec.rs`): checks the arguments, then runs.
pub fn command(inv: &Invocation) -> Result<u8, Failure> {
    let words: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    let flags: Vec<(String, String)> = inv
        .own
        .iter()
        .map(|(long, value)| (long.to_string(), value.clone().unwrap_or_default()))
        .collect();
    let args = parse(&words, &flags, inv.opts.json).map_err(Failure::Usage)?;
    Ok(run(&args, &inv.opts))
}

/// `ddorg audit`'s arguments, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditArgs {
    pub public_id: Option<String>,
    pub fleet: Option<String>,
    pub policy: Option<String>,
    pub format: Format,
    pub output: Option<String>,
    pub baseline: Option<String>,
    pub fail_on: Option<FailOn>,
    pub concurrency: usize,
    /// `--managed`: PUBLIC_ID and every org its key manages.
    pub managed: bool,
    /// `--check`: check the inputs and keys, send nothing (`audit_check.rs`).
    pub check: bool,
    /// `--detail` and `--show-passed`.
    pub render: RenderOptions,
}

/// Builds the arguments from the words after `audit`, the audit flags given anywhere and the
/// global `--json`, which selects the JSON report: `--json` is `--format json`, and `--json` with
/// another `--format` is a usage error rather than a guess at which one was meant.
pub fn parse(words: &[&str], flags: &[(String, String)], json: bool) -> Result<AuditArgs, String> {
    let mut a = AuditArgs {
        public_id: None,
        fleet: None,
        policy: None,
        format: Format::Text,
        output: None,
        baseline: None,
        fail_on: None,
        concurrency: FleetOptions::default().concurrency,
        managed: false,
        check: false,
        render: RenderOptions::default(),
    };
    let mut concurrency_set = false;
    let mut shaping = None;
    let mut format_given = None;
    for (flag, value) in flags {
        match flag.as_str() {
            "--fleet" => a.fleet = Some(value.clone()),
            "--policy" => a.policy = Some(value.clone()),
            "--output" => a.output = Some(value.clone()),
            "--baseline" => a.baseline = Some(value.clone()),
            "--check" => a.check = true,
            "--managed" => a.managed = true,
            "--format" => {
                a.format = value.parse().map_err(|e: Error| e.message().to_string())?;
                format_given = Some(value.as_str());
            }
            "--fail-on" => {
                a.fail_on = Some(value.parse().map_err(|e: Error| e.message().to_string())?)
            }
            "--concurrency" => {
                let n: usize = value
                    .parse()
                    .map_err(|_| format!("--concurrency takes a whole number, got {value:?}"))?;
                if n == 0 || n > ddorg_audit::MAX_CONCURRENCY {
                    return Err(format!(
                        "--concurrency must be between 1 and {}, got {n}",
                        ddorg_audit::MAX_CONCURRENCY
                    ));
                }
                a.concurrency = n;
                concurrency_set = true;
            }
            "--detail" => {
                let detail: Detail = value.parse().map_err(|e: Error| e.message().to_string())?;
                a.render = a.render.detail(detail);
                shaping = Some("--detail");
            }
            "--show-passed" => {
                a.render = a.render.show_passed(true);
                shaping = Some("--show-passed");
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    match (words, &a.fleet) {
        ([], Some(_)) => {}
        ([id], None) => a.public_id = Some(id.to_string()),
        ([], None) if a.managed => {
            return Err(
                "--managed needs the PUBLIC_ID of the key's own organization \
                        (`ddorg org list` lists the organizations the key sees)"
                    .into(),
            )
        }
        ([], None) => return Err("audit needs a PUBLIC_ID or --fleet FLEET.toml".into()),
        ([_], Some(_)) => return Err("audit takes a PUBLIC_ID or --fleet, not both".into()),
        (more, _) => return Err(format!("audit takes one PUBLIC_ID, got {}", more.join(" "))),
    }
    if a.managed && a.fleet.is_some() {
        return Err(
            "--managed audits the organizations PUBLIC_ID's key manages; in a fleet file, \
                    say managed = true under [defaults] or in a parent's [[orgs]] entry"
                .into(),
        );
    }
    if a.managed && a.check {
        return Err(
            "--check sends nothing, so it cannot list managed organizations: check the \
                    key with `ddorg org list` instead"
                .into(),
        );
    }
    if concurrency_set && a.fleet.is_none() && !a.managed {
        return Err("--concurrency only goes with --fleet or --managed".into());
    }
    if json {
        if let Some(other) = format_given.filter(|_| a.format != Format::Json) {
            return Err(format!(
                "--json selects the JSON report (--format json) and does not go with \
                 --format {other}: give one of them"
            ));
        }
        a.format = Format::Json;
    }
    if let Some(flag) = shaping.filter(|_| !matches!(a.format, Format::Text | Format::Markdown)) {
        return Err(format!(
            "{flag} shapes the text and markdown reports; --format {} always holds everything",
            a.format
        ));
    }
    Ok(a)
}

/// A one-line counter on stderr, rewritten in place.
fn progress_line(p: Progress) {
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\rddorg: audited {}/{} orgs ({} could not be audited)",
        p.done, p.total, p.errors
    );
    if p.done == p.total {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

/// The fleet options of a fleet or managed audit: the concurrency, and a progress line on a
/// terminal.
fn fleet_options(args: &AuditArgs) -> FleetOptions {
    let mut options = FleetOptions::default();
    options.concurrency = args.concurrency;
    if std::io::stderr().is_terminal() {
        options.on_progress = Some(Arc::new(progress_line));
    }
    options
}

fn audit(args: &AuditArgs, opts: &Options, policy: &Policy) -> Result<Report, Error> {
    let Some(path) = &args.fleet else {
        let public_id = args.public_id.as_deref().unwrap_or_default();
        let client = crate::options::client(opts)?;
        if args.managed {
            return audit_managed(&client, public_id, policy, &fleet_options(args));
        }
        return Ok(audit_org(&client, public_id, policy));
    };
    if opts.site.is_some() || opts.base_url.is_some() {
        return Err(Error::new(
            ErrorKind::Config,
            "--site and --base-url do not go with --fleet: the fleet file says where each org is",
        ));
    }
    let fleet = Fleet::from_file(Path::new(path))?;
    let configure = crate::options::configure(opts)?;
    let mut options = fleet_options(args);
    options.configure = Some(Arc::new(configure));
    audit_fleet(&fleet, policy, &options)
}

/// Runs the audit and returns the exit code: 0, 1, 2 or 9 (see `ddorg --help`).
pub fn run(args: &AuditArgs, opts: &Options) -> u8 {
    if args.check {
        return crate::audit_check::run(args, opts);
    }
    let mut policy = match &args.policy {
        Some(path) => match Policy::from_file(Path::new(path)) {
            Ok(p) => p,
            Err(e) => return crate::report::error(&e, opts.json),
        },
        None => Policy::default(),
    };
    if let Some(f) = args.fail_on {
        policy.fail_on = f;
    }
    let baseline = match &args.baseline {
        Some(path) => match Baseline::from_file(Path::new(path)) {
            Ok(b) => Some(b),
            Err(e) => return crate::report::error(&e, opts.json),
        },
        None => None,
    };
    let mut report = match audit(args, opts, &policy) {
        Ok(r) => r,
        Err(e) => return crate::report::error(&e, opts.json),
    };
    if let Some(b) = &baseline {
        apply_baseline(&mut report, b);
    }
    let text = render_with(&report, args.format, &args.render);
    let written = match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot write the report to {path}: {e}"),
            )
        }),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed stdout (`| head`) is not worth a panic; the exit code still tells.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            Ok(())
        }
    };
    if let Err(e) = written {
        return crate::report::error(&e, opts.json);
    }
    let s = &report.summary;
    // An expired exception fails silently otherwise: its findings count again. The report lists
    // it too (`expired_exceptions`), which is all --json's stderr-holds-only-JSON allows.
    if !opts.json {
        for e in &report.expired_exceptions {
            eprintln!(
                "ddorg: warning: the policy's exception for {} ({}) expired on {}: its findings count again",
                e.rule,
                e.orgs.join(", "),
                e.expires
            );
        }
    }
    // With --json, stderr holds only JSON objects (errors); the report on stdout has each org's
    // error and the count, and the exit code (9) says it too.
    if s.errors > 0 && !opts.json {
        eprintln!(
            "ddorg: {} of {} org(s) could not be audited; the report covers the rest",
            s.errors, s.orgs
        );
    }
    report.exit_code()
}

/// The demo's fleet audit: one simulated org per posture, audited through a fleet file written
/// for the fake and removed afterwards. Returns the report and each org's posture name.
pub fn demo_report() -> Result<(Report, Vec<&'static str>), Error> {
    let io = |e: std::io::Error| Error::new(ErrorKind::Network, format!("demo fleet: {e}"));
    let fake = ddorg_fake::FakeServer::start().map_err(io)?;
    let simulated = ddorg_fake::Fleet::generate(ddorg_fake::POSTURES.len());
    fake.set_fleet(&simulated);
    let dir = std::env::temp_dir().join(format!("ddorg-demo-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(io)?;
    let path = dir.join("fleet.toml");
    let written = simulated.write_fleet_file(&path, &fake.base_url());
    // Keys are read from their files when each org is audited: the directory goes afterwards.
    let report = written
        .map_err(io)
        .and_then(|()| Fleet::from_file(&path))
        .and_then(|fleet| audit_fleet(&fleet, &Policy::default(), &FleetOptions::default()));
    let _ = std::fs::remove_dir_all(&dir);
    let postures = simulated.orgs().iter().map(|o| o.posture).collect();
    Ok((report?, postures))
}

/// The demo's fleet audit as text: one line per org, then the exit code it would give.
pub fn demo_text(report: &Report, postures: &[&str]) -> String {
    let mut out = String::new();
    for (org, posture) in report.orgs.iter().zip(postures) {
        let worst = org.findings.iter().map(|f| f.severity).max();
        if let Some(e) = &org.error {
            out.push_str(&format!(
                "{:<9} could not be audited: {}\n",
                org.name, e.message
            ));
            continue;
        }
        out.push_str(&format!(
            "{:<9} {:<19} {:>2} finding(s){}, {:>2} not evaluated, {:>2} passed\n",
            org.name,
            format!("({posture})"),
            org.findings.len(),
            worst.map(|s| format!(" (worst: {s})")).unwrap_or_default(),
            org.not_evaluated.len(),
            org.passed.len()
        ));
    }
    let s = &report.summary;
    out.push_str(&format!(
        "exit code {} ({}); `ddorg audit --fleet FLEET.toml --format json|sarif|markdown` for the full report\n",
        s.exit_code,
        if s.failing_findings > 0 {
            format!("{} finding(s) at or above {}", s.failing_findings, s.fail_on)
        } else {
            "nothing at or above the threshold".into()
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn one_org_or_a_fleet() {
        let a = parse(&["abc"], &flags(&[("--format", "json")]), false).unwrap();
        assert_eq!(a.public_id.as_deref(), Some("abc"));
        assert_eq!(a.format, Format::Json);
        let a = parse(
            &[],
            &flags(&[("--fleet", "f.toml"), ("--concurrency", "32")]),
            false,
        )
        .unwrap();
        assert_eq!((a.fleet.as_deref(), a.concurrency), (Some("f.toml"), 32));
        assert_eq!(
            parse(&[], &flags(&[("--fleet", "f")]), false)
                .unwrap()
                .concurrency,
            8
        );
        let a = parse(
            &["abc"],
            &flags(&[("--managed", ""), ("--concurrency", "16")]),
            false,
        )
        .unwrap();
        assert_eq!((a.managed, a.concurrency), (true, 16));
    }

    #[test]
    fn bad_audit_usage_is_an_error() {
        assert!(parse(&[], &[], false).is_err());
        assert!(parse(&["a", "b"], &[], false).is_err());
        assert!(parse(&["a"], &flags(&[("--fleet", "f")]), false).is_err());
        assert!(parse(&["a"], &flags(&[("--concurrency", "4")]), false).is_err());
        let e = parse(&[], &flags(&[("--fleet", "f"), ("--managed", "")]), false).unwrap_err();
        assert!(e.contains("managed = true"), "{e}");
        assert!(parse(&["a"], &flags(&[("--managed", ""), ("--check", "")]), false).is_err());
        assert!(parse(&[], &flags(&[("--managed", "")]), false).is_err());
        assert!(parse(
            &[],
            &flags(&[("--fleet", "f"), ("--concurrency", "0")]),
            false
        )
        .is_err());
        assert!(parse(&["a"], &flags(&[("--format", "xml")]), false).is_err());
        assert!(parse(&["a"], &flags(&[("--fail-on", "severe")]), false).is_err());
    }

    #[test]
    fn detail_and_show_passed_shape_text_and_markdown_only() {
        let a = parse(
            &["a"],
            &flags(&[("--detail", "full"), ("--show-passed", "")]),
            false,
        )
        .unwrap();
        assert_eq!(
            a.render,
            RenderOptions::new().detail(Detail::Full).show_passed(true)
        );
        assert_eq!(
            parse(&["a"], &[], false).unwrap().render,
            RenderOptions::default()
        );
        let e = parse(&["a"], &flags(&[("--detail", "all")]), false).unwrap_err();
        assert!(e.contains("summary or full"), "{e}");
        for (format, flag) in [("json", "--show-passed"), ("sarif", "--detail")] {
            let value = if flag == "--detail" { "full" } else { "" };
            let given = flags(&[("--format", format), (flag, value)]);
            let e = parse(&["a"], &given, false).unwrap_err();
            assert!(e.contains(flag) && e.contains(format), "{e}");
        }
        assert!(parse(&["a"], &flags(&[("--detail", "full")]), true).is_err());
    }

    #[test]
    fn json_selects_the_json_report_and_refuses_another_format() {
        assert_eq!(parse(&["a"], &[], true).unwrap().format, Format::Json);
        let same = parse(&["a"], &flags(&[("--format", "json")]), true).unwrap();
        assert_eq!(same.format, Format::Json);
        for other in ["text", "sarif", "markdown"] {
            let e = parse(&["a"], &flags(&[("--format", other)]), true).unwrap_err();
            assert!(
                e.contains("--json") && e.contains(&format!("--format {other}")),
                "{e}"
            );
        }
        // Without --json the format is what --format says, text by default.
        assert_eq!(parse(&["a"], &[], false).unwrap().format, Format::Text);
    }
}
