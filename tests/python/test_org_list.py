"""`Client.list_orgs` (`GET /api/v1/org`): the managed organizations, losslessly, from both fakes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import ddorg
import ddorg.testing
from conftest import API_KEY, APP_KEY, ORG_EXAMPLE, ORG_LIST_EXAMPLE, Fake, header


def test_list_orgs_decodes_the_default_org(client: ddorg.Client, fake: Fake) -> None:
    resp = client.list_orgs()

    assert isinstance(resp, ddorg.OrganizationListResponse)
    assert resp.status == 200 and resp.attempts == 1
    assert resp.rate_limit is not None and resp.rate_limit.name == "org_list"
    assert resp.orgs is not None and len(resp.orgs) == 1
    org = resp.orgs[0]
    assert isinstance(org, ddorg.Organization)
    assert org.public_id == "abcdef12345"
    assert org.to_dict() == ORG_EXAMPLE["org"]
    assert resp.to_dict() == ORG_LIST_EXAMPLE
    (req,) = fake.requests()
    assert (req["method"], req["path"]) == ("GET", "/api/v1/org")
    assert header(req, "DD-API-KEY") == API_KEY
    assert header(req, "DD-APPLICATION-KEY") == APP_KEY


def test_children_set_through_the_control_api_are_listed_and_served(
    client: ddorg.Client, fake: Fake
) -> None:
    fake.set_orgs([{"public_id": "parent1", "name": "Parent"}, {"public_id": "c1", "name": "C"}])
    resp = client.list_orgs()
    assert resp.orgs is not None
    assert [o.public_id for o in resp.orgs] == ["parent1", "c1"]
    child = client.get_org("c1").org
    assert child == resp.orgs[1]


@pytest.mark.parametrize(
    "body",
    [
        {"orgs": None},
        {"orgs": []},
        {},
        {"orgs": [{"name": "n", "description": None, "brand_new": {"x": [1, None]}}], "more": 1},
    ],
)
def test_the_body_comes_back_as_received(client: ddorg.Client, fake: Fake, body: Any) -> None:
    fake.set_org_list(json=body)
    resp = client.list_orgs()
    assert resp.to_dict() == body
    assert ddorg.OrganizationListResponse.from_dict(body) == resp


def test_errors_are_typed_like_the_other_calls(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(status=403, errors=["Forbidden"])
    with pytest.raises(ddorg.ForbiddenError) as info:
        client.list_orgs()
    assert info.value.status == 403
    fake.enqueue(json={"orgs": [None]})
    with pytest.raises(ddorg.DecodeError, match=r"orgs\[0\]"):
        client.list_orgs()


def test_testing_fake_sets_orgs_and_verbatim_lists() -> None:
    with ddorg.testing.FakeServer() as fake:
        client = ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url)
        assert client.list_orgs().to_dict() == ddorg.testing.ORG_LIST_EXAMPLE
        fake.set_orgs([("parent1", "Parent"), ("child01", "Child one")])
        resp = client.list_orgs()
        assert resp.orgs is not None
        assert [(o.public_id, o.name) for o in resp.orgs] == [
            ("parent1", "Parent"),
            ("child01", "Child one"),
        ]
        assert client.get_org("child01").org == resp.orgs[1]
        fake.set_org_list(json={"orgs": [], "x": None})
        assert client.list_orgs().to_dict() == {"orgs": [], "x": None}
        fake.reset()
        assert client.list_orgs().to_dict() == ddorg.testing.ORG_LIST_EXAMPLE
        assert [r.path for r in fake.requests] == ["/api/v1/org"]


def test_async_client_lists_orgs() -> None:
    with ddorg.testing.FakeServer() as fake:
        fake.set_orgs([("p", "Parent"), ("c", "Child")])

        async def main() -> list[str]:
            async with ddorg.AsyncClient(API_KEY, APP_KEY, base_url=fake.base_url) as client:
                resp = await client.list_orgs()
            assert resp.orgs is not None
            return [str(o.public_id) for o in resp.orgs]

        assert asyncio.run(main()) == ["p", "c"]
