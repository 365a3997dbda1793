//! `ddorg`: the command line for auditing Datadog organizations.

mod args;
mod audit;
mod demo;
mod logger;
mod render;

use std::io::Write;
use std::process::ExitCode;

use ddorg_core::{limits, Client, ClientBuilder, Error, ErrorKind, RateLimit};

use args::{Command, Options};

/// The exit code for each error kind: one exhaustive match, so a new kind cannot be forgotten.
/// These numbers are a public contract that scripts rely on.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Config | ErrorKind::InvalidArgument => 2,
        ErrorKind::BadRequest
        | ErrorKind::Unauthorized
        | ErrorKind::Forbidden
        | ErrorKind::NotFound
        | ErrorKind::UnexpectedStatus => 3,
        ErrorKind::RateLimited => 4,
        ErrorKind::Server => 5,
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Tls => 6,
        ErrorKind::Decode | ErrorKind::ResponseTooLarge => 7,
        ErrorKind::__NonExhaustive(never) => match never {},
    }
}

/// The one line an error prints: kind, message (status and Datadog's errors), attempts.
pub fn error_line(e: &Error) -> String {
    let mut line = format!("ddorg: error ({}): {}", e.kind(), e.message());
    if e.attempts() > 1 {
        line.push_str(&format!(" (after {} attempts)", e.attempts()));
    }
    if let Some(reset) = e.rate_limit().and_then(|r| r.reset) {
        if e.kind() == ErrorKind::RateLimited {
            line.push_str(&format!(" (limit resets in {reset}s)"));
        }
    }
    line
}

/// A client from the environment, with the command line's options on top.
pub fn client(opts: &Options) -> Result<Client, Error> {
    let mut b = ClientBuilder::from_env();
    if let Some(site) = &opts.site {
        b = b.site(site.parse()?);
    }
    if let Some(url) = &opts.base_url {
        b = b.base_url(url);
    }
    configure(opts)?(b).build()
}

/// The command line's client options (all but where to connect), to apply to any builder: the
/// one client of `org get`, or each organization's in a fleet audit. Every value is checked by
/// the core (`limits` here, the rest in `build`), so a bad one is the same error as in any
/// language.
pub fn configure(
    opts: &Options,
) -> Result<impl Fn(ClientBuilder) -> ClientBuilder + Send + Sync + 'static, Error> {
    let timeout = opts.timeout.map(limits::timeout_from_secs).transpose()?;
    let connect_timeout = opts
        .connect_timeout
        .map(limits::connect_timeout_from_secs)
        .transpose()?;
    let (max_retries, max_body_size) = (opts.max_retries, opts.max_body_size);
    let user_agent = opts.user_agent.clone();
    let tokens = opts.append_user_agent.clone();
    let tls_roots = opts
        .tls_roots
        .as_deref()
        .map(str::parse::<ddorg_core::TlsRoots>)
        .transpose()?;
    let ca_bundle = opts.ca_bundle.clone();
    Ok(move |mut b: ClientBuilder| {
        b = b.user_agent(concat!("ddorg-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(t) = timeout {
            b = b.timeout(t);
        }
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(bytes) = max_body_size {
            b = b.max_body_size(bytes);
        }
        if let Some(ua) = &user_agent {
            b = b.user_agent(ua.as_str());
        }
        for token in &tokens {
            b = b.append_user_agent(token.as_str());
        }
        if let Some(path) = &ca_bundle {
            b = b.ca_bundle(path);
        }
        if let Some(roots) = tls_roots {
            b = b.tls_roots(roots);
        }
        b
    })
}

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

fn run(command: Command, opts: &Options) -> Result<(), Error> {
    match command {
        Command::OrgGet { public_id } => {
            let resp = client(opts)?.get_org(&public_id)?;
            if opts.json {
                print_json(resp.value());
            } else {
                print!("{}", render::org(&resp));
                print_rate_limit(resp.rate_limit());
            }
        }
        Command::SalesforceList => {
            let resp = client(opts)?.list_salesforce_organizations()?;
            if opts.json {
                print_json(resp.value());
            } else {
                print!("{}", render::salesforce(&resp));
                print_rate_limit(resp.rate_limit());
            }
        }
        Command::Demo { public_id } => demo::run(opts, public_id.as_deref())?,
        // Handled in `main`: an audit has exit codes of its own.
        Command::Audit(_) => {}
        Command::Help => print!("{}", args::usage()),
        Command::Version => println!("ddorg {}", ddorg_core::VERSION),
    }
    Ok(())
}

fn main() -> ExitCode {
    let (command, opts) = match args::parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("ddorg: usage error: {msg}\nRun `ddorg --help` for usage.");
            return ExitCode::from(2);
        }
    };
    if opts.verbose {
        logger::init();
    }
    if let Command::Audit(args) = &command {
        return ExitCode::from(audit::run(args, &opts));
    }
    match run(command, &opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", error_line(&e));
            ExitCode::from(exit_code(e.kind()))
        }
    }
}
