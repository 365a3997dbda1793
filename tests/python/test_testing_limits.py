"""ddorg.testing.FakeServer's simulated network: latency and Datadog-like rate limits."""

from __future__ import annotations

import threading
import time

import pytest

import ddorg
from ddorg.testing import API_KEY, APP_KEY, RATE_LIMIT_ENDPOINTS, FakeServer

HOUR = 3600


def client_for(fake: FakeServer, api_key: str = API_KEY) -> ddorg.Client:
    return ddorg.Client(api_key, APP_KEY, base_url=fake.base_url, max_retries=0)


def unpaced_call(fake: FakeServer, call: str) -> None:
    """`call` on a new client: one that has seen the budget spent paces itself, waiting for the
    window instead of sending into the 429 these tests want from the fake."""
    with client_for(fake) as fresh:
        getattr(fresh, call)(*(["abc"] if call == "get_org" else []))


def test_the_endpoints_are_named_as_their_x_ratelimit_name() -> None:
    assert RATE_LIMIT_ENDPOINTS == ("org_get", "org_list", "salesforce_orgs")


def test_a_rate_limit_shows_on_every_answer_and_429_comes_past_it() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        fake.set_rate_limit(2, HOUR)
        first = client.get_org("abcdef12345").rate_limit
        assert first is not None
        assert (first.limit, first.period, first.remaining, first.name) == (2, HOUR, 1, "org_get")
        assert first.reset is not None and 1 <= first.reset <= HOUR
        second = client.get_org("abcdef12345").rate_limit
        assert second is not None
        assert (second.limit, second.remaining, second.name) == (2, 0, "org_get")
        assert second.reset is not None and 1 <= second.reset <= first.reset
        with pytest.raises(ddorg.RateLimitedError) as info:
            unpaced_call(fake, "get_org")
        limited = info.value.rate_limit
        assert limited is not None
        assert (limited.limit, limited.remaining, limited.name) == (2, 0, "org_get")
        assert info.value.errors == ["Too many requests"]
        assert fake.rate_limited_count == 1
        # Another key has its own budget, another endpoint its own count.
        with client_for(fake, api_key="another-key") as other:
            assert other.get_org("abcdef12345").status == 200
        listed = client.list_orgs().rate_limit
        assert listed is not None and (listed.name, listed.remaining) == ("org_list", 1)


def test_one_endpoint_alone_then_cleared_then_reset() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        fake.set_rate_limit(1, 60, endpoint="salesforce_orgs")
        client.list_salesforce_organizations()
        with pytest.raises(ddorg.RateLimitedError):
            unpaced_call(fake, "list_salesforce_organizations")
        fixed = client.get_org("abcdef12345").rate_limit
        assert fixed == ddorg.RateLimit(1000, 60, 999, 42, "org_get")
        fake.clear_rate_limits()
        unpaced_call(fake, "list_salesforce_organizations")
        assert fake.rate_limited_count == 1
        fake.set_rate_limit(1, 60)
        fake.reset()
        assert fake.rate_limited_count == 0
        client.get_org("abcdef12345")
        client.get_org("abcdef12345")


def test_enqueued_replies_win_over_the_rate_limit() -> None:
    with FakeServer() as fake, client_for(fake) as client:
        fake.set_rate_limit(1, HOUR)
        fake.enqueue(json={"org": {"public_id": "queued"}})
        org = client.get_org("abcdef12345").org
        assert org is not None and org.public_id == "queued"
        remaining = client.get_org("abcdef12345").rate_limit
        assert remaining is not None and remaining.remaining == 0


def test_bad_rate_limits_raise_value_error() -> None:
    with FakeServer() as fake:
        with pytest.raises(ValueError, match="unknown endpoint"):
            fake.set_rate_limit(1, 60, endpoint="nope")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="at least 1 second"):
            fake.set_rate_limit(1, 0)
        with pytest.raises(ValueError, match="latency"):
            fake.set_latency(-1)


def test_latency_holds_back_every_call_and_parallel_clients_are_all_answered() -> None:
    latency = 0.15
    with FakeServer() as fake:
        fake.set_latency(latency)
        assert fake.latency == pytest.approx(latency)
        with client_for(fake) as client:
            client.get_org("abcdef12345")  # a new connection: TCP, then the request
            started = time.monotonic()
            client.get_org("abcdef12345")  # kept alive: one round trip
            assert time.monotonic() - started >= latency
        clients = 8
        errors: list[BaseException] = []

        def call() -> None:
            try:
                with client_for(fake) as c:
                    c.get_org("abcdef12345")
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)

        threads = [threading.Thread(target=call) for _ in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        assert not errors
        assert elapsed >= 2 * latency
        fake.reset()
        assert fake.latency == pytest.approx(latency)
        fake.set_latency(0)
        assert fake.latency == 0
