"""The benchmark's Python worker: one client (ddorg, Datadog's official client or a raw socket),
one endpoint, N threads, printing one JSON line with the same method and fields as
crates/ddorg-core/examples/bench.rs and tests/bench/bench.c; and the import-time probe.

Run by bench_runner.py through `bench.py worker` and `bench.py import`.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import threading
import time
from array import array
from typing import Any, Callable, List, Optional

API_KEY = "bench-api-key"
APP_KEY = "bench-app-key"
ORG_ID = "abcdef12345"
PATHS = {
    "org": "/api/v1/org/abcdef12345",
    "salesforce": "/api/v2/integration/salesforce-incidents/organizations",
}

# What each client imports to make the two calls (the official client: exactly the two API modules).
IMPORTS = {
    "none": "",
    "ddorg": "import ddorg",
    "official": (
        "import datadog_api_client\n"
        "from datadog_api_client import ApiClient, Configuration\n"
        "from datadog_api_client.v1.api.organizations_api import OrganizationsApi\n"
        "from datadog_api_client.v2.api.salesforce_integration_api import SalesforceIntegrationApi"
    ),
}


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def make_caller(kind: str, endpoint: str, url: str) -> Callable[[], Callable[[], Any]]:
    """Returns a factory called once per thread: clients are shared, sockets are per thread."""
    if kind == "ddorg":
        import ddorg

        client = ddorg.Client(API_KEY, APP_KEY, base_url=url)
        call = (lambda: client.get_org(ORG_ID)) if endpoint == "org" else (
            client.list_salesforce_organizations
        )
        return lambda: call
    if kind == "official":
        from datadog_api_client import ApiClient, Configuration
        from datadog_api_client.v1.api.organizations_api import OrganizationsApi
        from datadog_api_client.v2.api.salesforce_integration_api import (
            SalesforceIntegrationApi,
        )

        config = Configuration(host=url, api_key={"apiKeyAuth": API_KEY, "appKeyAuth": APP_KEY})
        api_client = ApiClient(config)
        if endpoint == "org":
            orgs = OrganizationsApi(api_client)
            return lambda: (lambda: orgs.get_org(ORG_ID))
        sf = SalesforceIntegrationApi(api_client)
        return lambda: sf.get_salesforce_organizations
    if kind == "py-socket":
        host, port = url.removeprefix("http://").rsplit(":", 1)
        request = (
            f"GET {PATHS[endpoint]} HTTP/1.1\r\nhost: {host}:{port}\r\naccept: application/json\r\n"
            f"dd-api-key: {API_KEY}\r\ndd-application-key: {APP_KEY}\r\n\r\n"
        ).encode()

        def per_thread() -> Callable[[], Any]:
            s = socket.create_connection((host, int(port)))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buf = bytearray(65536)
            view = memoryview(buf)

            def call() -> bytes:
                s.sendall(request)
                filled = 0
                while True:
                    n = s.recv_into(view[filled:])
                    if n == 0:
                        raise ConnectionError("closed")
                    filled += n
                    end = buf.find(b"\r\n\r\n", 0, filled)
                    if end >= 0:
                        break
                m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", buf[:end])
                assert m, "no content-length"
                total = end + 4 + int(m.group(1))
                while filled < total:
                    n = s.recv_into(view[filled:total])
                    if n == 0:
                        raise ConnectionError("closed")
                    filled += n
                return bytes(buf[end + 4 : total])

            return call

        return per_thread
    raise SystemExit(f"unknown client {kind}")


def worker(args: argparse.Namespace) -> None:
    factory = make_caller(args.client, args.endpoint, args.url)
    per = args.calls // args.threads
    ready = threading.Barrier(args.threads + 1)
    go = threading.Barrier(args.threads + 1)
    results: List[Optional[array]] = [None] * args.threads
    errors: List[BaseException] = []

    def run(i: int) -> None:
        try:
            call = factory()
            for _ in range(args.warmup):
                call()
            # Written now, so the timed loop's stores do not show up as RSS growth.
            lat = array("Q", [0]) * per
            clock = time.perf_counter_ns
        except BaseException as e:  # report, but still meet the barriers
            errors.append(e)
            ready.wait()
            go.wait()
            return
        ready.wait()
        go.wait()
        try:
            for j in range(per):
                t = clock()
                call()
                lat[j] = clock() - t
        except BaseException as e:
            errors.append(e)
        results[i] = lat

    threads = [threading.Thread(target=run, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    ready.wait()
    rss_start = rss_kib()
    go.wait()
    wall = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    rss_end = rss_kib()
    if errors:
        raise SystemExit(f"{args.client}: {errors[0]!r}")
    lat = sorted(x for r in results if r is not None for x in r)
    n = len(lat)
    print(
        json.dumps(
            {
                "lang": "python",
                "client": args.client,
                "endpoint": args.endpoint,
                "threads": args.threads,
                "calls": n,
                "mean_us": round(sum(lat) / n / 1e3, 2),
                "p50_us": round(lat[int(n * 0.50)] / 1e3, 2),
                "p99_us": round(lat[min(int(n * 0.99), n - 1)] / 1e3, 2),
                "calls_per_s": round(n / wall, 1),
                "rss_start_kib": rss_start,
                "rss_end_kib": rss_end,
            }
        )
    )


def import_probe(args: argparse.Namespace) -> None:
    t = time.perf_counter_ns()
    exec(IMPORTS[args.module], {})
    ns = time.perf_counter_ns() - t
    print(json.dumps({"module": args.module, "import_ms": ns / 1e6, "rss_kib": rss_kib()}))
