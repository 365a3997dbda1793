//! The counts the prose quotes, checked against what they count, so that README, docs/ and
//! CHANGELOG.md cannot drift from the code: the fault matrix's rows (`tests/faults.json`) and the
//! error kinds (`ErrorKind::ALL`). A page that states a count states it in one of the forms
//! below; this test finds every one and compares.

use ddorg_core::ErrorKind;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// README.md, CHANGELOG.md and every page of docs/, with their names.
fn pages() -> Vec<(String, String)> {
    let root = root();
    let mut paths = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// Every number written right before `suffix` (`193 scenarios`, `14 \`ErrorKind\`s`), with the
/// page it is on; prose line breaks inside the phrase are allowed.
fn counts_before(suffix: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (page, text) in pages() {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut rest = flat.as_str();
        while let Some(i) = rest.find(suffix) {
            let digits: String = rest[..i]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Ok(n) = digits.parse() {
                found.push((page.clone(), n));
            }
            rest = &rest[i + suffix.len()..];
        }
    }
    found
}

#[test]
fn the_fault_matrix_row_count_quoted_is_the_files() {
    let text = std::fs::read_to_string(root().join("tests/faults.json")).unwrap();
    let matrix: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = matrix["rows"].as_array().unwrap().len();
    let quoted = counts_before(" scenarios");
    assert!(!quoted.is_empty(), "no page quotes the matrix's size");
    for (page, n) in quoted {
        assert_eq!(
            n, rows,
            "{page} says {n} scenarios; tests/faults.json has {rows} rows"
        );
    }
}

#[test]
fn the_error_kind_count_quoted_is_the_enums() {
    let quoted = counts_before(" `ErrorKind`s");
    assert!(
        !quoted.is_empty(),
        "no page quotes the number of error kinds"
    );
    for (page, n) in quoted {
        assert_eq!(n, ErrorKind::ALL.len(), "{page} says {n} `ErrorKind`s");
    }
}
