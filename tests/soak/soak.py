"""Soak of the Python binding, run by scripts/soak: THREADS threads x CALLS calls each through one
shared ddorg.Client against the ddorg-fake at URL (which answers the org `soak-missing-org` with
404, so one call in ten soaks the error path). Prints one `soak lang=python ...` line with the RSS
after a warm-up and at the end; exits 1 if any call failed unexpectedly.

    python tests/soak/soak.py URL CALLS THREADS
"""

from __future__ import annotations

import sys
import threading
import time

import ddorg

MISSING = "soak-missing-org"


def rss_kib() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    url, calls, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = ddorg.Client("soak-api-key", "soak-app-key", base_url=url)
    warmup = min(calls // 10, 100)
    barrier = threading.Barrier(threads + 1)
    lock = threading.Lock()
    counts = {"errors": 0, "expected_errors": 0}
    first_error: list[str] = []

    def worker(t: int) -> None:
        for i in range(calls):
            if i == warmup:
                barrier.wait()  # warmed up
                barrier.wait()  # start RSS read
            n = t + i
            try:
                if n % 10 == 9:
                    try:
                        client.get_org(MISSING)
                        raise AssertionError("a missing org was found")
                    except ddorg.NotFoundError:
                        with lock:
                            counts["expected_errors"] += 1
                elif n % 2 == 0:
                    client.get_org("abcdef12345")
                else:
                    client.list_salesforce_organizations()
            except Exception as e:  # counted and reported below
                with lock:
                    counts["errors"] += 1
                    if not first_error:
                        first_error.append(repr(e))
        barrier.wait()  # done: end RSS read
        barrier.wait()

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    rss_start = rss_kib()
    started = time.monotonic()
    barrier.wait()
    barrier.wait()
    elapsed = time.monotonic() - started
    rss_end = rss_kib()
    barrier.wait()
    for w in workers:
        w.join()
    client.close()

    measured = (calls - warmup) * threads
    print(
        f"soak lang=python threads={threads} calls={calls * threads} measured_calls={measured} "
        f"errors={counts['errors']} expected_errors={counts['expected_errors']} "
        f"elapsed_s={elapsed:.2f} calls_per_s={measured / max(elapsed, 1e-9):.0f} "
        f"rss_start_kib={rss_start} rss_end_kib={rss_end} rss_growth_kib={rss_end - rss_start}"
    )
    if first_error:
        print(f"soak: {counts['errors']} calls failed; the first: {first_error[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
