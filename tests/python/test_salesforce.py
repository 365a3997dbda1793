"""`Client.list_salesforce_organizations`: every documented field and the request it sends."""

from __future__ import annotations

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, SALESFORCE_EXAMPLE, Fake, header

PATH = "/api/v2/integration/salesforce-incidents/organizations"


def test_list_decodes_every_documented_field(client: ddorg.Client) -> None:
    resp = client.list_salesforce_organizations()

    assert isinstance(resp, ddorg.SalesforceIncidentsOrganizationsResponse)
    assert isinstance(resp.data, list) and len(resp.data) == 1
    item = resp.data[0]
    assert isinstance(item, ddorg.SalesforceIncidentsOrganizationResponseData)
    assert item.id == "596da4af-0563-4097-90ff-07230c3f9db3"
    assert item.type == "salesforce-incidents-org"
    assert type(item.type) is str
    attrs = item.attributes
    assert isinstance(attrs, ddorg.SalesforceIncidentsOrganizationResponseAttributes)
    assert attrs.name == "Acme Production Org"
    assert attrs.instance_url == "https://acme.my.salesforce.com"
    assert attrs.sfdc_org_id == "00D000000000000"
    assert attrs.sfdc_org_type == "Production"


def test_list_sends_keys_and_user_agent(client: ddorg.Client, fake: Fake) -> None:
    client.list_salesforce_organizations()
    (req,) = fake.requests()
    assert (req["method"], req["path"]) == ("GET", PATH)
    assert header(req, "DD-API-KEY") == API_KEY
    assert header(req, "DD-APPLICATION-KEY") == APP_KEY
    assert header(req, "User-Agent") == f"ddorg-python/{ddorg.__version__}"


def test_list_many_and_sparse_organizations(client: ddorg.Client, fake: Fake) -> None:
    fake.set_salesforce(
        json={
            "data": [
                {
                    "id": "one",
                    "type": "salesforce-incidents-org",
                    "attributes": {"name": "Prod", "sfdc_org_type": "Production"},
                },
                {"id": "two", "type": "salesforce-incidents-org", "attributes": {}},
            ]
        }
    )
    data = client.list_salesforce_organizations().data
    assert [d.id for d in data] == ["one", "two"]
    assert data[0].attributes.name == "Prod"
    assert data[0].attributes.instance_url is None
    assert data[1].attributes.name is None
    assert data[1].attributes.sfdc_org_id is None


def test_list_empty(client: ddorg.Client, fake: Fake) -> None:
    fake.set_salesforce(json={"data": []})
    resp = client.list_salesforce_organizations()
    assert resp.data == []
    assert resp.to_dict() == {"data": []}


def test_list_rate_limit_and_round_trip(client: ddorg.Client) -> None:
    resp = client.list_salesforce_organizations()
    assert resp.rate_limit == ddorg.RateLimit(1000, 60, 999, 42, "salesforce_orgs")
    assert resp.status == 200 and resp.attempts == 1
    assert resp.to_dict() == SALESFORCE_EXAMPLE
    assert resp.data[0].to_dict() == SALESFORCE_EXAMPLE["data"][0]
    assert repr(resp).startswith(
        "SalesforceIncidentsOrganizationsResponse(data=[SalesforceIncidentsOrganizationResponseData("
    )
    assert "name='Acme Production Org'" in repr(resp)


def test_missing_required_field_is_a_decode_error_naming_the_path(
    client: ddorg.Client, fake: Fake
) -> None:
    fake.enqueue(json={"data": [{"type": "salesforce-incidents-org", "attributes": {}}]})
    with pytest.raises(ddorg.DecodeError) as info:
        client.list_salesforce_organizations()
    assert "data[0]" in str(info.value) and "missing field `id`" in str(info.value)
    assert info.value.status == 200
