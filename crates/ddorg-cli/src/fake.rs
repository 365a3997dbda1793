//! `ddorg fake`: the fake Datadog of `ddorg-fake`, shipped in the CLI so the quick starts and the
//! audit can be tried from a release tarball. Its options are parsed by the fake's own parser
//! (`ddorg_fake::cli`), so `ddorg fake` and `ddorg-fake` accept the same values.

use ddorg_fake::cli;

use crate::spec::{Failure, Invocation};

pub fn run(inv: &Invocation) -> Result<u8, Failure> {
    let mut words = Vec::new();
    for (long, value) in &inv.own {
        words.push(long.to_string());
        words.extend(value.clone());
    }
    let opts = match cli::parse_args(words.into_iter()) {
        Ok(Some(opts)) => opts,
        // `--help` is a global option, answered before any command runs; not one of these words.
        Ok(None) => {
            print!("{}", crate::help::command(inv.cmd));
            return Ok(0);
        }
        Err(message) => return Err(Failure::Usage(message)),
    };
    Ok(cli::serve("ddorg fake", &opts, |server| {
        eprint!("{}", cli::try_it(server, &opts));
    }))
}
