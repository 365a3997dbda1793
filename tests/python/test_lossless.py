"""Real response shapes (tests/fixtures) come back from `to_dict()`, `to_json()` and pickling
exactly as received: same keys, same nulls, same values."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import ddorg
from conftest import REPO, Fake

FIXTURES = REPO / "tests" / "fixtures"


def fixtures(kind: str) -> list[Path]:
    found = sorted((FIXTURES / kind).glob("*.json"))
    assert len(found) >= 2, f"fixtures missing in {FIXTURES / kind}"
    return found


@pytest.mark.parametrize("path", fixtures("org"), ids=lambda p: p.stem)
def test_every_org_fixture_comes_back_as_received(
    client: ddorg.Client, fake: Fake, path: Path
) -> None:
    received: Any = json.loads(path.read_text())
    fake.enqueue(json=received)
    resp = client.get_org("abc")
    assert resp.to_dict() == received
    assert json.loads(resp.to_json()) == received
    assert ddorg.OrganizationResponse.from_json(path.read_text()).to_dict() == received
    assert pickle.loads(pickle.dumps(resp)).to_dict() == received
    org = resp.org
    if org is not None and org.settings is not None:
        assert org.settings.to_dict() == received["org"]["settings"]


@pytest.mark.parametrize("path", fixtures("salesforce"), ids=lambda p: p.stem)
def test_every_salesforce_fixture_comes_back_as_received(
    client: ddorg.Client, fake: Fake, path: Path
) -> None:
    received: Any = json.loads(path.read_text())
    fake.set_salesforce(json=received)
    resp = client.list_salesforce_organizations()
    assert resp.to_dict() == received
    assert json.loads(resp.to_json()) == received
    for item, sent in zip(resp.data, received["data"]):
        assert item.attributes.to_dict() == sent["attributes"]


def test_a_null_field_reads_as_none_and_stays_null(client: ddorg.Client, fake: Fake) -> None:
    received = json.loads((FIXTURES / "org" / "terraform_child_org.json").read_text())
    fake.enqueue(json=received)
    org = client.get_org("fasjyydbcgwwc2uc").org
    assert org is not None and org.settings is not None
    assert org.description is None
    assert org.trial is None
    assert "description" in org.to_dict() and "trial" not in org.to_dict()
    assert org.settings.saml_login_url is None
    assert org.settings.additional_properties["manage_reports"] == "false"
    assert org.settings.additional_properties["saml_idp_metadata_valid_until"] is None
