"""Every exception class: what raises it, its place in the hierarchy and its details."""

from __future__ import annotations

import pickle
import socket
from typing import Any

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, Fake


def no_retry_client(fake: Fake, **kwargs: Any) -> ddorg.Client:
    return ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0, **kwargs)


@pytest.mark.parametrize(
    ("status", "cls", "kind", "prefix"),
    [
        (400, ddorg.BadRequestError, "bad_request", "bad request (HTTP 400)"),
        (401, ddorg.UnauthorizedError, "unauthorized", "unauthorized (HTTP 401)"),
        (403, ddorg.ForbiddenError, "forbidden", "forbidden (HTTP 403)"),
        (404, ddorg.NotFoundError, "not_found", "not found (HTTP 404)"),
        (429, ddorg.RateLimitedError, "rate_limited", "rate limited (HTTP 429)"),
        (500, ddorg.ServerError, "server", "server error (HTTP 500)"),
        (503, ddorg.ServerError, "server", "server error (HTTP 503)"),
        (409, ddorg.UnexpectedStatusError, "unexpected_status", "unexpected status (HTTP 409)"),
    ],
)
def test_http_errors_map_to_their_class_with_status_and_datadog_errors(
    fake: Fake, status: int, cls: type[ddorg.ApiError], kind: str, prefix: str
) -> None:
    fake.enqueue(status=status, errors=["First problem", "Second problem"])
    with pytest.raises(cls) as info:
        no_retry_client(fake).get_org("abc")
    e = info.value
    assert isinstance(e, ddorg.ApiError) and isinstance(e, ddorg.DdorgError)
    assert type(e) is cls
    assert e.kind == kind
    assert e.status == status
    assert e.errors == ["First problem", "Second problem"]
    assert str(e) == f"{prefix}: First problem; Second problem, 1 attempt"
    assert e.message == str(e)
    assert "\n" not in str(e)
    assert e.attempts == 1
    assert e.rate_limit is None


def test_v2_error_objects_are_flattened_to_strings(fake: Fake) -> None:
    fake.enqueue(
        status=404,
        json={"errors": [{"status": "404", "title": "Not found", "detail": "no such org"}]},
    )
    with pytest.raises(ddorg.NotFoundError) as info:
        no_retry_client(fake).list_salesforce_organizations()
    assert info.value.errors == ["Not found: no such org"]


def test_html_error_page_gives_a_snippet(fake: Fake) -> None:
    fake.enqueue(
        status=502,
        body="<html><head><title>502 Bad Gateway</title></head><body></body></html>",
        content_type="text/html",
    )
    with pytest.raises(ddorg.ServerError) as info:
        no_retry_client(fake).get_org("abc")
    assert info.value.status == 502
    assert info.value.errors == ["502 Bad Gateway"]


def test_rate_limit_info_on_errors(fake: Fake) -> None:
    fake.enqueue(
        status=429,
        errors=["Too many requests"],
        headers={
            "x-ratelimit-limit": "100",
            "x-ratelimit-period": "60",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "17",
            "x-ratelimit-name": "org_get",
        },
    )
    with pytest.raises(ddorg.RateLimitedError) as info:
        no_retry_client(fake).get_org("abc")
    assert info.value.rate_limit == ddorg.RateLimit(100, 60, 0, 17, "org_get")
    assert info.value.errors == ["Too many requests"]


def test_redirects_are_refused_as_unexpected_status(fake: Fake) -> None:
    fake.enqueue(status=302, redirect="https://elsewhere.example.com/steal")
    with pytest.raises(ddorg.UnexpectedStatusError) as info:
        no_retry_client(fake).get_org("abc")
    assert info.value.status == 302
    assert "elsewhere.example.com" in str(info.value)
    assert len(fake.requests()) == 1


def test_config_error_for_missing_keys() -> None:
    with pytest.raises(ddorg.ConfigError) as info:
        ddorg.Client(base_url="http://127.0.0.1:1")
    e = info.value
    assert e.kind == "config" and e.status is None and e.errors == [] and e.attempts == 0
    assert "DD_API_KEY" in str(e)
    with pytest.raises(ddorg.ConfigError, match="DD_APP_KEY"):
        ddorg.Client("api-only", base_url="http://127.0.0.1:1")
    assert not isinstance(e, ValueError)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"site": "datadoghq.moon"},
        {"base_url": "http://api.datadoghq.com"},
        {"base_url": "not a url"},
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"max_retries": -1},
        {"max_retries": 2**40},
        {"user_agent": "bad\r\nagent"},
    ],
)
def test_config_error_for_bad_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ddorg.ConfigError) as info:
        ddorg.Client("k", "a", **kwargs)
    assert info.value.kind == "config"
    assert "\n" not in str(info.value)


def test_invalid_argument_error_is_also_a_value_error(client: ddorg.Client, fake: Fake) -> None:
    with pytest.raises(ValueError) as info:
        client.get_org("")
    e = info.value
    assert isinstance(e, ddorg.InvalidArgumentError) and isinstance(e, ddorg.DdorgError)
    assert e.kind == "invalid_argument" and e.status is None and e.attempts == 0
    assert "public_id" in str(e)
    assert fake.requests() == []


