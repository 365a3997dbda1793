"""ddorg.AsyncClient: concurrency, a loop that keeps running, cancellation, errors, uvloop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Awaitable, Callable, Coroutine, TypeVar

import pytest
import uvloop

import ddorg
from conftest import API_KEY, APP_KEY, ORG_EXAMPLE
from ddorg.testing import FakeServer as Fake

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]


@pytest.fixture
def fake(ddorg_fake: Fake) -> Fake:
    """This module's fake is ddorg.testing's (the pytest plugin's fixture), fresh per test."""
    return ddorg_fake


def run_uvloop(coro: Coroutine[Any, Any, T]) -> T:
    loop = uvloop.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Runner[Any]:
    """Runs a coroutine to completion on a fresh loop of each kind."""
    runner: Runner[Any] = asyncio.run if request.param == "asyncio" else run_uvloop
    return runner


def async_client(fake: Fake, **kwargs: Any) -> ddorg.AsyncClient:
    return ddorg.AsyncClient(API_KEY, APP_KEY, base_url=fake.base_url, **kwargs)


def test_calls_return_the_same_responses_as_the_blocking_client(
    fake: Fake, run: Runner[Any]
) -> None:
    async def main() -> None:
        async with async_client(fake) as client:
            org = await client.get_org("abcdef12345")
            sf = await client.list_salesforce_organizations()
        assert org.to_dict() == ORG_EXAMPLE
        assert org.status == 200 and org.attempts == 1
        assert sf.data[0].attributes.name == "Acme Production Org"
        assert client.closed

    run(main())
    assert [r.path for r in fake.requests] == [
        "/api/v1/org/abcdef12345",
        "/api/v2/integration/salesforce-incidents/organizations",
    ]


def test_fifty_concurrent_calls_are_all_in_flight_at_once(fake: Fake, run: Runner[Any]) -> None:
    fake.set_org("slow", json=ORG_EXAMPLE, delay=1.0)

    async def main() -> float:
        async with async_client(fake) as client:
            started = time.monotonic()
            tasks = [asyncio.ensure_future(client.get_org("slow")) for _ in range(50)]
            # Every request reaches the fake while none has been answered: they run together.
            while fake.request_count < 50:
                assert not any(t.done() for t in tasks), "a call finished before all 50 started"
                await asyncio.sleep(0.01)
            assert not any(t.done() for t in tasks)
            responses = await asyncio.gather(*tasks)
            assert all(r.org is not None and r.org.name == "New child org" for r in responses)
            return time.monotonic() - started

    elapsed = run(main())
    assert fake.request_count == 50
    print(f"50 calls against a 1 s fake took {elapsed:.2f} s")


def test_the_loop_keeps_running_during_a_call(fake: Fake, run: Runner[Any]) -> None:
    fake.set_org("slow", json=ORG_EXAMPLE, delay=0.5)

    async def main() -> int:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        async with async_client(fake) as client:
            tick_task = asyncio.ensure_future(ticker())
            await client.get_org("slow")
            stop.set()
            await tick_task
        return ticks

    # A blocking call in the loop would leave the ticker at 1 (its first step) or 0.
    assert run(main()) >= 10


def test_a_cancelled_call_raises_cancelled_error_at_once_and_its_request_ends_by_its_deadline(
    fake: Fake, run: Runner[Any]
) -> None:
    fake.set_org("hung", json=ORG_EXAMPLE, delay=30)
    threads_before = threading.active_count()

    async def main() -> None:
        client = async_client(fake, timeout=1.0, max_retries=0)
        task = asyncio.ensure_future(client.get_org("hung"))
        while fake.request_count < 1:
            await asyncio.sleep(0.01)
        assert client.calls_in_flight == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        # The abandoned request runs on in its pool thread until the 1 s deadline ends it.
        deadline = time.monotonic() + 10
        while client.calls_in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert client.calls_in_flight == 0
        # The client is still usable afterwards.
        org = await client.get_org("abcdef12345")
        assert org.org is not None
        await client.aclose()

    run(main())
    assert threading.active_count() <= threads_before + 2


def test_wait_for_cancels_a_slow_call(fake: Fake, run: Runner[Any]) -> None:
    fake.set_org("slow", json=ORG_EXAMPLE, delay=5)

    async def main() -> None:
        async with async_client(fake, timeout=2.0) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.get_org("slow"), 0.2)

    run(main())


def test_the_pool_is_bounded_by_max_concurrency(fake: Fake, run: Runner[Any]) -> None:
    fake.set_org("slow", json=ORG_EXAMPLE, delay=0.3)

    async def main() -> None:
        async with async_client(fake, max_concurrency=4) as client:
            assert client.max_concurrency == 4
            tasks = [asyncio.ensure_future(client.get_org("slow")) for _ in range(12)]
            while fake.request_count < 4:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            # Four run, the other eight wait for a thread.
            assert fake.request_count == 4 and client.calls_in_flight == 4
            await asyncio.gather(*tasks)
        assert fake.request_count == 12

    run(main())


def test_errors_are_the_same_exceptions(fake: Fake, run: Runner[Any]) -> None:
    fake.enqueue(status=404, errors=["Organization not found"])

    async def main() -> None:
        async with async_client(fake, max_retries=0) as client:
            with pytest.raises(ddorg.NotFoundError) as info:
                await client.get_org("missing")
            assert info.value.status == 404 and info.value.attempts == 1
            with pytest.raises(ddorg.InvalidArgumentError):
                await client.get_org("")

    run(main())


def test_the_constructor_is_the_blocking_clients(fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ddorg.ConfigError, match="DD_API_KEY"):
        ddorg.AsyncClient()
    monkeypatch.setenv("DD_API_KEY", API_KEY)
    monkeypatch.setenv("DD_APP_KEY", APP_KEY)
    monkeypatch.setenv("DDORG_BASE_URL", fake.base_url)
    client = ddorg.AsyncClient(
        timeout=7, max_retries=1, user_agent="bot/1", connect_timeout=2, max_body_size=1024
    )
    assert client.base_url == fake.base_url and client.site is None
    assert (client.timeout, client.max_retries, client.user_agent) == (7.0, 1, "bot/1")
    assert (client.connect_timeout, client.max_body_size) == (2.0, 1024)
    assert repr(client).startswith("AsyncClient(") and API_KEY not in repr(client)
    with pytest.raises(ddorg.ConfigError, match="max_concurrency"):
        ddorg.AsyncClient(max_concurrency=0)
    client.close()


def test_a_closed_client_raises_config_error(fake: Fake, run: Runner[Any]) -> None:
    async def main() -> None:
        client = async_client(fake)
        await client.aclose()
        with pytest.raises(ddorg.ConfigError, match="closed"):
            await client.get_org("abc")

    run(main())
