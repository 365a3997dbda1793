"""Fleet hygiene from Python: ``ddorg.check_fleet`` (keys checked, nothing sent), key files
others can read refused with the chmod fix, errors naming the fleet file's line, each org's
``source`` in the report, and severities in any letter case."""

from __future__ import annotations

from pathlib import Path

import pytest

import ddorg


def write_fleet(tmp_path: Path, key_mode: int) -> Path:
    """Two orgs on a port nothing listens on: one with a key file of mode `key_mode`, one whose
    key variable is not set."""
    key = tmp_path / "app-key"
    key.write_text("fleet-check-key-0123\n")
    key.chmod(key_mode)
    path = tmp_path / "fleet.toml"
    path.write_text(
        "[defaults]\n"
        'base_url = "http://127.0.0.1:9"\n'
        'api_key_env = "DDORG_PY_FLEET_CHECK_SET"\n'
        'app_key_file = "app-key"\n'
        "\n"
        "[[orgs]]\n"
        'name = "files"\n'
        'public_id = "abc"\n'
        "\n"
        "[[orgs]]\n"
        'name = "unset"\n'
        'public_id = "def"\n'
        'api_key_env = "DDORG_PY_FLEET_CHECK_UNSET"\n'
    )
    return path


def test_check_fleet_lists_the_orgs_that_would_fail_with_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DDORG_PY_FLEET_CHECK_SET", "fleet-check-key-4567")
    problems = ddorg.check_fleet(write_fleet(tmp_path, 0o600))
    assert [(p.name, p.line) for p in problems] == [("unset", 10)]
    assert "DDORG_PY_FLEET_CHECK_UNSET is not set" in problems[0].message


def test_a_key_file_others_can_read_is_refused_with_the_chmod_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DDORG_PY_FLEET_CHECK_SET", "fleet-check-key-4567")
    problems = ddorg.check_fleet(write_fleet(tmp_path, 0o644))
    assert [p.name for p in problems] == ["files", "unset"]
    message = problems[0].message
    assert "mode 0644" in message and f"chmod 600 {tmp_path / 'app-key'}" in message
    assert "fleet-check-key" not in repr(problems), "never a key"


def test_a_bad_fleet_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text('[[orgs]]\npublic_id = "abc"\n\n[[orgs]]\npublic_id = "abc"\n')
    with pytest.raises(ddorg.ConfigError, match=r"fleet.toml:4: .*also at line 1"):
        ddorg.check_fleet(path)


def test_reports_record_each_orgs_line_of_the_fleet_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DDORG_PY_FLEET_CHECK_SET", "fleet-check-key-4567")
    write_fleet(tmp_path, 0o600)
    report = ddorg.audit_fleet("fleet.toml")
    assert [o.source for o in report.orgs] == [
        ddorg.SourceLocation(path="fleet.toml", line=6),
        ddorg.SourceLocation(path="fleet.toml", line=10),
    ]


def test_severities_are_accepted_in_any_letter_case() -> None:
    assert ddorg.Policy(fail_on="HIGH").fail_on == "high"
    assert ddorg.Policy.from_toml('fail_on = "Never"').fail_on == "never"
