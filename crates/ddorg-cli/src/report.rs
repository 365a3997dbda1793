//! How a failed command reports itself: one line of text, or with `--json` one JSON object, on
//! stderr. The exit code is the same either way.

use ddorg_core::{Error, ErrorKind};
use serde::Serialize;

use crate::args::UsageError;
use crate::help;

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

/// The exit code of a usage error.
pub const USAGE_EXIT: u8 = 2;

/// The error's message as the CLI words it: the attempt count follows once a request was sent,
/// and the overall deadline is named by the flag that sets it.
pub fn message(e: &Error) -> String {
    let line = e.message_with_attempts();
    match e.deadline() {
        Some(_) => line.replacen("(the overall deadline)", "(the --timeout deadline)", 1),
        None => line,
    }
}

/// The one line a failed call prints: kind, message, attempts, and when a rate limit resets.
pub fn error_line(e: &Error) -> String {
    let mut line = format!("ddorg: error ({}): {}", e.kind(), message(e));
    if let Some(reset) = e.rate_limit().and_then(|r| r.reset) {
        if e.kind() == ErrorKind::RateLimited {
            line.push_str(&format!(" (limit resets in {reset}s)"));
        }
    }
    line
}

/// The `--json` form of an error: what `jq` sees on stderr.
#[derive(Serialize)]
pub struct JsonError<'a> {
    /// The core's error kind (`"not_found"`), or `"usage"` for a command-line mistake.
    pub kind: &'a str,
    pub status: Option<u16>,
    pub errors: &'a [String],
    pub attempts: u32,
    pub rate_limit: Option<&'a ddorg_core::RateLimit>,
    pub message: String,
}

fn print_json(err: &JsonError<'_>) {
    // Serializing plain strings and numbers cannot fail.
    eprintln!("{}", serde_json::to_string(err).unwrap_or_default());
}

/// The `--json` form of a failed call's error.
pub fn json_error(e: &Error) -> JsonError<'_> {
    JsonError {
        kind: e.kind().as_str(),
        status: e.status(),
        errors: e.errors(),
        attempts: e.attempts(),
        rate_limit: e.rate_limit(),
        message: message(e),
    }
}

/// Prints a failed call's error in the asked format and returns its exit code.
pub fn error(e: &Error, json: bool) -> u8 {
    if json {
        print_json(&json_error(e));
    } else {
        eprintln!("{}", error_line(e));
    }
    exit_code(e.kind())
}

/// Prints a usage error, with the usage of the command it concerns, and returns exit code 2.
pub fn usage(e: &UsageError, json: bool) -> u8 {
    let topic: Vec<&str> = e.topic.iter().map(String::as_str).collect();
    if json {
        print_json(&JsonError {
            kind: "usage",
            status: None,
            errors: &[],
            attempts: 0,
            rate_limit: None,
            message: e.message.clone(),
        });
    } else {
        eprintln!(
            "ddorg: usage error: {}\n\n{}",
            e.message,
            help::short_usage(&topic).trim_end()
        );
    }
    USAGE_EXIT
}
