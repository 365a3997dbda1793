//! `ddorg`: the command line for auditing Datadog organizations.

mod args;
mod audit;
mod audit_check;
mod commands;
mod completions;
mod demo;
mod fake;
mod help;
mod logger;
mod options;
mod render;
mod report;
mod spec;

use std::process::ExitCode;

use args::{Parsed, UsageError};
use spec::Failure;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let json = args::wants_json(&argv);
    if argv.is_empty() {
        // Bare `ddorg`: the usage, on stderr, and the usage exit code (a script that forgot its
        // command should not see success).
        eprint!("{}", help::global());
        return ExitCode::from(report::USAGE_EXIT);
    }
    let inv = match args::parse(argv) {
        Ok(Parsed::Run(inv)) => *inv,
        Ok(Parsed::Help(words)) => {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            print!("{}", help::topic(&words));
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("ddorg {}", ddorg_core::VERSION);
            return ExitCode::SUCCESS;
        }
        Err(e) => return ExitCode::from(report::usage(&e, json)),
    };
    if inv.opts.verbose {
        logger::init();
    }
    match (inv.cmd.run)(&inv) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Error(e)) => ExitCode::from(report::error(&e, inv.opts.json)),
        Err(Failure::Usage(message)) => {
            let topic = inv.cmd.path.iter().map(|w| w.to_string()).collect();
            ExitCode::from(report::usage(&UsageError { message, topic }, json))
        }
    }
}
