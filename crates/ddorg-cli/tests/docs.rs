//! docs/cli.md's blocks, extracted and checked: the `ddorg --help` it quotes is the binary's,
//! its `--json` error example prints what it says (against the fake), and its shell completion
//! install commands work in an empty home directory.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{code, ddorg, stdout, Scratch};
use ddorg_fake::FakeServer;

/// The code block named `name` in the docs, without its fence, as `scripts/doc-block` prints it
/// (the one extractor every suite uses: it also fails when copies of a block differ).
fn doc_block(name: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/doc-block");
    let o = Command::new(script)
        .arg(name)
        .output()
        .expect("run scripts/doc-block");
    assert!(
        o.status.success(),
        "scripts/doc-block {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn docs_cli_md_quotes_ddorg_help() {
    let o = ddorg(None, &["--help"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        doc_block("cli:help"),
        stdout(&o),
        "docs/cli.md's `ddorg --help` differs from the binary's: paste the new output"
    );
}

/// Whether `program` runs here (`program` `probe`). One that scripts/test installs and names in
/// DDORG_TEST_SHELLS or DDORG_TEST_TOOLS must: there a missing one fails instead of skipping.
fn have_program(program: &str, probe: &[&str]) -> bool {
    let runs = Command::new(program)
        .args(probe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let required: Vec<String> = ["DDORG_TEST_SHELLS", "DDORG_TEST_TOOLS"]
        .iter()
        .map(|v| std::env::var(v).unwrap_or_default())
        .collect();
    assert!(
        runs || !required.iter().any(|r| r.split(',').any(|s| s == program)),
        "{program} is required by scripts/test but cannot run"
    );
    runs
}

/// Whether a shell runs here.
fn have(shell: &str) -> bool {
    have_program(shell, &["-c", "true"])
}

/// Runs `script` with `shell -c` in `home` as HOME, with the built `ddorg` on PATH.
fn in_home(shell: &str, home: &Path, script: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_ddorg")).parent().unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    Command::new(shell)
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("HOME", home)
        .env("PATH", path)
        .current_dir(home)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn docs_cli_md_completion_install_commands_work_in_an_empty_home() {
    let scratch = Scratch::new("completions-home");
    let home = scratch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let o = in_home(
        "bash",
        &home,
        &format!("set -e\n{}", doc_block("cli:completions")),
    );
    assert!(
        o.status.success(),
        "the commands failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    // bash: the file bash-completion loads on demand registers the completion.
    let o = in_home(
        "bash",
        &home,
        "source ~/.local/share/bash-completion/completions/ddorg && complete -p ddorg",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("ddorg"), "{}", stdout(&o));

    // zsh: ~/.zshrc puts ~/.zfunc on fpath and runs compinit, which autoloads _ddorg.
    if have("zsh") {
        let o = in_home("zsh", &home, "source ~/.zshrc && whence -w _ddorg");
        assert_eq!(
            stdout(&o).trim(),
            "_ddorg: function",
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // fish: it loads ~/.config/fish/completions/ddorg.fish by itself on the first completion.
    if have("fish") {
        let o = in_home("fish", &home, "complete -C 'ddorg org '");
        let offered: Vec<&str> = std::str::from_utf8(&o.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap_or(""))
            .collect();
        assert_eq!(
            offered,
            ["get", "list"],
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn docs_cli_md_json_error_example_prints_what_it_says() {
    if !have_program("jq", &["--version"]) {
        return;
    }
    let block = doc_block("cli:json-error");
    let fake = FakeServer::start().unwrap();
    let scratch = Scratch::new("json-error");
    let home = scratch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_ddorg")).parent().unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg(&block)
        .env_clear()
        .env("HOME", &home)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("DD_API_KEY", "docs-api-key")
        .env("DD_APP_KEY", "docs-app-key")
        .env("DDORG_BASE_URL", fake.base_url())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        "not_found\n",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The object the comment shows is the one ddorg writes.
    let quoted: String = block
        .lines()
        .skip(2)
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let quoted: serde_json::Value = serde_json::from_str(&quoted).expect("the quoted object");
    let o = ddorg(Some(&fake), &["--json", "org", "get", "abc"]);
    let written: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stderr).trim()).unwrap();
    assert_eq!(quoted, written);
}
