"""ddorg.testing.FakeServer: the in-process fake users test their own code against."""

from __future__ import annotations

import gzip as gzip_module
import sys
import time
import typing

import pytest

import ddorg
from ddorg.testing import (
    API_KEY,
    APP_KEY,
    FAULTS,
    ORG_EXAMPLE,
    SALESFORCE_EXAMPLE,
    FakeServer,
    QueuedReplyOptions,
    ReplyOptions,
)


def client_for(fake: FakeServer, **kwargs: object) -> ddorg.Client:
    return ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def test_serves_the_documented_examples_on_a_loopback_port() -> None:
    with FakeServer() as fake:
        assert fake.base_url == f"http://127.0.0.1:{fake.port}"
        with client_for(fake) as client:
            assert client.get_org("abcdef12345").to_dict() == ORG_EXAMPLE
            assert client.list_salesforce_organizations().to_dict() == SALESFORCE_EXAMPLE
        assert fake.request_count == 2
    assert fake.closed
    with pytest.raises(ddorg.ConfigError, match="closed"):
        fake.enqueue(status=500)


def test_enqueue_scripts_status_errors_headers_and_repeat() -> None:
    with FakeServer() as fake, client_for(fake, max_retries=0) as client:
        fake.enqueue(
            status=429,
            errors=["Too many requests"],
            headers={"x-ratelimit-reset": "7", "x-ratelimit-name": "org_get"},
            repeat=2,
        )
        for _ in range(2):
            with pytest.raises(ddorg.RateLimitedError) as info:
                client.get_org("abcdef12345")
            assert info.value.errors == ["Too many requests"]
            assert info.value.rate_limit is not None and info.value.rate_limit.reset == 7
        assert client.get_org("abcdef12345").org is not None  # the queue is empty again


def test_enqueue_takes_json_text_bytes_and_gzip() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        fake.enqueue(json={"org": {"name": "From json"}})
        assert client.get_org("abcdef12345").to_dict() == {"org": {"name": "From json"}}
        fake.enqueue(body='{"org": {"name": "From text"}}', content_type="application/json")
        assert client.get_org("abcdef12345").org.name == "From text"  # type: ignore[union-attr]
        raw = gzip_module.compress(b'{"org": {"name": "Pre-zipped"}}')
        fake.enqueue(
            body=raw,
            headers=[("content-type", "application/json"), ("content-encoding", "gzip")],
        )
        assert client.get_org("abcdef12345").org.name == "Pre-zipped"  # type: ignore[union-attr]
        fake.enqueue(json={"org": {"name": "Zipped"}}, gzip=True)
        assert client.get_org("abcdef12345").org.name == "Zipped"  # type: ignore[union-attr]


def test_a_reply_that_only_delays_serves_the_default_body() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        fake.enqueue(delay=0.2)
        started = time.monotonic()
        org = client.get_org("abcdef12345")
        assert time.monotonic() - started >= 0.2
        assert org.to_dict() == ORG_EXAMPLE
        assert org.rate_limit is not None and org.rate_limit.name == "org_get"
        # It still goes through the key check and the routes like any unscripted request.
        fake.enqueue(delay=0.01, headers={"x-extra": "yes"})
        assert client.list_salesforce_organizations().to_dict() == SALESFORCE_EXAMPLE
        fake.require_keys("other", "keys")
        fake.enqueue(delay=0.01)
        with pytest.raises(ddorg.ForbiddenError):
            client.get_org("abcdef12345")


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_reaches_the_client_as_a_typed_error_or_a_retry(fault: str) -> None:
    with FakeServer() as fake, client_for(fake, max_retries=0) as client:
        fake.enqueue(json=ORG_EXAMPLE, fault=fault)
        if fault == "close_after_response":
            # A complete answer; the dead pooled connection shows on the next call, which the
            # client re-sends on a new connection.
            assert client.get_org("abcdef12345").org is not None
            assert client.get_org("abcdef12345").org is not None
            assert fake.connection_count == 2
        else:
            with pytest.raises((ddorg.NetworkError, ddorg.DecodeError)):
                client.get_org("abcdef12345")


