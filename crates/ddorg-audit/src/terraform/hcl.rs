//! HCL text from server data: quoted strings, comments and resource labels that no value can
//! break out of.

use std::collections::HashSet;

/// Characters written as `\uNNNN` although HCL would take them raw: they reorder or hide text
/// in an editor or a diff (bidirectional overrides, zero-width characters, line separators).
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `s` as an HCL quoted string, quotes included. Server text is data, never a template: `${` and
/// `%{` are doubled (`$${`, `%%{`, HCL's escapes for a literal `${`/`%{`), quotes and backslashes
/// are escaped, and control characters are written as `\n`, `\r`, `\t` or `\uNNNN`.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() || invisible(c) => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a `#` comment: one line whatever the server sent (control and invisible characters
/// as `\u{..}`), so a value cannot end the comment and start HCL of its own.
pub(crate) fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest label made from an org's name (before the public ID is appended).
const MAX_NAME_PART: usize = 40;

/// `s` reduced to what a Terraform identifier may hold: lowercase ASCII letters, digits and
/// single underscores.
fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// The resource label of an org: its name and public ID as a Terraform identifier
/// (`acme_prod_abcdef12345`). A label starts with a letter (`org_` is put first otherwise), so
/// it is valid whatever the name holds; the public ID makes it unique in a fleet.
pub(crate) fn label(name: Option<&str>, public_id: &str) -> String {
    let parts: Vec<String> = [
        slug(name.unwrap_or_default(), MAX_NAME_PART),
        slug(public_id, usize::MAX),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect();
    let mut label = parts.join("_");
    if !label.starts_with(|c: char| c.is_ascii_alphabetic()) {
        label.insert_str(0, if label.is_empty() { "org" } else { "org_" });
    }
    label
}

/// Labels unique within one file: a label already taken gets `_2`, `_3`, … (two public IDs can
/// reduce to the same identifier, e.g. `ab-c` and `ab_c`).
#[derive(Default)]
pub(crate) struct Labels {
    taken: HashSet<String>,
}

impl Labels {
    /// `base`, or `base_N` with the first `N` not yet taken.
    pub(crate) fn unique(&mut self, base: String) -> String {
        let mut label = base.clone();
        let mut n = 2;
        while self.taken.contains(&label) {
            label = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(label.clone());
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_quotes_backslashes_templates_and_controls() {
        assert_eq!(string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string("${var.x} %{if}"), r#""$${var.x} %%{if}""#);
        assert_eq!(string("$$${x}"), r#""$$$${x}""#);
        assert_eq!(string("cost: 5$ 50%"), r#""cost: 5$ 50%""#);
        assert_eq!(
            string("l1\nl2\r\t\x1b[2J\u{7f}"),
            r#""l1\nl2\r\t\u001b[2J\u007f""#
        );
        assert_eq!(string("a\u{202e}b"), r#""a\u202eb""#);
        assert_eq!(string("Ünïcödé 🦀"), "\"Ünïcödé 🦀\"");
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment("x\nresource \"y\""), "x\\u{a}resource \"y\"");
        assert_eq!(comment("plain"), "plain");
    }

    #[test]
    fn labels_are_identifiers_from_name_and_public_id() {
        assert_eq!(
            label(Some("Acme Prod"), "abcdef12345"),
            "acme_prod_abcdef12345"
        );
        assert_eq!(label(Some("\"; }\n${x}"), "ab-c"), "x_ab_c");
        assert_eq!(label(Some("日本"), "1234"), "org_1234");
        assert_eq!(label(None, "--"), "org");
        let long = label(Some(&"a".repeat(100)), "id");
        assert_eq!(long, format!("{}_id", "a".repeat(40)));
    }

    #[test]
    fn taken_labels_get_a_number() {
        let mut labels = Labels::default();
        assert_eq!(labels.unique("a".into()), "a");
        assert_eq!(labels.unique("a".into()), "a_2");
        assert_eq!(labels.unique("a".into()), "a_3");
        assert_eq!(labels.unique("b".into()), "b");
    }
}
