"""Retries and timeouts, counted by the fake's request log."""

from __future__ import annotations

import time

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, ORG_EXAMPLE, Fake


def make_client(fake: Fake, **kwargs: object) -> ddorg.Client:
    return ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def test_server_errors_are_retried_until_success(fake: Fake) -> None:
    fake.enqueue(status=503, errors=["Service unavailable"], repeat=2)
    resp = make_client(fake).get_org("abcdef12345")
    assert resp.org is not None and resp.org.name == "New child org"
    assert resp.attempts == 3
    assert len(fake.requests()) == 3


def test_rate_limited_requests_wait_for_the_reset(fake: Fake) -> None:
    fake.enqueue(
        status=429,
        errors=["Too many requests"],
        headers={"x-ratelimit-reset": "1", "x-ratelimit-remaining": "0"},
    )
    started = time.monotonic()
    resp = make_client(fake).list_salesforce_organizations()
    elapsed = time.monotonic() - started
    assert resp.attempts == 2
    assert len(fake.requests()) == 2
    assert 0.9 <= elapsed < 5, elapsed


def test_retries_give_up_after_max_retries(fake: Fake) -> None:
    fake.enqueue(status=500, errors=["boom"], repeat=5)
    with pytest.raises(ddorg.ServerError) as info:
        make_client(fake, max_retries=2).get_org("abc")
    assert info.value.attempts == 3
    assert info.value.errors == ["boom"]
    assert len(fake.requests()) == 3


def test_rate_limit_still_there_after_retries(fake: Fake) -> None:
    fake.enqueue(
        status=429,
        errors=["Too many requests"],
        headers={"x-ratelimit-reset": "0", "x-ratelimit-limit": "5"},
        repeat=3,
    )
    with pytest.raises(ddorg.RateLimitedError) as info:
        make_client(fake, max_retries=2).get_org("abc")
    assert info.value.attempts == 3
    assert info.value.rate_limit == ddorg.RateLimit(limit=5, reset=0)


def test_max_retries_zero_makes_one_attempt(fake: Fake) -> None:
    fake.enqueue(status=503, errors=["down"], repeat=2)
    with pytest.raises(ddorg.ServerError) as info:
        make_client(fake, max_retries=0).get_org("abc")
    assert info.value.attempts == 1
    assert len(fake.requests()) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_errors_are_not_retried(fake: Fake, status: int) -> None:
    fake.enqueue(status=status, errors=["no"], repeat=2)
    with pytest.raises(ddorg.ApiError):
        make_client(fake).get_org("abc")
    assert len(fake.requests()) == 1


def test_dropped_connections_are_retried(fake: Fake) -> None:
    fake.enqueue(fault="close_without_response")
    fake.enqueue(json=ORG_EXAMPLE)
    resp = make_client(fake).get_org("abc")
    assert resp.to_dict() == ORG_EXAMPLE
    assert resp.attempts == 2


def test_overall_timeout_ends_a_slow_call(fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=5000)
    client = make_client(fake, timeout=0.5)
    assert client.timeout == 0.5
    started = time.monotonic()
    with pytest.raises(ddorg.RequestTimeoutError):
        client.get_org("abc")
    assert time.monotonic() - started < 2.0


def test_timeout_bounds_the_retry_waits_too(fake: Fake) -> None:
    # A 30 s rate-limit wait would pass the 1 s deadline: the call fails at once instead.
    fake.enqueue(status=429, errors=["slow down"], headers={"x-ratelimit-reset": "30"}, repeat=2)
    started = time.monotonic()
    with pytest.raises(ddorg.RateLimitedError) as info:
        make_client(fake, timeout=1).get_org("abc")
    assert time.monotonic() - started < 1.0
    assert info.value.attempts == 1


def test_slow_reply_within_the_timeout_succeeds(fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=200)
    assert make_client(fake, timeout=5).get_org("abc").to_dict() == ORG_EXAMPLE