def test_timeout_error_is_also_a_builtin_timeout_error(fake: Fake) -> None:
    fake.enqueue(json={"org": {}}, delay_ms=3000)
    with pytest.raises(TimeoutError) as info:
        no_retry_client(fake, timeout=0.3).get_org("abc")
    e = info.value
    assert isinstance(e, ddorg.RequestTimeoutError)
    assert isinstance(e, ddorg.TransportError) and isinstance(e, ddorg.DdorgError)
    assert e.kind == "timeout" and e.status is None
    assert e.attempts == 1


def test_network_error_for_a_refused_connection() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ddorg.NetworkError) as info:
        ddorg.Client("k", "a", base_url=f"http://127.0.0.1:{port}", max_retries=0).get_org("x")
    e = info.value
    assert isinstance(e, ddorg.TransportError) and not isinstance(e, TimeoutError)
    assert e.kind == "network" and e.status is None and e.attempts == 1


def test_network_error_for_a_connection_closed_mid_body(fake: Fake) -> None:
    fake.enqueue(json={"org": {"name": "x" * 1000}}, fault="reset_mid_body")
    with pytest.raises(ddorg.NetworkError):
        no_retry_client(fake).get_org("abc")


def test_decode_error_for_a_body_that_is_not_json(fake: Fake) -> None:
    fake.enqueue(body="<html><body><h1>Maintenance</h1></body></html>", content_type="text/html")
    with pytest.raises(ddorg.DecodeError) as info:
        no_retry_client(fake).get_org("abc")
    e = info.value
    assert e.kind == "decode" and e.status == 200
    assert e.errors == ["Maintenance"]
    assert "text/html" in str(e)


def test_decode_error_for_a_wrong_type_names_the_path(fake: Fake) -> None:
    fake.enqueue(json={"org": {"settings": {"saml": {"enabled": "yes"}}}})
    with pytest.raises(ddorg.DecodeError, match=r"org\.settings\.saml\.enabled"):
        no_retry_client(fake).get_org("abc")


def test_response_too_large_error(fake: Fake) -> None:
    # 17 MiB of JSON whitespace, gzipped on the wire: over the 16 MiB cap once decompressed.
    fake.enqueue(body='{"org": {}' + " " * (17 * 1024 * 1024) + "}", gzip=True)
    with pytest.raises(ddorg.ResponseTooLargeError) as info:
        no_retry_client(fake).get_org("abc")
    assert info.value.kind == "response_too_large"
    assert "limit" in str(info.value)


def test_closed_client_raises_config_error(fake: Fake) -> None:
    client = no_retry_client(fake)
    client.close()
    with pytest.raises(ddorg.ConfigError, match="closed"):
        client.get_org("abc")
    assert fake.requests() == []


def test_hierarchy_matches_the_contract() -> None:
    api: list[type[ddorg.DdorgError]] = [
        ddorg.BadRequestError,
        ddorg.UnauthorizedError,
        ddorg.ForbiddenError,
        ddorg.NotFoundError,
        ddorg.RateLimitedError,
        ddorg.ServerError,
        ddorg.UnexpectedStatusError,
    ]
    for cls in api:
        assert issubclass(cls, ddorg.ApiError)
    for transport in (ddorg.RequestTimeoutError, ddorg.NetworkError, ddorg.TlsError):
        assert issubclass(transport, ddorg.TransportError)
    others: list[type[ddorg.DdorgError]] = [
        ddorg.ConfigError,
        ddorg.InvalidArgumentError,
        ddorg.ApiError,
        ddorg.TransportError,
        ddorg.DecodeError,
        ddorg.ResponseTooLargeError,
    ]
    for cls in others + api:
        assert issubclass(cls, ddorg.DdorgError) and issubclass(cls, Exception)
    assert issubclass(ddorg.InvalidArgumentError, ValueError)
    assert issubclass(ddorg.RequestTimeoutError, TimeoutError)
    assert not issubclass(ddorg.ConfigError, ValueError)
    assert not issubclass(ddorg.TlsError, ddorg.NetworkError), "TLS failures are never retried"


def test_exceptions_can_be_built_pickled_and_keep_their_details() -> None:
    e = ddorg.NotFoundError(
        "not found (HTTP 404): gone",
        status=404,
        errors=["gone"],
        rate_limit=ddorg.RateLimit(remaining=1),
        attempts=2,
    )
    assert e.kind == "not_found"
    assert repr(e) == "NotFoundError('not found (HTTP 404): gone')"
    for exc in (e, ddorg.RequestTimeoutError("slow", attempts=1)):
        clone = pickle.loads(pickle.dumps(exc))
        assert type(clone) is type(exc)
        assert str(clone) == str(exc)
        assert vars(clone) == vars(exc)


def test_a_lone_surrogate_in_public_id_is_an_invalid_argument(client: ddorg.Client, fake: Fake) -> None:
    with pytest.raises(ddorg.InvalidArgumentError) as info:
        client.get_org("abc\ud800def")
    assert isinstance(info.value, ValueError)
    assert info.value.attempts == 0
    assert "lone surrogate" in str(info.value)
    assert fake.stats()["requests"] == 0


def test_an_over_long_public_id_is_an_invalid_argument_before_sending(
    client: ddorg.Client, fake: Fake
) -> None:
    with pytest.raises(ddorg.InvalidArgumentError) as info:
        client.get_org("x" * 70_000)
    assert info.value.attempts == 0
    assert fake.stats()["requests"] == 0
