"""ddorg.testing's HTTPS and proxies: what a user whose code runs with a private CA or behind a
corporate proxy tests against (`FakeServer(tls=...)`, `listen(...)`, `ca_pem()`, `ca_bundle`)."""

from __future__ import annotations

import base64
import gc
import os
import socket
import typing

import pytest

import ddorg
from ddorg.testing import (
    API_KEY,
    APP_KEY,
    ORG_EXAMPLE,
    PROXY_MODES,
    TLS_CERTS,
    FakeServer,
    ProxyModeName,
    TlsCertName,
)


def test_the_names_for_type_checkers_are_the_fakes_names() -> None:
    def names(alias: object) -> tuple[object, ...]:
        return tuple(value for literal in typing.get_args(alias) for value in typing.get_args(literal))

    assert names(TlsCertName) == TLS_CERTS
    assert names(ProxyModeName) == PROXY_MODES


def test_a_tls_server_is_trusted_through_its_ca_bundle() -> None:
    with FakeServer(tls=True) as fake:
        assert fake.base_url == f"https://localhost:{fake.port}"
        with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, ca_bundle=fake.ca_bundle) as c:
            assert c.get_org("abcdef12345").to_dict() == ORG_EXAMPLE
        (req,) = fake.requests
        assert req.path == "/api/v1/org/abcdef12345"
        assert req.header("dd-api-key") == "***"


def test_without_its_ca_the_tls_server_is_not_trusted() -> None:
    with FakeServer(tls="valid") as fake:
        with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=3) as c:
            with pytest.raises(ddorg.TlsError, match="certificate of localhost is not trusted") as e:
                c.get_org("abcdef12345")
        assert e.value.attempts == 1
        assert fake.request_count == 0


def test_an_expired_certificate_on_the_server_itself() -> None:
    with FakeServer(tls="expired") as fake:
        with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, ca_bundle=fake.ca_bundle) as c:
            with pytest.raises(ddorg.TlsError, match="certificate of localhost expired on") as e:
                c.get_org("abcdef12345")
        assert e.value.attempts == 1 and e.value.status is None
        assert fake.request_count == 0


@pytest.mark.parametrize(
    ("cert", "message"),
    [
        ("expired", "certificate of localhost expired on"),
        ("wrong_host", "wrong-host.ddorg-fake.invalid"),
        ("self_signed", "certificate of localhost is self-signed"),
    ],
)
def test_listen_tls_serves_each_broken_certificate(cert: TlsCertName, message: str) -> None:
    with FakeServer() as fake:
        listener = fake.listen(tls=cert)
        assert listener.url == f"https://localhost:{listener.port}"
        with ddorg.Client(
            API_KEY, APP_KEY, base_url=listener.url, ca_bundle=fake.ca_bundle, max_retries=3
        ) as c:
            with pytest.raises(ddorg.TlsError, match=message) as e:
                c.get_org("abcdef12345")
        assert e.value.attempts == 1
        assert fake.request_count == 0


def test_a_valid_listener_shares_the_servers_scripting_and_history() -> None:
    with FakeServer() as fake:
        https = fake.listen(tls="valid")
        fake.enqueue(status=404, errors=["Organization not found"])
        with ddorg.Client(API_KEY, APP_KEY, base_url=https.url, ca_bundle=fake.ca_bundle) as c:
            with pytest.raises(ddorg.NotFoundError):
                c.get_org("gone")
        assert [r.path for r in fake.requests] == ["/api/v1/org/gone"]


def test_an_inspecting_proxy_with_its_ca_as_the_bundle() -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="inspect")
        assert proxy.url == f"http://127.0.0.1:{proxy.port}"
        with ddorg.Client(API_KEY, APP_KEY, proxy=proxy.url, ca_bundle=fake.ca_bundle) as c:
            org = c.get_org("abcdef12345")
            assert org.to_dict() == ORG_EXAMPLE
            assert c.list_salesforce_organizations().data
        (connect,) = fake.proxy_requests  # one tunnel, reused for both calls
        assert connect.method == "CONNECT"
        assert connect.path == "api.datadoghq.com:443"
        assert connect.header("proxy-authorization") is None
        # The API requests inside the tunnel are recorded like any other, keys redacted.
        assert [r.path for r in fake.requests][0] == "/api/v1/org/abcdef12345"
        assert all(r.header("dd-application-key") == "***" for r in fake.requests)


def test_the_inspecting_proxy_without_its_ca_is_not_trusted() -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="inspect")
        with ddorg.Client(API_KEY, APP_KEY, proxy=proxy.url, max_retries=3) as c:
            with pytest.raises(
                ddorg.TlsError, match="certificate of api.datadoghq.com is not trusted"
            ) as e:
                c.get_org("abcdef12345")
        assert e.value.attempts == 1


