"""Ctrl-C during a request in flight: `KeyboardInterrupt` within a fraction of a second, and the
abandoned request neither leaks nor leaves the client unusable."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, ORG_EXAMPLE, Fake

TASKS = Path("/proc/self/task")


def ctrl_c_after(seconds: float) -> threading.Timer:
    """Sends this process a real SIGINT, as a terminal's Ctrl-C does."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_interrupts_a_request_in_flight(fake: Fake) -> None:
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=5000)
    client = ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0, timeout=60)
    timer = ctrl_c_after(0.5)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.get_org("abc")
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    # Before, the call ignored Ctrl-C until the 5 s reply came: this bound is generous.
    assert elapsed < 2.0, f"KeyboardInterrupt came {elapsed:.2f} s into a 5 s request"
    # The client is usable at once.
    assert client.get_org("abcdef12345").org is not None


@pytest.mark.skipif(not TASKS.is_dir(), reason="counts threads through /proc")
def test_abandoned_requests_finish_and_leave_nothing_behind(fake: Fake) -> None:
    client = ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0, timeout=60)
    assert client.get_org("abcdef12345").org is not None
    threads_before = len(list(TASKS.iterdir()))
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=700, repeat=10)
    for _ in range(10):
        timer = ctrl_c_after(0.1)
        try:
            with pytest.raises(KeyboardInterrupt):
                client.get_org("abc")
        finally:
            timer.cancel()
            timer.join()
    # Each abandoned request ends with its reply (0.7 s) and its worker thread with it.
    deadline = time.monotonic() + 10
    while len(list(TASKS.iterdir())) > threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(TASKS.iterdir())) <= threads_before
    assert client.get_org("abcdef12345").org is not None
