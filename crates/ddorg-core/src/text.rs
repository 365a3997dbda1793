//! Text from a server made safe for a person to read: control characters escaped visibly, error
//! lines bounded. The one home of this rule: messages, logs and the CLI's human output use it.

use std::borrow::Cow;
use std::fmt::Write;

/// How many of Datadog's messages an error's one-line message quotes before "and N more".
pub const MAX_MESSAGES_IN_LINE: usize = 3;

/// How many characters of one of Datadog's messages that line quotes before `…`.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// How many characters an error's one-line message holds at most before `…`.
pub const MAX_LINE_CHARS: usize = 2048;

/// Whether `c` must not reach a terminal or a log as it is: the C0 and C1 controls and DEL (ESC
/// starts ANSI and OSC sequences that recolour, retitle or clear a terminal; CR and LF forge
/// lines), the Unicode line and paragraph separators, and the bidirectional marks, overrides and
/// isolates, which reorder what a reader sees.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character that could control a terminal or break a line written visibly,
/// as a Rust-style escape: ESC becomes `\u{1b}`, LF `\u{a}`. Text without one is returned as is.
///
/// For what a person reads (messages, logs, the CLI's tables); the data itself (model fields,
/// `Error::errors`, JSON output) is never escaped.
///
/// ```
/// assert_eq!(
///     ddorg_core::escape_controls("a\x1b]0;title\x07b\r\nc"),
///     r"a\u{1b}]0;title\u{7}b\u{d}\u{a}c"
/// );
/// assert_eq!(ddorg_core::escape_controls("plain, ünïcode"), "plain, ünïcode");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` cut to `max` characters, with `…` when something was cut.
fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// One line for an error's message: escaped, and at most [`MAX_LINE_CHARS`] characters.
pub(crate) fn one_line(text: String) -> String {
    if text.chars().nth(MAX_LINE_CHARS).is_none() && !text.chars().any(needs_escape) {
        return text;
    }
    escape_controls(&truncate(&text, MAX_LINE_CHARS)).into_owned()
}

/// Datadog's messages for a one-line error message: the first [`MAX_MESSAGES_IN_LINE`], each cut
/// to [`MAX_MESSAGE_CHARS`], then `and N more`. Escaping is left to [`one_line`].
pub(crate) fn messages_in_line(messages: &[String]) -> String {
    let mut line = String::new();
    for (i, message) in messages.iter().take(MAX_MESSAGES_IN_LINE).enumerate() {
        if i > 0 {
            line.push_str("; ");
        }
        line.push_str(&truncate(message, MAX_MESSAGE_CHARS));
    }
    if let Some(more) = messages
        .len()
        .checked_sub(MAX_MESSAGES_IN_LINE)
        .filter(|n| *n > 0)
    {
        let _ = write!(line, "; and {more} more");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_terminal_control_is_escaped_and_nothing_else() {
        for (raw, shown) in [
            ("\x1b[2J\x1b]0;pwned\x07", r"\u{1b}[2J\u{1b}]0;pwned\u{7}"),
            ("line\r\nddorg: success", r"line\u{d}\u{a}ddorg: success"),
            (
                "\u{9b}31m C1 CSI, \x7f DEL, \0 NUL, \t tab",
                r"\u{9b}31m C1 CSI, \u{7f} DEL, \u{0} NUL, \u{9} tab",
            ),
            ("\u{202e}txt.exe \u{2028}", r"\u{202e}txt.exe \u{2028}"),
        ] {
            assert_eq!(escape_controls(raw), shown);
        }
        assert!(matches!(
            escape_controls("Ünïcödé, 日本, emoji 🙂"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_thousand_messages_make_a_short_line() {
        let messages: Vec<String> = (0..1000).map(|i| format!("message {i}")).collect();
        let line = messages_in_line(&messages);
        assert_eq!(line, "message 0; message 1; message 2; and 997 more");
        let long = vec!["x".repeat(10_000)];
        assert_eq!(
            messages_in_line(&long).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
        assert_eq!(
            one_line("y".repeat(100_000)).chars().count(),
            MAX_LINE_CHARS + 1
        );
    }
}