def test_proxy_credentials_reach_the_proxy_in_proxy_authorization() -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="inspect")
        url = f"http://alice:s3cret@127.0.0.1:{proxy.port}"
        with ddorg.Client(API_KEY, APP_KEY, proxy=url, ca_bundle=fake.ca_bundle) as c:
            assert c.get_org("abcdef12345").org is not None
        (connect,) = fake.proxy_requests
        want = "Basic " + base64.b64encode(b"alice:s3cret").decode("ascii")
        assert connect.header("proxy-authorization") == want
        assert all(r.header("proxy-authorization") is None for r in fake.requests)


def test_a_proxy_that_wants_credentials_is_one_clear_error() -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="auth_required")
        with ddorg.Client(API_KEY, APP_KEY, proxy=proxy.url, max_retries=3) as c:
            with pytest.raises(ddorg.NetworkError) as e:
                c.get_org("abcdef12345")
        assert type(e.value) is ddorg.NetworkError
        assert f"the proxy 127.0.0.1:{proxy.port} requires authentication (HTTP 407)" in str(e.value)
        assert e.value.attempts == 1
        assert [r.path for r in fake.proxy_requests] == ["api.datadoghq.com:443"]
        assert fake.request_count == 0


def test_https_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="inspect")
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("DDORG_CA_BUNDLE", fake.ca_bundle)
        with ddorg.Client(API_KEY, APP_KEY) as c:
            assert c.get_org("abcdef12345").org is not None
        assert len(fake.proxy_requests) == 1


def test_a_silent_proxy_is_cut_at_the_deadline() -> None:
    with FakeServer() as fake:
        proxy = fake.listen(proxy="silent")
        with ddorg.Client(API_KEY, APP_KEY, proxy=proxy.url, timeout=1, max_retries=3) as c:
            with pytest.raises(ddorg.RequestTimeoutError, match="through the proxy 127.0.0.1"):
                c.get_org("abcdef12345")


def test_the_ca_bundle_is_one_file_removed_on_close() -> None:
    fake = FakeServer()
    path = fake.ca_bundle
    assert fake.ca_bundle == path, "one file per server"
    with open(path, encoding="ascii") as f:
        pem = f.read()
    assert pem == fake.ca_pem()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    with FakeServer() as other:
        assert other.ca_pem() != pem, "each server has its own CA"
    fake.close()
    assert not os.path.exists(path)
    fake.close()  # twice is fine
    with pytest.raises(ddorg.ConfigError, match="closed"):
        fake.ca_bundle
    with pytest.raises(ddorg.ConfigError, match="closed"):
        fake.listen(proxy="inspect")


def test_the_ca_bundle_is_removed_when_an_unclosed_server_is_collected() -> None:
    fake = FakeServer()
    path = fake.ca_bundle
    assert os.path.exists(path)
    del fake
    gc.collect()
    assert not os.path.exists(path)


def test_reset_closes_the_listeners_and_keeps_the_ca() -> None:
    with FakeServer() as fake:
        pem = fake.ca_pem()
        proxy = fake.listen(proxy="auth_required")
        with ddorg.Client(API_KEY, APP_KEY, proxy=proxy.url) as c, pytest.raises(ddorg.NetworkError):
            c.get_org("abcdef12345")
        assert fake.proxy_requests
        fake.reset()
        assert fake.proxy_requests == []
        assert fake.ca_pem() == pem
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", proxy.port), timeout=2).close()


def test_unknown_names_and_bad_listen_calls_raise_value_error() -> None:
    with pytest.raises(ValueError, match=r"unknown tls certificate \"nope\" \(known: valid, "):
        FakeServer(tls="nope")  # type: ignore[arg-type]
    with FakeServer() as fake:
        with pytest.raises(ValueError, match="unknown tls certificate"):
            fake.listen(tls="nope")  # type: ignore[call-overload]
        with pytest.raises(ValueError, match=r"unknown proxy mode \"nope\" \(known: inspect, "):
            fake.listen(proxy="nope")  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="exactly one of tls= and proxy="):
            fake.listen()  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="exactly one of tls= and proxy="):
            fake.listen(tls="valid", proxy="inspect")  # type: ignore[call-overload]


def test_tls_handshakes_are_counted_once_per_connection_and_reset_clears_them() -> None:
    with FakeServer(tls=True) as fake:
        assert fake.tls_handshake_count == 0
        with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, ca_bundle=fake.ca_bundle) as c:
            for _ in range(3):
                c.get_org("abcdef12345")
        assert fake.tls_handshake_count == 1
        assert fake.request_count == 3
        fake.reset()
        assert fake.tls_handshake_count == 0
