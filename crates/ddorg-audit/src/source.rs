//! Where an org is defined: the fleet file (as a relative path) and the line of its `[[orgs]]`
//! table, for error messages (`fleet.toml:12: …`) and for the SARIF physical locations that
//! code-scanning dashboards require.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

/// The fleet file and line an org of the report comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SourceLocation {
    /// The fleet file as given, relative to the working directory and `/`-separated, never
    /// absolute (see [`Fleet::path`](crate::Fleet::path)).
    pub path: String,
    /// The line (from 1) of the org's `[[orgs]]` table header.
    pub line: u32,
}

impl SourceLocation {
    /// A location in `path` (already a report path) at `line`.
    pub fn new(path: impl Into<String>, line: u32) -> SourceLocation {
        SourceLocation {
            path: path.into(),
            line,
        }
    }
}

/// The path a report names a fleet file by: relative and `/`-separated, because reports are
/// read on other machines (a CI runner's absolute checkout path means nothing in a dashboard,
/// and GitHub code scanning refuses absolute URIs). A relative path is kept as given (without
/// `./`); an absolute one is made relative to the working directory when it is inside it, and
/// is otherwise reduced to its file name.
pub(crate) fn report_path(path: &Path) -> String {
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.file_name().map(Into::into).unwrap_or_default())
    } else {
        path.to_path_buf()
    };
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The line (from 1) and column (from 1, in characters) of a byte offset of `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// The line of the `[[name]]` header that opens the table holding byte `offset`, found by
/// walking back from it; the offset's own line when there is none (an inline table).
pub(crate) fn table_line(text: &str, offset: usize, name: &str) -> u32 {
    let (line, _) = line_col(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let own = usize::try_from(line).unwrap_or(usize::MAX);
    for i in (0..own.min(lines.len())).rev() {
        let l = lines[i].trim_start();
        if is_header(l, name, true) {
            return u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        // Another table's header first: the offset is not in a `[[name]]` table.
        if i + 1 < own && l.starts_with('[') && !is_header(l, name, true) {
            break;
        }
    }
    line
}

/// Whether `line` (trimmed at the start) is the header `[name]`, or `[[name]]` with `array`.
fn is_header(line: &str, name: &str, array: bool) -> bool {
    let (open, close) = if array { ("[[", "]]") } else { ("[", "]") };
    line.strip_prefix(open)
        .and_then(|rest| rest.split_once(close))
        .is_some_and(|(inner, _)| inner.trim() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one() {
        let text = "a = 1\n[[orgs]]\npublic_id = \"é\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, text.len()), (4, 1));
        assert_eq!(table_line(text, text.find("public_id").unwrap(), "orgs"), 2);
        assert_eq!(table_line(text, 0, "orgs"), 1);
    }

    #[test]
    fn report_paths_are_relative_and_slash_separated() {
        assert_eq!(
            report_path(Path::new("./fleets/prod.toml")),
            "fleets/prod.toml"
        );
        assert_eq!(report_path(Path::new("fleet.toml")), "fleet.toml");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(report_path(&cwd.join("a").join("f.toml")), "a/f.toml");
        assert_eq!(report_path(Path::new("/nowhere-else/x/f.toml")), "f.toml");
    }
}
