"""Managed audits from Python: ``ddorg.audit(..., managed=True)`` and ``managed = true`` in a
fleet file audit every org a parent's key manages through that key, name the key's org in
``OrgAudit.via``, and read the Salesforce list (the key's org's) for the key's org only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

import ddorg
from conftest import REPO, Fake
from test_audit import check_report_schema, check_sarif

SALESFORCE = "/api/v2/integration/salesforce-incidents/organizations"
BELONGS = "the Salesforce list belongs to the key's org"


def sfdc_reasons(org: ddorg.OrgAudit) -> list[str]:
    return [n.reason for n in org.not_evaluated if n.rule.startswith("DDORG-SFDC-")]


def test_managed_audits_the_key_org_then_every_org_it_manages(
    fake: Fake, client: ddorg.Client
) -> None:
    fake.set_orgs(
        [
            {"public_id": "parent1", "name": "Parent"},
            {"public_id": "child01", "name": "Child one"},
            {"public_id": "child02", "name": "Parent"},
            {"public_id": "child03", "name": None},
        ]
    )
    report = ddorg.audit(client, "parent1", managed=True, concurrency=2)
    assert [o.name for o in report.orgs] == ["parent1", "Child one", "Parent", "child03"]
    assert report.orgs[0].via is None
    assert not any(BELONGS in r for r in sfdc_reasons(report.orgs[0]))
    for org in report.orgs[1:]:
        assert org.via == ddorg.Via(name="parent1", public_id="parent1")
        reasons = sfdc_reasons(org)
        assert reasons and all(BELONGS in r for r in reasons), reasons
        assert not any(f.rule.startswith("DDORG-SFDC-") for f in org.findings)
    paths = [r["path"] for r in fake.requests()]
    assert paths[0] == "/api/v1/org"
    assert paths.count(SALESFORCE) == 1
    assert len(paths) == 1 + 4 + 1
    check_report_schema(report)
    check_sarif(report)
    assert "through the key of parent1 (public ID parent1)" in report.to_text(detail="full")


def test_without_managed_only_the_org_is_audited(fake: Fake, client: ddorg.Client) -> None:
    fake.set_orgs([{"public_id": "parent1", "name": "P"}, {"public_id": "child01", "name": "C"}])
    report = ddorg.audit(client, "parent1")
    assert [o.name for o in report.orgs] == ["parent1"]
    assert "/api/v1/org" not in [r["path"] for r in fake.requests()]


def test_a_list_the_key_may_not_read_is_an_error_in_the_report(
    fake: Fake, client: ddorg.Client
) -> None:
    fake.enqueue(status=403, errors=["Forbidden"])
    report = ddorg.audit(client, "abcdef12345", managed=True)
    assert len(report.orgs) == 1
    err = report.orgs[0].error
    assert err is not None and (err.kind, err.status, err.call) == ("forbidden", 403, "list_orgs")
    assert report.orgs[0].passed, "its own findings are kept"
    assert report.exit_code == 9


def test_bad_managed_arguments_raise(fake: Fake, client: ddorg.Client) -> None:
    with pytest.raises(ddorg.ConfigError, match="between 1 and 256"):
        ddorg.audit(client, "abc", managed=True, concurrency=0)
    with pytest.raises(ddorg.InvalidArgumentError):
        ddorg.audit(client, "", managed=True)
    with pytest.raises(TypeError):
        ddorg.audit(client, "abc", None, True)  # type: ignore[call-arg]
    assert fake.requests() == []


@pytest.fixture
def parent_fleet(tmp_path: Path) -> Iterator[Path]:
    """A ddorg-fake in fleet mode (6 orgs) and a fleet file of its first org, the parent, alone,
    with ``managed = true``."""
    binary = os.environ.get("DDORG_FAKE_BIN", str(REPO / "target" / "debug" / "ddorg-fake"))
    generated = tmp_path / "fleet.toml"
    proc = subprocess.Popen(
        [binary, "--exit-on-eof", "--fleet", "6", "--write-fleet", str(generated)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    # The generated file: [defaults] (the base URL), then one [[orgs]] table per org.
    head, first, *_ = generated.read_text().split("\n[[orgs]]\n")
    path = tmp_path / "parent.toml"
    path.write_text(f'{head}\n[[orgs]]\n{first}managed = true\ntags = ["prod"]\n')
    try:
        yield path
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_a_fleet_parent_with_managed_true_expands_to_every_managed_org(
    parent_fleet: Path,
) -> None:
    report = ddorg.audit_fleet(parent_fleet, concurrency=4)
    assert [o.name for o in report.orgs] == [f"org-{i:04}" for i in range(1, 7)]
    assert report.summary.errors == 0
    parent = report.orgs[0]
    assert parent.via is None and parent.source is not None
    for org in report.orgs[1:]:
        assert org.via == ddorg.Via(name="org-0001", public_id=parent.public_id)
        assert org.tags == ("prod",)
        assert org.source == parent.source
        assert all(BELONGS in r for r in sfdc_reasons(org))
    check_report_schema(report)
    sarif = check_sarif(report)
    vias = [
        r["properties"].get("via") for r in sarif["runs"][0]["results"] if r["properties"].get("via")
    ]
    assert vias and all(v == {"name": "org-0001", "public_id": parent.public_id} for v in vias)
