//! `ddorg-fake`: runs the fake Datadog server as a process, for tests in
//! other languages and for demos. Prints `PORT <n>` once listening.

use std::process::ExitCode;

use ddorg_fake::cli;

fn main() -> ExitCode {
    match cli::parse_args(std::env::args().skip(1)) {
        Ok(Some(opts)) => ExitCode::from(cli::serve("ddorg-fake", &opts, |_| {})),
        Ok(None) => {
            print!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ddorg-fake: {e}\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
    }
}
