//! Fleet files as their authors meet them: errors that name the file's line, the line of every
//! org recorded for the reports, duplicate public IDs, Datadog's site names.

use std::path::{Path, PathBuf};

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, Policy, SourceLocation};
use ddorg_core::{ErrorKind, Site};

/// A scratch directory of this test process, with `fleet.toml` holding `text`.
fn fleet_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddorg-fleet-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fleet.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn error_of(path: &Path) -> String {
    let e = Fleet::from_file(path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.message().contains('\n'), "one line: {e}");
    e.message().to_string()
}

const THREE_ORGS: &str = "\
# three orgs
[defaults]
site = \"EU1\"

[[orgs]]
name = \"a\"
public_id = \"id-a\"

  [[ orgs ]]   # indented, spaced and commented
name = \"b\"
public_id = \"id-b\"
site = \"us3\"

[[orgs]]
public_id = \"id-c\"
site = \"US1-FED\"
";

#[test]
fn every_org_records_the_line_of_its_table() {
    let fleet = Fleet::from_toml_str(THREE_ORGS, Path::new(".")).unwrap();
    let lines: Vec<_> = fleet.orgs().iter().map(|o| o.line).collect();
    assert_eq!(lines, [Some(5), Some(9), Some(14)]);
    assert_eq!(fleet.path(), None, "no file, no path");
}

#[test]
fn site_names_are_accepted_in_any_case() {
    let fleet = Fleet::from_toml_str(THREE_ORGS, Path::new(".")).unwrap();
    let sites: Vec<_> = fleet.orgs().iter().map(|o| o.site).collect();
    assert_eq!(sites, [Some(Site::Eu1), Some(Site::Us3), Some(Site::Gov)]);
}

#[test]
fn errors_name_the_file_and_the_line_of_the_org() {
    let path = fleet_file(
        "site",
        "[[orgs]]\npublic_id = \"ok\"\n\n[[orgs]]\nname = \"bad\"\npublic_id = \"x\"\nsite = \"mars\"\n",
    );
    let m = error_of(&path);
    let expected = format!(
        "{}:4: [[orgs]] (\"bad\"): unknown Datadog site",
        path.display()
    );
    assert!(m.starts_with(&expected), "{m}");
    assert!(!m.contains("orgs[1]"), "{m}");
}

#[test]
fn a_public_id_twice_is_an_error_naming_both_lines() {
    let path = fleet_file(
        "dup",
        "[[orgs]]\nname = \"first\"\npublic_id = \"abc\"\n\n[[orgs]]\nname = \"second\"\npublic_id = \" abc \"\n",
    );
    let m = error_of(&path);
    assert!(m.starts_with(&format!("{}:5: ", path.display())), "{m}");
    assert!(m.contains("the public ID \"abc\" is also at line 1"), "{m}");
}

#[test]
fn a_name_twice_names_both_lines_too() {
    let text =
        "[[orgs]]\nname = \"n\"\npublic_id = \"a\"\n[[orgs]]\nname = \"n\"\npublic_id = \"b\"\n";
    let m = Fleet::from_toml_str(text, Path::new("."))
        .unwrap_err()
        .message()
        .to_string();
    assert!(m.starts_with("invalid fleet: line 4: "), "{m}");
    assert!(m.contains("also used at line 1"), "{m}");
}

#[test]
fn toml_errors_name_the_line_and_column() {
    let path = fleet_file("syntax", "[[orgs]]\npublic_id = \"a\"\nsiet = \"eu\"\n");
    let m = error_of(&path);
    assert!(m.starts_with(&format!("{}:3:1: ", path.display())), "{m}");
    assert!(m.contains("siet"), "{m}");
    let path = fleet_file(
        "defaults",
        "[defaults]\napi_key = \"k\"\n[[orgs]]\npublic_id = \"a\"\n",
    );
    let m = error_of(&path);
    assert!(
        m.starts_with(&format!("{}:1: [defaults]: ", path.display())),
        "{m}"
    );
}

#[test]
fn reports_carry_the_fleet_file_and_line_of_each_org() {
    let path = fleet_file(
        "report",
        "[defaults]\nbase_url = \"http://127.0.0.1:9\"\napi_key_env = \"DDORG_FLEET_TEST_UNSET\"\n\n[[orgs]]\npublic_id = \"a\"\n\n[[orgs]]\npublic_id = \"b\"\n",
    );
    let fleet = Fleet::from_file(&path).unwrap();
    // Absolute and outside the working directory: the file name only, never an absolute path.
    assert_eq!(fleet.path(), Some("fleet.toml"));
    let report = audit_fleet(&fleet, &Policy::default(), &FleetOptions::default()).unwrap();
    let sources: Vec<_> = report.orgs.iter().map(|o| o.source.clone()).collect();
    assert_eq!(
        sources,
        [
            Some(SourceLocation::new("fleet.toml", 5)),
            Some(SourceLocation::new("fleet.toml", 8))
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["orgs"][1]["source"],
        serde_json::json!({"path": "fleet.toml", "line": 8})
    );
}
