"""Posture audits from Python: one org, a fleet of hundreds against the fake's fleet mode (with a
403, a 404, a 429 burst and a timeout among them), the policy, every format (the JSON against
docs/audit-report.schema.json, the SARIF against the 2.1.0 structure), drift and keys."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator

import jsonschema
import pytest

import ddorg
from conftest import REPO, Fake

FLEET_SIZE = 220
RULE_IDS = [
    "DDORG-SAML-001",
    "DDORG-SAML-002",
    "DDORG-SAML-003",
    "DDORG-SAML-004",
    "DDORG-SAML-005",
    "DDORG-SAML-006",
    "DDORG-SAML-007",
    "DDORG-SAML-008",
    "DDORG-SAML-009",
    "DDORG-SAML-010",
    "DDORG-SAML-011",
    "DDORG-SAML-012",
    "DDORG-SAML-013",
    "DDORG-SHARE-001",
    "DDORG-SFDC-001",
    "DDORG-SFDC-002",
    "DDORG-SFDC-003",
]
WIDE_OPEN: dict[str, Any] = {
    "org": {
        "public_id": "abc",
        "settings": {
            "private_widget_share": True,
            "saml": {"enabled": True},
            "saml_autocreate_access_role": "adm",
            "saml_autocreate_users_domains": {"domains": ["gmail.com"], "enabled": True},
            "saml_can_be_enabled": True,
            "saml_idp_endpoint": "https://idp.example.com",
            "saml_idp_initiated_login": {"enabled": False},
            "saml_idp_metadata_uploaded": True,
            "saml_strict_mode": {"enabled": True},
        },
    }
}


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(name).read_text())
    return loaded


REPORT_SCHEMA = schema(str(REPO / "docs" / "audit-report.schema.json"))
# The official SARIF 2.1.0 schema, as @microsoft/sarif-multitool ships it (tests/schemas/NOTICE.md).
SARIF_SCHEMA = schema(str(REPO / "tests" / "schemas" / "sarif-2.1.0.schema.json"))


def check_report_schema(report: ddorg.AuditReport) -> None:
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report.to_dict())


def check_sarif(report: ddorg.AuditReport) -> dict[str, Any]:
    sarif: dict[str, Any] = json.loads(report.to_sarif())
    jsonschema.Draft202012Validator(SARIF_SCHEMA).validate(sarif)
    return sarif


class FleetFake:
    def __init__(self, path: Path, keys: list[str]) -> None:
        self.path = path
        self.keys = keys


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetFake]:
    """A ddorg-fake in fleet mode with faults, and the fleet file it wrote."""
    binary = os.environ.get("DDORG_FAKE_BIN", str(REPO / "target" / "debug" / "ddorg-fake"))
    path = tmp_path_factory.mktemp("fleet") / "fleet.toml"
    proc = subprocess.Popen(
        [binary, "--exit-on-eof", "--fleet", str(FLEET_SIZE), "--fleet-faults"]
        + ["--write-fleet", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    keys = [p.read_text().strip() for p in (path.parent / "fleet-keys").iterdir()]
    assert len(keys) == 2 * FLEET_SIZE
    try:
        yield FleetFake(path, keys)
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_one_org_reports_findings_not_evaluated_and_passed(client: ddorg.Client) -> None:
    report = ddorg.audit(client, "abcdef12345")
    assert isinstance(report, ddorg.AuditReport)
    assert report.version == 1 and report.exit_code == 0
    org = report.orgs[0]
    assert (org.name, org.public_id, org.status, org.error) == (
        "abcdef12345",
        "abcdef12345",
        "audited",
        None,
    )
    assert org.site is None and org.base_url == client.base_url
    assert "DDORG-SAML-001" in org.passed
    reasons = {n.rule: n.reason for n in org.not_evaluated}
    assert "SAML is off" in reasons["DDORG-SAML-002"]
    # The documented example cannot enable SAML: DDORG-SAML-010 (medium) under fail_on high.
    assert [f.rule for f in org.findings] == ["DDORG-SAML-010"]
    assert set(org.passed) | set(reasons) | {"DDORG-SAML-010"} == set(RULE_IDS)
    assert report.summary.outcome == "pass"
    check_report_schema(report)


def test_findings_are_typed_with_evidence_and_fail_on_sets_the_exit_code(
    fake: Fake, client: ddorg.Client
) -> None:
    fake.set_org("abc", json=WIDE_OPEN)
    report = ddorg.audit(client, "abc")
    assert report.exit_code == 1
    f = report.orgs[0].findings[0]
    assert isinstance(f, ddorg.Finding)
    assert (f.rule, f.severity) == ("DDORG-SAML-004", "critical")
    assert f.evidence["settings.saml_autocreate_access_role"] == "adm"
    assert f.remediation.terraform == 'settings { saml_autocreate_access_role = "ro" }'
    assert f.reference.startswith("https://docs.datadoghq.com/")
    assert report.summary.findings["critical"] == 1 and report.summary.findings["high"] == 1
    assert ("nist-800-53", "AC-6") in {(c.framework, c.id) for c in f.controls}
    assert ddorg.audit(client, "abc", policy=ddorg.Policy(fail_on="never")).exit_code == 0
    with pytest.raises(AttributeError):
        f.rule = "x"  # type: ignore[misc]


def test_policy_takes_keywords_or_toml_and_refuses_mistakes(tmp_path: Path) -> None:
    p = ddorg.Policy(fail_on="medium", public_email_domains=["Free-Mail.example"])
    assert p.fail_on == "medium"
    assert "gmail.com" in p.public_email_domains and "free-mail.example" in p.public_email_domains
    assert p.allowed_autocreate_roles == ["ro", "st"]
    assert p.idp_metadata_expiry_warning_days == 30
    assert p.to_dict()["fail_on"] == "medium"
    assert p == ddorg.Policy.from_toml('fail_on = "medium"\npublic_email_domains = ["free-mail.example"]')
    assert "fail_on='medium'" in repr(p)
    file = tmp_path / "policy.toml"
    file.write_text('disabled_rules = ["DDORG-SHARE-001"]\n')
    assert ddorg.Policy.from_file(file).disabled_rules == ["DDORG-SHARE-001"]
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: ddorg.Policy(fail_on="severe"), "severe"),
        (lambda: ddorg.Policy(disabled_rules=["DDORG-SAML-999"]), "DDORG-SAML-999"),
        (lambda: ddorg.Policy(idp_metadata_expiry_warning_days=-1), "idp_metadata_expiry"),
        (lambda: ddorg.Policy.from_toml('fail_onn = "low"'), "fail_onn"),
        (lambda: ddorg.Policy.from_file(tmp_path / "missing.toml"), "cannot read"),
    ]
    for bad, needle in cases:
        with pytest.raises(ddorg.ConfigError, match=needle):
            bad()


def test_a_fleet_of_220_with_a_403_a_404_a_429_burst_and_a_timeout(fleet: FleetFake) -> None:
    report = ddorg.audit_fleet(fleet.path, concurrency=16)
    assert len(report.orgs) == FLEET_SIZE
    assert report.exit_code == 9
    by_name = {o.name: o for o in report.orgs}
    assert [o.name for o in report.orgs] == [f"org-{i:04}" for i in range(1, FLEET_SIZE + 1)]
    errors = {o.name: o.error.kind for o in report.orgs if o.error is not None}
    assert errors == {"org-0008": "forbidden", "org-0012": "not_found", "org-0018": "timeout"}
    assert by_name["org-0012"].error is not None and by_name["org-0012"].error.status == 404
    assert by_name["org-0014"].status == "audited"  # retried through its 429s
    sfdc = [n for n in by_name["org-0020"].not_evaluated if n.rule.startswith("DDORG-SFDC")]
    assert len(sfdc) == 3 and all("integrations_read" in n.reason for n in sfdc)
    fired = {f.rule for o in report.orgs for f in o.findings}
    passed = {p for o in report.orgs for p in o.passed}
    skipped = {n.rule for o in report.orgs for n in o.not_evaluated}
    assert fired == passed == skipped == set(RULE_IDS)
    assert report.summary.errors == 3 and report.summary.outcome == "incomplete"
    check_report_schema(report)
    sarif = check_sarif(report)
    assert [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]] == RULE_IDS
    assert len(sarif["runs"][0]["results"]) == sum(len(o.findings) for o in report.orgs)
    everything = "".join(
        [report.to_json(), report.to_sarif(), report.to_text(), report.to_markdown(), repr(report)]
    )
    assert not [k for k in fleet.keys if k in everything], "a key is in a report"


def test_drift_against_a_baseline(fake: Fake, client: ddorg.Client, tmp_path: Path) -> None:
    fake.set_org("abc", json=WIDE_OPEN)
    before = ddorg.audit(client, "abc")
    saved = tmp_path / "before.json"
    saved.write_text(before.to_json())
    changed = json.loads(json.dumps(WIDE_OPEN))
    changed["org"]["settings"]["private_widget_share"] = False
    changed["org"]["settings"]["saml_strict_mode"]["enabled"] = False
    changed["org"]["settings"]["saml_idp_metadata_valid_until"] = None
    fake.set_org("abc", json=changed)
    after = ddorg.audit(client, "abc").compare(ddorg.AuditReport.from_file(saved))
    drift = after.orgs[0].drift
    assert drift is not None and drift.in_baseline
    assert [f.rule for f in drift.new_findings] == ["DDORG-SAML-002"]
    assert [f.rule for f in drift.resolved_findings] == ["DDORG-SHARE-001"]
    valid_until = [c for c in drift.changed_settings if c.field.endswith("valid_until")][0]
    assert (valid_until.old_present, valid_until.new_present, valid_until.new) == (False, True, None)
    assert after.summary.new_findings == {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0}
    assert after.exit_code == 1  # the new high finding; the known criticals do not count
    named = after.to_dict()["baseline"]["new_findings"]
    assert [(f["org"], f["rule"], f["severity"]) for f in named] == [("abc", "DDORG-SAML-002", "high")]
    assert "  resolved  MEDIUM    DDORG-SHARE-001  " in after.to_text()
    check_report_schema(after)
    check_sarif(after)
    assert ddorg.AuditReport(after.to_json()) == after


def test_fleet_text_and_markdown_take_detail_and_show_passed(fleet: FleetFake) -> None:
    report = ddorg.audit_fleet(fleet.path, concurrency=16)
    md = report.to_markdown()
    assert md.index("## Findings by rule") < md.index("\n## org-0002\n")
    assert "\n## org-0001\n" not in md  # hardened: no finding, no error
    full = report.to_markdown(detail="full", show_passed=True)
    assert "\n## org-0001\n" in full and "<summary>Passed (" in full
    assert "\npassed: " not in report.to_text()
    assert "\npassed: " in report.to_text(show_passed=True)
    assert "== org-0001 " in report.to_text(detail="full")
    with pytest.raises(ddorg.ConfigError, match="summary or full"):
        report.to_text(detail="everything")  # type: ignore[arg-type]


def test_a_bad_fleet_file_raises_config_error_saying_why(tmp_path: Path) -> None:
    literal = tmp_path / "fleet.toml"
    literal.write_text('[[orgs]]\npublic_id = "x"\napp_key = "secret-app-key"\n')
    with pytest.raises(ddorg.ConfigError, match="keys never live in the fleet file") as e:
        ddorg.audit_fleet(literal)
    assert "secret-app-key" not in str(e.value)
    good = tmp_path / "good.toml"
    good.write_text('[[orgs]]\npublic_id = "x"\n')
    for n in (0, -1, 257):
        with pytest.raises(ddorg.ConfigError, match=f"between 1 and 256, got {n}"):
            ddorg.audit_fleet(good, concurrency=n)


def test_a_report_that_is_not_version_1_is_refused() -> None:
    with pytest.raises(ddorg.ConfigError, match="version 2"):
        ddorg.AuditReport('{"ddorg_audit": 2, "orgs": []}')
    with pytest.raises(ddorg.ConfigError):
        ddorg.AuditReport("[]")


def test_policy_exceptions_accept_findings_until_they_expire(
    fake: Fake, client: ddorg.Client
) -> None:
    fake.set_org("abc", json=WIDE_OPEN)
    policy = ddorg.Policy.from_toml(
        """
        allowed_jit_domains = ["example.com"]
        [[exceptions]]
        rule = "DDORG-SAML-004"
        orgs = ["ab*"]
        reason = "migration to the new IdP"
        expires = 2099-12-31
        owner = "iam-team"
        [[exceptions]]
        rule = "DDORG-SAML-005"
        orgs = ["abc"]
        reason = "contractors, until the partner domain is set up"
        expires = 2020-01-01
        """
    )
    assert policy.allowed_jit_domains == ["example.com"] and policy.allowed_idp_hosts is None
    report = ddorg.audit(client, "abc", policy=policy)
    by_rule = {f.rule: f for f in report.orgs[0].findings}
    accepted = by_rule["DDORG-SAML-004"]
    assert accepted.excepted and accepted.exception == ddorg.FindingException(
        reason="migration to the new IdP", expires="2099-12-31", owner="iam-team"
    )
    assert not by_rule["DDORG-SAML-005"].excepted  # its exception expired
    assert report.summary.excepted == 1 and report.summary.findings["critical"] == 0
    assert report.exit_code == 1  # SAML-005 (high) counts again
    assert [e.rule for e in report.expired_exceptions] == ["DDORG-SAML-005"]
    assert report.expired_exceptions[0].orgs == ("abc",)
    assert "EXCEPTED until 2099-12-31" in report.to_text()
    check_report_schema(report)
    sarif = check_sarif(report)
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["DDORG-SAML-004"]
    with pytest.raises(ddorg.ConfigError, match="`expires` is required"):
        ddorg.Policy.from_toml('[[exceptions]]\nrule = "DDORG-SAML-004"\norgs = ["a"]\nreason = "r"\n')
    kw = ddorg.Policy(allowed_idp_hosts=["Okta.com"], allowed_jit_domains=["example.com"])
    assert kw.allowed_idp_hosts == ["okta.com"]
