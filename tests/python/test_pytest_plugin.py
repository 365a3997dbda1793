"""The pytest plugin (entry point ``pytest11``): a user's test module gets ``ddorg_fake``,
``ddorg_fake_tls`` and ``ddorg_client`` without any conftest, and this module uses them itself."""

from __future__ import annotations


import pytest

import ddorg
from ddorg.testing import FakeServer


def test_the_fixtures_give_a_fake_and_a_client_pointed_at_it(
    ddorg_fake: FakeServer, ddorg_client: ddorg.Client
) -> None:
    assert ddorg_client.base_url == ddorg_fake.base_url
    ddorg_fake.enqueue(status=404, errors=["Organization not found"])
    with pytest.raises(ddorg.NotFoundError):
        ddorg_client.get_org("missing")
    assert [r.path for r in ddorg_fake.requests] == ["/api/v1/org/missing"]


def test_each_test_gets_a_fresh_fake(ddorg_fake: FakeServer) -> None:
    assert ddorg_fake.request_count == 0 and ddorg_fake.requests == []


def test_the_tls_fixture_serves_https_trusted_through_its_ca_bundle(
    ddorg_fake_tls: FakeServer,
) -> None:
    assert ddorg_fake_tls.base_url == f"https://localhost:{ddorg_fake_tls.port}"
    with ddorg.Client(
        "k", "k", base_url=ddorg_fake_tls.base_url, ca_bundle=ddorg_fake_tls.ca_bundle
    ) as client:
        assert client.get_org("abcdef12345").org is not None
    assert ddorg_fake_tls.request_count == 1


USER_TESTS = '''
import asyncio

import ddorg


def my_audit(client: ddorg.Client) -> str:
    org = client.get_org("abcdef12345").org
    return "saml on" if org.settings.saml.enabled else "saml off"


def test_user_code_against_the_fake(ddorg_fake, ddorg_client):
    assert my_audit(ddorg_client) == "saml off"
    ddorg_fake.set_org("abcdef12345", json={"org": {"settings": {"saml": {"enabled": True}}}})
    assert my_audit(ddorg_client) == "saml on"
    assert len(ddorg_fake.requests) == 2


def test_user_async_code(ddorg_fake, ddorg_async_client):
    async def main():
        async with ddorg_async_client as client:
            return await client.list_salesforce_organizations()

    assert asyncio.run(main()).data[0].attributes.name == "Acme Production Org"


def test_environment_based_code(ddorg_fake, monkeypatch):
    monkeypatch.setenv("DDORG_BASE_URL", ddorg_fake.base_url)
    monkeypatch.setenv("DD_API_KEY", "k")
    monkeypatch.setenv("DD_APP_KEY", "k")
    assert ddorg.Client().get_org("abcdef12345").org is not None


def test_user_code_with_a_private_ca(ddorg_fake_tls):
    assert ddorg_fake_tls.base_url.startswith("https://localhost:")
    client = ddorg.Client("k", "k", base_url=ddorg_fake_tls.base_url,
                          ca_bundle=ddorg_fake_tls.ca_bundle)
    assert my_audit(client) == "saml off"


def test_user_code_behind_a_corporate_proxy(ddorg_fake, monkeypatch):
    proxy = ddorg_fake.listen(proxy="inspect")
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("DDORG_CA_BUNDLE", ddorg_fake.ca_bundle)
    assert my_audit(ddorg.Client("k", "k")) == "saml off"
    assert [r.path for r in ddorg_fake.proxy_requests] == ["api.datadoghq.com:443"]
'''


def test_a_users_test_module_gets_the_fixtures_from_the_installed_plugin(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    # A subprocess: the plugin must come from the installed package's entry point, not from
    # anything this test session loaded.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_fixtures_are_listed_with_their_documentation(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*ddorg_fake*", "*A fake Datadog for this test*"])
    result.stdout.fnmatch_lines(["*ddorg_fake_tls*", "*serving HTTPS*"])
    result.stdout.fnmatch_lines(["*ddorg_client*"])


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x(ddorg_fake): pass\n")
    result = pytester.runpytest_subprocess("-p", "no:ddorg", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'ddorg_fake' not found*"])
