//! "Did you mean …": the closest of the valid words to a mistyped one. The one home of that rule,
//! for the core's own messages (an unknown site) and the CLI's (commands, options, values).

/// The candidate closest to `word` by edit distance (insertions, deletions, substitutions and
/// swaps of neighbours, ignoring letter case), if it is close enough to be the word meant: at
/// most one edit for words of up to four letters, two up to eight, three beyond. A word of three
/// letters or more (leading dashes aside) that starts a candidate is one edit from it (`--fail`
/// for `--fail-on`). Ties go to the first candidate.
///
/// ```
/// use ddorg_core::suggest::closest;
/// let commands = ["org", "salesforce", "audit", "demo"];
/// assert_eq!(closest("adit", commands), Some("audit"));
/// assert_eq!(closest("salesfroce", commands), Some("salesforce"));
/// assert_eq!(closest("frobnicate", commands), None);
/// ```
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let allowed = match word.len() {
        0 => return None,
        1..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let c: Vec<char> = candidate.to_lowercase().chars().collect();
        let letters = word.iter().skip_while(|&&ch| ch == '-').count();
        let d = if letters >= 3 && c.starts_with(&word) {
            1
        } else {
            distance(&word, &c)
        };
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean X?)"` for the closest candidate, or nothing: the suffix every message uses.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean {c}?)"))
        .unwrap_or_default()
}

/// The optimal string alignment distance: Levenshtein plus the swap of two neighbours (`teh`).
fn distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * width + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_are_suggested_and_far_ones_are_not() {
        let opts = ["--site", "--format", "--fail-on", "--timeout", "--json"];
        assert_eq!(closest("--sitee", opts), Some("--site"));
        assert_eq!(closest("--fromat", opts), Some("--format"));
        assert_eq!(closest("--form", opts), Some("--format"));
        assert_eq!(closest("--fail", opts), Some("--fail-on"));
        assert_eq!(closest("--TIMEOUT", opts), Some("--timeout"));
        assert_eq!(closest("--verbose", opts), None);
        assert_eq!(closest("", opts), None);
        assert_eq!(closest("gte", ["get", "list"]), Some("get"));
        assert_eq!(closest("x", ["get", "list"]), None);
        assert_eq!(
            did_you_mean("lsit", ["get", "list"]),
            " (did you mean list?)"
        );
        assert_eq!(did_you_mean("delete", ["get", "list"]), "");
    }

    #[test]
    fn distance_counts_edits_and_swaps() {
        let d = |a: &str, b: &str| {
            distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("teh", "the"), 1);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("same", "same"), 0);
    }
}
