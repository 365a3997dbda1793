"""Ctrl-C during a request in flight or an audit (one org or a fleet): `KeyboardInterrupt` (or
what the SIGINT handler raises) within a fraction of a second, and the abandoned work neither
leaks nor leaves the client, or the next audit, unusable."""

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
            client.get_org("abcdef12345")
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
                client.get_org("abcdef12345")
        finally:
            timer.cancel()
            timer.join()
    # Each abandoned request ends with its reply (0.7 s) and its worker thread with it.
    deadline = time.monotonic() + 10
    while len(list(TASKS.iterdir())) > threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(TASKS.iterdir())) <= threads_before
    assert client.get_org("abcdef12345").org is not None


def write_fleet(tmp_path: Path, fake: Fake, orgs: int) -> Path:
    """A fleet file of `orgs` orgs, all served by `fake` (which answers their made-up ids)."""
    fake.set_unknown_orgs("example")
    (tmp_path / "api-key").write_text(API_KEY)
    (tmp_path / "app-key").write_text(APP_KEY)
    for key in ("api-key", "app-key"):  # key files others can read are refused
        (tmp_path / key).chmod(0o600)
    lines = [
        "[defaults]",
        f'base_url = "{fake.base_url}"',
        'api_key_file = "api-key"',
        'app_key_file = "app-key"',
        "max_retries = 0",
    ]
    for i in range(orgs):
        lines += ["[[orgs]]", f'public_id = "org-{i}"']
    path = tmp_path / "fleet.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


FLEET_ORGS = 16
FLEET_CONCURRENCY = 4


def thread_count() -> int:
    return len(list(TASKS.iterdir()))


def wait_for_abandoned_work(threads_before: int) -> int:
    """Waits until the abandoned call has ended, and returns the thread count then.

    `threads_before` was counted while the calling thread's worker existed. The worker given up
    on keeps running its call (and a fleet its own threads) until the call ends, and no new
    worker starts until the next call: so the count falls below `threads_before` exactly when
    everything the abandoned call started has ended."""
    deadline = time.monotonic() + 15
    while thread_count() >= threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    return thread_count()


@pytest.mark.skipif(not TASKS.is_dir(), reason="counts threads through /proc")
def test_ctrl_c_interrupts_a_fleet_audit_and_a_new_one_works(fake: Fake, tmp_path: Path) -> None:
    fleet = write_fleet(tmp_path, fake, FLEET_ORGS)
    # Warm up: the calling thread's worker exists and the fleet's threads came and went.
    assert ddorg.audit_fleet(fleet, concurrency=FLEET_CONCURRENCY).exit_code == 0
    threads_before = thread_count()
    fake.reset()
    # Every request takes 2 s: the whole fleet would take 16 s at this concurrency.
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=2000, repeat=2 * FLEET_ORGS)
    timer = ctrl_c_after(0.5)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            ddorg.audit_fleet(fleet, concurrency=FLEET_CONCURRENCY)
    finally:
        timer.cancel()
        timer.join()
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"KeyboardInterrupt came {elapsed:.2f} s into the fleet audit"
    # The orgs in flight finish their calls (two each at the most); no further org starts.
    assert wait_for_abandoned_work(threads_before) < threads_before
    assert len(fake.requests()) <= 2 * FLEET_CONCURRENCY
    # A new audit afterwards works, on the same fleet.
    fake.reset()
    report = ddorg.audit_fleet(fleet, concurrency=FLEET_CONCURRENCY)
    assert [o.status for o in report.orgs] == ["audited"] * FLEET_ORGS
    assert report.exit_code == 0


class Stop(Exception):
    """What a program's own SIGINT handler raises."""


@pytest.mark.skipif(not TASKS.is_dir(), reason="counts threads through /proc")
def test_a_fleet_audit_raises_what_the_sigint_handler_raises(fake: Fake, tmp_path: Path) -> None:
    def handler(signum: int, frame: object) -> None:
        raise Stop("stopped by the handler")

    # The autouse fixture puts the previous handler back afterwards.
    signal.signal(signal.SIGINT, handler)
    fleet = write_fleet(tmp_path, fake, FLEET_ORGS)
    assert ddorg.audit_fleet(fleet, concurrency=FLEET_CONCURRENCY).exit_code == 0
    threads_before = thread_count()
    fake.reset()
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=2000, repeat=2 * FLEET_ORGS)
    timer = ctrl_c_after(0.3)
    started = time.monotonic()
    try:
        with pytest.raises(Stop, match="stopped by the handler"):
            ddorg.audit_fleet(fleet, concurrency=FLEET_CONCURRENCY)
    finally:
        timer.cancel()
        timer.join()
    # Raised while the audit runs, not once it is over (16 s here).
    assert time.monotonic() - started < 2.0
    # The abandoned audit ends before the next test uses the fake.
    assert wait_for_abandoned_work(threads_before) < threads_before


@pytest.mark.skipif(not TASKS.is_dir(), reason="counts threads through /proc")
def test_ctrl_c_interrupts_a_one_org_audit(fake: Fake) -> None:
    client = ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0, timeout=60)
    assert ddorg.audit(client, "abcdef12345").orgs[0].status == "audited"
    threads_before = thread_count()
    fake.enqueue(json=ORG_EXAMPLE, delay_ms=3000)
    timer = ctrl_c_after(0.5)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            ddorg.audit(client, "abcdef12345")
    finally:
        timer.cancel()
        timer.join()
    assert time.monotonic() - started < 2.0
    # Its request ends with the 3 s reply, before the next test uses the fake.
    assert wait_for_abandoned_work(threads_before) < threads_before
    fake.reset()
    assert ddorg.audit(client, "abcdef12345").orgs[0].status == "audited"
