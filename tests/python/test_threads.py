"""One client shared by many threads, the GIL released during calls, Ctrl-C during retry waits."""

from __future__ import annotations

import _thread
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import ddorg
from conftest import ORG_EXAMPLE, Fake


def test_eight_threads_share_one_client_in_parallel(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=500, repeat=8)
    barrier = threading.Barrier(8)

    def call(_: int) -> ddorg.OrganizationResponse:
        barrier.wait()
        return client.get_org("abcdef12345")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(8)))
    elapsed = time.monotonic() - started

    # Serialized they would take 8 x 500 ms; in parallel about 500 ms.
    assert elapsed < 2.5, f"8 calls of 500 ms took {elapsed:.2f} s: the GIL is not released"
    assert all(r.to_dict() == ORG_EXAMPLE for r in results)
    assert len(fake.requests()) == 8


def test_python_threads_run_while_a_call_waits(client: ddorg.Client, fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=600)
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        client.get_org("abc")
    finally:
        stop.set()
        counter.join()
    # Held GIL: the counter could not run at all during the 600 ms call.
    assert ticks >= 20, ticks


def test_many_threads_many_calls_with_errors_mixed_in(client: ddorg.Client, fake: Fake) -> None:
    fake.set_org("missing", status=404, errors=["Not Found"])

    def work(i: int) -> Any:
        if i % 3 == 0:
            with pytest.raises(ddorg.NotFoundError):
                client.get_org("missing")
            return None
        if i % 3 == 1:
            return client.get_org("abcdef12345").org
        return client.list_salesforce_organizations().data[0].id

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(60)))
    assert results[1] is not None and results[1].name == "New child org"
    assert results[2] == "596da4af-0563-4097-90ff-07230c3f9db3"
    assert len(fake.requests()) == 60


def test_ctrl_c_interrupts_a_long_rate_limit_wait(fake: Fake) -> None:
    fake.enqueue(status=429, errors=["Too many requests"], headers={"x-ratelimit-reset": "30"})
    client = ddorg.Client("k", "a", base_url=fake.base_url, max_retries=1, timeout=60)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.get_org("abc")
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"the 30 s wait was not interrupted ({elapsed:.1f} s)"
    assert len(fake.requests()) == 1  # the retry was abandoned

    # The interrupt does not linger: the next call on the same thread works.
    assert client.get_org("abcdef12345").org is not None


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_a_signal_handlers_exception_ends_the_wait(fake: Fake) -> None:
    class Stop(Exception):
        pass

    def handler(signum: int, frame: object) -> None:
        raise Stop()

    previous = signal.signal(signal.SIGUSR1, handler)
    fake.enqueue(status=503, errors=["down"], repeat=10)
    # Long backoff waits: 10 retries within a 60 s deadline.
    client = ddorg.Client("k", "a", base_url=fake.base_url, max_retries=10, timeout=60)
    timer = threading.Timer(0.3, signal.pthread_kill, (threading.main_thread().ident, signal.SIGUSR1))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(Stop):
            client.get_org("abc")
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)
    assert time.monotonic() - started < 5
