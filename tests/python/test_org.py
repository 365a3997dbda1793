"""`Client.get_org`: every documented field, the request it sends, the response object."""

from __future__ import annotations

import json

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, ORG_EXAMPLE, Fake, header


def test_get_org_decodes_every_documented_field(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")

    assert isinstance(resp, ddorg.OrganizationResponse)
    org = resp.org
    assert isinstance(org, ddorg.Organization)
    assert org.name == "New child org"
    assert org.public_id == "abcdef12345"
    assert org.description == "some description"
    assert org.created == "2019-09-26T17:28:28Z"
    assert org.trial is False
    assert isinstance(org.billing, ddorg.OrganizationBilling)
    assert org.billing.type == "string"
    assert isinstance(org.subscription, ddorg.OrganizationSubscription)
    assert org.subscription.type == "string"

    s = org.settings
    assert isinstance(s, ddorg.OrganizationSettings)
    assert s.private_widget_share is False
    assert isinstance(s.saml, ddorg.OrganizationSettingsSaml)
    assert s.saml.enabled is False
    assert s.saml_autocreate_access_role == "ro"
    assert type(s.saml_autocreate_access_role) is str
    domains = s.saml_autocreate_users_domains
    assert isinstance(domains, ddorg.OrganizationSettingsSamlAutocreateUsersDomains)
    assert domains.domains == ["example.com"]
    assert domains.enabled is False
    assert s.saml_can_be_enabled is False
    assert s.saml_idp_endpoint == "https://my.saml.endpoint"
    assert isinstance(s.saml_idp_initiated_login, ddorg.OrganizationSettingsSamlIdpInitiatedLogin)
    assert s.saml_idp_initiated_login.enabled is False
    assert s.saml_idp_metadata_uploaded is False
    assert s.saml_login_url == "https://my.saml.login.url"
    assert isinstance(s.saml_strict_mode, ddorg.OrganizationSettingsSamlStrictMode)
    assert s.saml_strict_mode.enabled is False


def test_get_org_true_values_and_other_roles(client: ddorg.Client, fake: Fake) -> None:
    body = json.loads(json.dumps(ORG_EXAMPLE))
    settings = body["org"]["settings"]
    settings["saml"]["enabled"] = True
    settings["saml_strict_mode"]["enabled"] = True
    settings["saml_idp_initiated_login"]["enabled"] = True
    settings["saml_autocreate_users_domains"] = {"domains": ["a.com", "b.org"], "enabled": True}
    for role in ("st", "adm", "ro", "ERROR"):
        settings["saml_autocreate_access_role"] = role
        fake.enqueue(json=body)
        s = client.get_org("abcdef12345").org.settings  # type: ignore[union-attr]
        assert s is not None
        assert s.saml_autocreate_access_role == role
        assert s.saml is not None and s.saml.enabled is True
        assert s.saml_strict_mode is not None and s.saml_strict_mode.enabled is True
        assert s.saml_idp_initiated_login is not None and s.saml_idp_initiated_login.enabled
        assert s.saml_autocreate_users_domains is not None
        assert s.saml_autocreate_users_domains.domains == ["a.com", "b.org"]


def test_absent_and_null_fields_are_none(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json={"org": {"name": "bare", "settings": {"saml_autocreate_access_role": None}}})
    org = client.get_org("abcdef12345").org
    assert org is not None
    assert org.name == "bare"
    assert org.public_id is None and org.billing is None and org.trial is None
    assert org.settings is not None
    assert org.settings.saml_autocreate_access_role is None
    assert org.settings.saml is None

    fake.enqueue(json={})
    assert client.get_org("abcdef12345").org is None


def test_get_org_sends_keys_user_agent_and_encoded_id(client: ddorg.Client, fake: Fake) -> None:
    # One path segment, as the org route's own 404 for an id it does not know shows.
    with pytest.raises(ddorg.NotFoundError, match="Organization not found"):
        client.get_org("a b/c?d")
    (req,) = fake.requests()
    assert req["method"] == "GET"
    assert req["path"] == "/api/v1/org/a%20b%2Fc%3Fd"
    assert header(req, "DD-API-KEY") == API_KEY
    assert header(req, "DD-APPLICATION-KEY") == APP_KEY
    assert header(req, "User-Agent") == f"ddorg-python/{ddorg.__version__}"
    assert header(req, "Accept") == "application/json"


def test_get_org_uses_the_reply_for_that_id(client: ddorg.Client, fake: Fake) -> None:
    fake.set_org("other", json={"org": {"name": "Other org", "public_id": "other"}})
    org = client.get_org("other").org
    assert org is not None and org.name == "Other org"
    default = client.get_org("abcdef12345").org
    assert default is not None and default.name == "New child org"


def test_response_to_dict_and_to_json_give_the_json_back(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    assert resp.to_dict() == ORG_EXAMPLE
    assert json.loads(resp.to_json()) == ORG_EXAMPLE
    assert resp.org is not None and resp.org.settings is not None
    assert resp.org.settings.to_dict() == ORG_EXAMPLE["org"]["settings"]
    assert resp.additional_properties == {}


def test_rate_limit_status_and_attempts_on_success(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    assert resp.status == 200
    assert resp.attempts == 1
    rl = resp.rate_limit
    assert isinstance(rl, ddorg.RateLimit)
    assert (rl.limit, rl.period, rl.remaining, rl.reset, rl.name) == (1000, 60, 999, 42, "org_get")
    assert rl.to_dict() == {
        "limit": 1000,
        "period": 60,
        "remaining": 999,
        "reset": 42,
        "name": "org_get",
    }


def test_rate_limit_is_none_without_headers(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE)
    assert client.get_org("abcdef12345").rate_limit is None


def test_partial_rate_limit_headers(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, headers={"x-ratelimit-remaining": "3", "x-ratelimit-reset": "x"})
    rl = client.get_org("abcdef12345").rate_limit
    assert rl == ddorg.RateLimit(remaining=3)
    assert rl is not None and rl.reset is None and rl.name is None


def test_gzip_body_is_decoded(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, gzip=True)
    assert client.get_org("abcdef12345").to_dict() == ORG_EXAMPLE


def test_repr_is_useful(client: ddorg.Client) -> None:
    resp = client.get_org("abcdef12345")
    text = repr(resp)
    assert text.startswith("OrganizationResponse(org=Organization(")
    assert "name='New child org'" in text
    assert "saml=OrganizationSettingsSaml(enabled=False)" in text
    assert "saml_autocreate_access_role='ro'" in text
    assert "billing=OrganizationBilling(type='string')" in text
    assert str(resp) == text


@pytest.mark.parametrize("bad", ["", ".", "..", None, 42])
def test_bad_public_id(client: ddorg.Client, fake: Fake, bad: object) -> None:
    expected = ddorg.InvalidArgumentError if isinstance(bad, str) else TypeError
    with pytest.raises(expected):
        client.get_org(bad)  # type: ignore[arg-type]
    assert fake.requests() == []
