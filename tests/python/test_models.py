"""Response objects: unknown fields and enum values survive, equality, immutability, pickling."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

import ddorg
from conftest import ORG_EXAMPLE, SALESFORCE_EXAMPLE, Fake

# Every object carries a field the schema does not know, and each enum a value it does not.
ORG_FROM_THE_FUTURE: dict[str, Any] = {
    "org": {
        "billing": {"type": "parent_billing", "currency": "EUR"},
        "created": "2030-01-01T00:00:00Z",
        "name": "Future org",
        "public_id": "fut123",
        "settings": {
            "saml": {"enabled": True, "provider": {"kind": "okta", "ids": [1, 2, 3]}},
            "saml_autocreate_access_role": "superuser",
            "saml_autocreate_users_domains": {"domains": [], "enabled": True, "wildcard": False},
            "saml_idp_initiated_login": {"enabled": True, "since": 1.5},
            "saml_strict_mode": {"enabled": False, "exceptions": None},
            "passkeys": {"enabled": True},
        },
        "subscription": {"type": "enterprise", "seats": 12345678901234},
        "trial": True,
        "region": "mars-1",
    },
    "meta": {"request_id": "r-1"},
}

SALESFORCE_FROM_THE_FUTURE: dict[str, Any] = {
    "data": [
        {
            "attributes": {
                "name": "Sandbox",
                "sfdc_org_type": "Sandbox",
                "connected_at": "2030-01-01",
            },
            "id": "x-1",
            "type": "salesforce-incidents-org-v2",
            "relationships": {"owner": {"data": {"id": "u1", "type": "users"}}},
        }
    ],
    "links": {"next": None},
}


def test_unknown_org_fields_and_enum_values_round_trip(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_FROM_THE_FUTURE)
    resp = client.get_org("fut123")

    assert resp.to_dict() == ORG_FROM_THE_FUTURE
    assert json.loads(resp.to_json()) == ORG_FROM_THE_FUTURE
    assert resp.additional_properties == {"meta": {"request_id": "r-1"}}
    org = resp.org
    assert org is not None and org.settings is not None
    assert org.additional_properties == {"region": "mars-1"}
    assert org.settings.saml_autocreate_access_role == "superuser"
    assert org.settings.additional_properties == {"passkeys": {"enabled": True}}
    assert org.settings.saml is not None
    assert org.settings.saml.additional_properties == {
        "provider": {"kind": "okta", "ids": [1, 2, 3]}
    }
    assert org.subscription is not None and org.subscription.type == "enterprise"
    assert org.subscription.additional_properties == {"seats": 12345678901234}
    assert org.billing is not None and org.billing.additional_properties == {"currency": "EUR"}
    assert org.settings.saml_strict_mode is not None
    assert org.settings.saml_strict_mode.additional_properties == {"exceptions": None}
    assert "additional_properties={'region': 'mars-1'}" in repr(org)


def test_unknown_salesforce_fields_and_type_round_trip(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=SALESFORCE_FROM_THE_FUTURE)
    resp = client.list_salesforce_organizations()

    assert resp.to_dict() == SALESFORCE_FROM_THE_FUTURE
    assert resp.additional_properties == {"links": {"next": None}}
    item = resp.data[0]
    assert item.type == "salesforce-incidents-org-v2"
    assert item.additional_properties == {
        "relationships": {"owner": {"data": {"id": "u1", "type": "users"}}}
    }
    assert item.attributes.additional_properties == {"connected_at": "2030-01-01"}


def test_equality_compares_the_json(client: ddorg.Client, fake: Fake) -> None:
    a = client.get_org("abcdef12345")
    b = client.get_org("abcdef12345")
    assert a == b and not (a != b)
    assert a.org == b.org
    fake.enqueue(json={"org": {**ORG_EXAMPLE["org"], "name": "Renamed"}})
    c = client.get_org("abcdef12345")
    assert a != c
    assert a.org != c.org
    assert a.org is not None and c.org is not None and a.org.settings == c.org.settings
    assert a != a.to_dict()
    assert a != "x"
    assert (a == 1) is False


def test_objects_are_immutable_and_unhashable(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    with pytest.raises(AttributeError):
        resp.org = None  # type: ignore[misc]
    assert resp.org is not None
    with pytest.raises(AttributeError):
        resp.org.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(resp)
    dict_copy = resp.to_dict()
    dict_copy["org"]["name"] = "changed"
    assert resp.org.name == "New child org"


def test_from_json_and_from_dict(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    again = ddorg.OrganizationResponse.from_json(json.dumps(ORG_EXAMPLE))
    assert again == resp
    assert again.rate_limit is None and again.status is None and again.attempts == 0
    assert ddorg.OrganizationResponse.from_dict(ORG_EXAMPLE) == resp
    saml = ddorg.OrganizationSettingsSaml.from_dict({"enabled": True})
    assert saml.enabled is True
    sf = ddorg.SalesforceIncidentsOrganizationsResponse.from_dict(SALESFORCE_EXAMPLE)
    assert sf.data[0].attributes.name == "Acme Production Org"


def test_from_json_rejects_what_does_not_fit(client: ddorg.Client) -> None:
    with pytest.raises(ddorg.DecodeError, match=r"data\[0\]"):
        ddorg.SalesforceIncidentsOrganizationsResponse.from_dict({"data": [{"id": 1}]})
    with pytest.raises(ddorg.DecodeError):
        ddorg.Organization.from_json("{not json")
    with pytest.raises(ddorg.DecodeError):
        ddorg.Organization.from_json('{"name": "a"} trailing')
    with pytest.raises(ddorg.DecodeError, match="trial"):
        ddorg.Organization.from_dict({"trial": "yes"})


def test_pickle_and_copy(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    for obj in (resp, resp.org, resp.org.settings if resp.org else None):
        assert obj is not None
        clone = pickle.loads(pickle.dumps(obj))
        assert type(clone) is type(obj) and clone == obj
        assert copy.deepcopy(obj) == obj
    sf = client.list_salesforce_organizations()
    assert pickle.loads(pickle.dumps(sf.data[0])) == sf.data[0]
    rl = resp.rate_limit
    assert rl is not None
    assert pickle.loads(pickle.dumps(rl)) == rl


def test_rate_limit_value_semantics() -> None:
    a = ddorg.RateLimit(limit=10, period=60, remaining=0, reset=7, name="org_get")
    assert a == ddorg.RateLimit(10, 60, 0, 7, "org_get")
    assert a != ddorg.RateLimit(10, 60, 1, 7, "org_get")
    assert hash(a) == hash(ddorg.RateLimit(10, 60, 0, 7, "org_get"))
    assert repr(a) == "RateLimit(limit=10, period=60, remaining=0, reset=7, name='org_get')"
    for name in ("it's", 'say "hi"', "back\\slash", "tab\there", "ünï"):
        r = ddorg.RateLimit(limit=1, name=name)
        assert eval(repr(r), {"RateLimit": ddorg.RateLimit}) == r, repr(r)
    assert repr(ddorg.RateLimit()) == (
        "RateLimit(limit=None, period=None, remaining=None, reset=None, name=None)"
    )
    with pytest.raises(AttributeError):
        a.limit = 3  # type: ignore[misc]


def test_classes_present_as_ddorg_types() -> None:
    for cls in (
        ddorg.Client,
        ddorg.RateLimit,
        ddorg.OrganizationResponse,
        ddorg.SalesforceIncidentsOrganizationResponseAttributes,
    ):
        assert cls.__module__ == "ddorg"
    assert ddorg.NotFoundError.__module__ == "ddorg"
    with pytest.raises(TypeError):
        ddorg.Organization()
