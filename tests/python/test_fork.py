"""After `os.fork()`, parent and child each get the answers to their own requests: a client never
uses a connection opened in another process. The fake answers each id with an org naming that id,
so an answer read by the wrong process (or for the wrong request) is seen."""

from __future__ import annotations

import json
import os
import threading
import warnings
from typing import Callable

import ddorg
from conftest import API_KEY, APP_KEY, Fake

IDS_PER_SIDE = 8


def register_ids(fake: Fake, prefix: str) -> None:
    for i in range(IDS_PER_SIDE):
        public_id = f"{prefix}-{i}"
        fake.set_org(public_id, json={"org": {"public_id": public_id, "name": prefix}})


def call_many(client: ddorg.Client, prefix: str, calls: int) -> list[str]:
    """Makes `calls` calls for this side's ids; returns every wrong answer and error."""
    problems = []
    for i in range(calls):
        want = f"{prefix}-{i % IDS_PER_SIDE}"
        try:
            org = client.get_org(want).org
        except ddorg.DdorgError as e:
            problems.append(f"asked {want}: {type(e).__name__}: {e}")
            continue
        got = org.public_id if org is not None else None
        if got != want:
            problems.append(f"asked {want} got {got}")
    return problems


def fork_child(work: Callable[[], list[str]]) -> tuple[int, int]:
    """Runs `work` in a forked child; returns its pid and the pipe its problems come back on."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads: that is the scenario.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.close(read_end)
            problems = work()
            with os.fdopen(write_end, "wb") as out:
                out.write(json.dumps(problems).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def child_result(pid: int, read_end: int) -> list[str]:
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child failed: status {status}"
    problems: list[str] = json.loads(data)
    return problems


def test_parent_and_child_each_get_their_own_answers_after_fork(fake: Fake) -> None:
    register_ids(fake, "parent")
    register_ids(fake, "child")
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0) as client:
        # Pooled keep-alive connections exist before the first fork.
        assert call_many(client, "parent", 10) == []
        for _ in range(3):
            pid, pipe = fork_child(lambda: call_many(client, "child", 1000))
            parent_problems = call_many(client, "parent", 1000)
            child_problems = child_result(pid, pipe)
            assert parent_problems == [], parent_problems[:10]
            assert child_problems == [], child_problems[:10]


def test_a_grandchild_gets_its_own_connections_too(fake: Fake) -> None:
    register_ids(fake, "parent")
    register_ids(fake, "child")
    register_ids(fake, "grandchild")
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0) as client:
        assert call_many(client, "parent", 10) == []

        def child() -> list[str]:
            problems = call_many(client, "child", 10)
            pid, pipe = fork_child(lambda: call_many(client, "grandchild", 300))
            problems += call_many(client, "child", 300)
            return problems + child_result(pid, pipe)

        pid, pipe = fork_child(child)
        parent_problems = call_many(client, "parent", 300)
        assert child_result(pid, pipe) == []
        assert parent_problems == []


def test_forking_while_eight_threads_are_busy_gives_every_process_its_own_answers(
    fake: Fake,
) -> None:
    for t in range(8):
        register_ids(fake, f"thread{t}")
    register_ids(fake, "child")
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=0) as client:
        stop = threading.Event()
        thread_problems: list[str] = []
        calls_made = [0] * 8

        def busy(t: int) -> None:
            while not stop.is_set():
                thread_problems.extend(call_many(client, f"thread{t}", 20))
                calls_made[t] += 20

        threads = [threading.Thread(target=busy, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        child_problems = []
        try:
            for _ in range(40):
                pid, pipe = fork_child(lambda: call_many(client, "child", 50))
                child_problems += child_result(pid, pipe)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert min(calls_made) > 0
        assert thread_problems == [], thread_problems[:10]
        assert child_problems == [], child_problems[:10]