def test_bad_replies_fail_when_enqueued() -> None:
    with FakeServer() as fake:
        with pytest.raises(ValueError, match="unknown fault"):
            fake.enqueue(fault="explode")
        with pytest.raises(ValueError, match="status"):
            fake.enqueue(status=42)
        with pytest.raises(ValueError, match="at most one"):
            fake.enqueue(json={}, errors=["x"])
        with pytest.raises(TypeError, match="list of strings"):
            fake.enqueue(status=500, errors="one string")
        with pytest.raises(ValueError, match="delay"):
            fake.enqueue(delay=-1)
        with pytest.raises(TypeError, match="'stauts'"):
            fake.enqueue(stauts=500)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="'repeat'"):
            fake.set_org("a", status=500, repeat=2)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="'redirect'"):
            fake.set_salesforce(redirect="http://127.0.0.1:1/")  # type: ignore[call-arg]
        assert fake.requests == []


def test_reply_options_are_typed_for_introspection() -> None:
    hints = typing.get_type_hints(QueuedReplyOptions)
    assert set(hints) == {
        "json", "body", "errors", "headers", "content_type", "gzip", "delay", "fault", "repeat",
        "redirect",
    }  # fmt: skip
    assert set(typing.get_type_hints(ReplyOptions)) == set(hints) - {"repeat", "redirect"}
    if sys.version_info >= (3, 11):
        assert "reply" in typing.get_type_hints(FakeServer.enqueue)


def test_requests_record_what_was_sent_with_keys_redacted() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        # One path segment: the org route's own 404 for an id it does not know.
        with pytest.raises(ddorg.NotFoundError, match="Organization not found"):
            client.get_org("a/b")
        (req,) = fake.requests
        assert req.method == "GET"
        assert req.path == "/api/v1/org/a%2Fb"
        assert req.header("DD-API-KEY") == "***"
        assert req.header("dd-application-key") == "***"
        assert req.header("user-agent") == f"ddorg-python/{ddorg.__version__}"
        assert req.header("x-not-sent") is None
        assert API_KEY not in repr(fake.requests) and APP_KEY not in repr(fake.requests)


def test_require_keys_checks_which_keys_a_client_sends() -> None:
    with FakeServer() as fake:
        fake.require_keys("right-api", "right-app")
        with ddorg.Client("right-api", "right-app", base_url=fake.base_url) as good:
            assert good.get_org("abcdef12345").org is not None
        with client_for(fake, max_retries=0) as wrong, pytest.raises(ddorg.ForbiddenError):
            wrong.get_org("abcdef12345")


def test_set_org_set_salesforce_and_reset() -> None:
    with FakeServer() as fake, client_for(fake, max_retries=0) as client:
        fake.set_org("gone", status=404, errors=["Organization not found"])
        fake.set_salesforce(json={"data": []})
        with pytest.raises(ddorg.NotFoundError):
            client.get_org("gone")
        assert client.get_org("abcdef12345").org is not None
        with pytest.raises(ddorg.NotFoundError):
            client.get_org("other")  # an id nothing was set for
        assert client.list_salesforce_organizations().data == []
        fake.reset()
        assert fake.requests == [] and fake.request_count == 0
        with pytest.raises(ddorg.NotFoundError, match="Organization not found"):
            client.get_org("gone")  # unknown again: the fake's own 404
        fake.set_unknown_orgs("example")
        assert client.get_org("gone").org is not None
    with FakeServer(unknown_orgs="example") as fake, client_for(fake) as client:
        assert client.get_org("any-id").org is not None
        fake.reset()  # a setting of the server, like the latency: reset keeps it
        assert client.get_org("any-id").org is not None
        fake.set_unknown_orgs("not_found")
        with pytest.raises(ddorg.NotFoundError):
            client.get_org("any-id")


def test_ddorg_base_url_points_code_that_reads_the_environment_at_the_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeServer() as fake:
        monkeypatch.setenv("DDORG_BASE_URL", fake.base_url)
        monkeypatch.setenv("DD_API_KEY", API_KEY)
        monkeypatch.setenv("DD_APP_KEY", APP_KEY)
        with ddorg.Client() as client:
            assert client.get_org("abcdef12345").org is not None
        assert fake.request_count == 1
