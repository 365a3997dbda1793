"""The benchmark: ddorg from Rust, C and Python next to Datadog's official Python client and two
floors, all against one ddorg-fake on loopback, in one run; then the fleet audit
(scripts/bench_fleet.py: `ddorg audit --fleet` over 1,000 orgs of `ddorg-fake --fleet`). Writes
BENCHMARKS.md and a chart.

Run through scripts/bench, which builds the artifacts and the .venv-bench this needs. Subcommands:

    bench.py run --fake BIN --rust-bench BIN --c-bench BIN [--quick] --out FILE --chart FILE ...
    bench.py worker ddorg|official|py-socket --url URL [--endpoint org|salesforce]
                    [--threads N] [--calls N] [--warmup N]     (one JSON line, like the Rust one)
    bench.py import ddorg|official|none                        (one JSON line: import time, RSS)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from array import array
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import bench_fleet

API_KEY = "bench-api-key"
APP_KEY = "bench-app-key"
ORG_ID = "abcdef12345"
PATHS = {
    "org": "/api/v1/org/abcdef12345",
    "salesforce": "/api/v2/integration/salesforce-incidents/organizations",
}
ROOT = Path(__file__).resolve().parent.parent

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


# ---------------------------------------------------------------------------------------------
# worker: one client, one endpoint, N threads; the same method and output as examples/bench.rs


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


# ---------------------------------------------------------------------------------------------
# run: everything, against one fake


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.results: List[Dict[str, Any]] = []

    def pin_fake(self, cpus: set) -> None:
        """Sets the fake's CPU affinity, every thread of it (new connection threads inherit the
        accept thread's)."""
        for tid in os.listdir(f"/proc/{self.fake_pid}/task"):
            try:
                os.sched_setaffinity(int(tid), cpus)
            except OSError:
                pass  # a connection thread that just ended

    def sh(self, cmd: List[str], cpus: Optional[set] = None) -> Dict[str, Any]:
        pre = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        out = subprocess.run(
            cmd, check=True, capture_output=True, text=True, preexec_fn=pre
        ).stdout
        line = json.loads(out.strip().splitlines()[-1])
        return line

    def bench(self, who: str, endpoint: str, threads: int, calls: int, tag: str = "") -> Dict:
        """who: socket-floor, ureq-floor, rust, c, py, py-socket or official; tag
        pool-per-thread gives each Rust thread its own client or agent."""
        a = self.args
        common = ["--url", self.url, "--endpoint", endpoint, "--threads", str(threads)]
        common += ["--calls", str(calls), "--warmup", str(a.warmup)]
        if who in ("rust", "ureq-floor", "socket-floor"):
            cmd = [a.rust_bench, "ddorg" if who == "rust" else who] + common
            if tag.startswith("pool-per-thread"):
                cmd.append("--pool-per-thread")
        elif who == "c":
            cmd = [a.c_bench] + common
        else:
            worker_client = "ddorg" if who == "py" else who
            cmd = [sys.executable, __file__, "worker", worker_client] + common
        # One thread: client and fake share one CPU, so every call is a direct hand-off and
        # the figure is the work done, not how fast an idle vCPU wakes up (which varied run to
        # run by 3x here). More threads: every CPU for everyone.
        pinned = threads == 1 and not tag.startswith("unpinned")
        cpus = {min(self.all_cpus)} if pinned else self.all_cpus
        self.pin_fake(cpus)
        cpu_before = self.fake_cpu_s()
        busy = self.busy()
        stat_before, kids_before = self.cpu_stat(), self.children_cpu_s()
        t0 = time.perf_counter()
        r = self.sh(cmd, cpus)
        r["wall_s"] = round(time.perf_counter() - t0, 2)
        stat_after = self.cpu_stat()
        # CPU time used on the machine during the run by anything but this run (the client
        # process and the fake), and time the hypervisor gave to other guests (steal).
        ours = (self.children_cpu_s() - kids_before) + (self.fake_cpu_s() - cpu_before)
        r["other_cpu_s"] = round(max(0.0, stat_after[0] - stat_before[0] - ours), 2)
        r["steal_s"] = round(stat_after[1] - stat_before[1], 2)
        r["pinned_cpus"] = sorted(cpus)
        r["other_builds"] = max(busy, self.busy())
        served = r["calls"] + threads * a.warmup
        r["fake_cpu_us_per_call"] = (self.fake_cpu_s() - cpu_before) / served * 1e6
        r["who"] = who
        r["tag"] = tag
        self.results.append(r)
        print(
            f"  {who + (' (own pool)' if tag.startswith('pool-per-thread') else ''):<24} {endpoint:<10} {threads}t {r['calls']:>7} calls  "
            f"mean {r['mean_us']:>8.1f} µs  p50 {r['p50_us']:>8.1f}  p99 {r['p99_us']:>8.1f}  "
            f"{r['calls_per_s']:>9.0f}/s  rss {r['rss_start_kib']}→{r['rss_end_kib']} KiB  "
            f"fake {r['fake_cpu_us_per_call']:.1f} µs CPU/call  other {r['other_cpu_s']:.2f} s "
            f"steal {r['steal_s']:.2f} s",
            flush=True,
        )
        return r

    @staticmethod
    def busy() -> int:
        """How many cargo or rustc processes (other engineers' builds) are running now."""
        n = 0
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/comm") as f:
                    n += f.read().strip() in ("cargo", "rustc")
            except (OSError, ValueError):
                pass
        return n

    @staticmethod
    def cpu_stat() -> tuple:
        """Seconds of (user + nice + system + irq + softirq, steal) over all CPUs, /proc/stat."""
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        tck = os.sysconf("SC_CLK_TCK")
        return ((v[0] + v[1] + v[2] + v[5] + v[6]) / tck, v[7] / tck)

    @staticmethod
    def children_cpu_s() -> float:
        import resource

        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    def fake_cpu_s(self) -> float:
        """CPU time (user + system) the fake has used so far, from /proc/PID/stat."""
        with open(f"/proc/{self.fake_pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def find(self, who: str, endpoint: str, threads: int, tag: str = "") -> Dict[str, Any]:
        for r in self.results:
            if (r["who"], r["endpoint"], r["threads"], r["tag"]) == (who, endpoint, threads, tag):
                return r
        raise KeyError((who, endpoint, threads, tag))

    def imports(self, module: str, runs: int) -> Dict[str, Any]:
        samples = []
        for i in range(runs + 3):  # 3 discarded: page cache and .pyc
            cmd = [sys.executable, __file__, "import", module]
            r = self.sh(cmd)
            if i >= 3:
                samples.append(r)
        ms = sorted(s["import_ms"] for s in samples)
        out = {
            "module": module,
            "runs": runs,
            "median_ms": statistics.median(ms),
            "min_ms": ms[0],
            "max_ms": ms[-1],
            "rss_kib": int(statistics.median(s["rss_kib"] for s in samples)),
        }
        print(f"  import {module:<9} median {out['median_ms']:.2f} ms over {runs} runs "
              f"(min {out['min_ms']:.2f}, max {out['max_ms']:.2f}), RSS {out['rss_kib']} KiB",
              flush=True)
        return out

    def main(self) -> None:
        a = self.args
        quick = a.quick
        fake = subprocess.Popen(
            [a.fake, "--no-record", "--exit-on-eof"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            line = fake.stdout.readline() if fake.stdout else ""
            m = re.match(r"PORT (\d+)", line)
            if not m:
                raise SystemExit(f"ddorg-fake did not print its port: {line!r}")
            self.url = f"http://127.0.0.1:{m.group(1)}"
            self.fake_pid = fake.pid
            self.all_cpus = os.sched_getaffinity(0)
            self.run_all(quick)
        finally:
            if fake.stdin:
                fake.stdin.close()
            fake.wait(timeout=10)

    def run_all(self, quick: bool) -> None:
        a = self.args
        long_calls = 200 if quick else a.calls_long  # single thread, org: also the RSS run
        calls = 200 if quick else a.calls
        mt_calls = 400 if quick else a.calls_threads
        off_long = 200 if quick else a.official_calls_long
        off_calls = 200 if quick else a.official_calls
        threads = a.threads

        print(f"fake at {self.url}; capacity first (raw socket, {threads} threads)", flush=True)
        self.bench("socket-floor", "org", threads, mt_calls, "capacity")

        print("pinning check: ddorg Rust, 1 thread, 3 runs unpinned then 3 pinned", flush=True)
        for k in range(3):
            self.bench("rust", "org", 1, calls, f"unpinned-{k}")
        for k in range(3):
            self.bench("rust", "org", 1, calls, f"pinned-{k}")

        # Every client runs in several interleaved rounds and the median run counts: pinned
        # 1-thread figures still move by a few percent from run to run, and multi-thread ones
        # more. The official client, 10x slower, runs once per figure.
        rounds = 1 if quick else a.rounds
        fast = ("socket-floor", "ureq-floor", "rust", "c", "py-socket", "py")
        runs_of: Dict[tuple, List[Dict[str, Any]]] = {}

        def measure(who: str, endpoint: str, t: int, n: int, tag: str, k: int) -> None:
            r = self.bench(who, endpoint, t, n, f"{tag}#round{k}")
            runs_of.setdefault((who, endpoint, t, tag), []).append(r)

        for k in range(rounds):
            print(f"latency, 1 thread, round {k + 1} of {rounds}", flush=True)
            for endpoint in ("org", "salesforce"):
                n = long_calls if endpoint == "org" else calls
                for who in fast:
                    measure(who, endpoint, 1, n, "", k)
                if k == 0:
                    measure("official", endpoint, 1,
                            off_long if endpoint == "org" else off_calls, "", k)
        for k in range(rounds):
            print(f"throughput, {threads} threads, round {k + 1} of {rounds}", flush=True)
            for who in fast:
                measure(who, "org", threads, mt_calls, "", k)
            measure("official", "org", threads, off_calls, "", k)
            for who in ("ureq-floor", "rust"):
                measure(who, "org", threads, mt_calls, "pool-per-thread", k)
        for (who, endpoint, t, tag), rs in runs_of.items():
            med = dict(sorted(rs, key=lambda r: r["calls_per_s"])[len(rs) // 2])
            med["tag"] = tag
            med["rounds_calls_per_s"] = [r["calls_per_s"] for r in rs]
            med["median_of_rounds"] = True
            self.results.append(med)

        print("import time (fresh interpreter each run)", flush=True)
        runs = 5 if quick else a.import_runs
        self.import_stats = {m: self.imports(m, runs) for m in ("none", "ddorg", "official")}

        print("fleet audit (scripts/bench_fleet.py)", flush=True)
        self.fleet = bench_fleet.run(self.args, quick)

        print("writing the report", flush=True)
        self.write_report(quick)

    # -----------------------------------------------------------------------------------------
    # the report

    def py(self, endpoint: str, threads: int) -> Dict[str, Any]:
        return self.find("py", endpoint, threads)

    def write_report(self, quick: bool) -> None:
        a = self.args
        T = a.threads
        rust = lambda e, t: self.find("rust", e, t)  # noqa: E731
        c = lambda e, t: self.find("c", e, t)  # noqa: E731
        off = lambda e, t: self.find("official", e, t)  # noqa: E731
        sock = lambda e, t: self.find("socket-floor", e, t)  # noqa: E731
        ureqf = lambda e, t: self.find("ureq-floor", e, t)  # noqa: E731
        cap = self.find("socket-floor", "org", T, "capacity")
        imp = self.import_stats
        build = json.loads(Path(a.build_json).read_text()) if a.build_json else {}
        sizes = json.loads(Path(a.sizes_json).read_text()) if a.sizes_json else {}

        def tput(r: Dict[str, Any]) -> float:
            return float(r["calls_per_s"])

        def growth(r: Dict[str, Any]) -> float:
            return (r["rss_end_kib"] - r["rss_start_kib"]) / r["rss_start_kib"] * 100

        rows: List[List[str]] = []

        def target(name: str, value: float, fmt: str, ok: bool, goal: str, detail: str) -> None:
            rows.append([name, fmt.format(value), goal, "met" if ok else "**missed**", detail])

        for e in ("org", "salesforce"):
            r = tput(self.py(e, 1)) / tput(off(e, 1))
            target(f"ddorg-py ÷ official throughput, {e}, 1 thread", r, "{:.1f}×", r >= 5, "≥ 5×",
                   f"{tput(self.py(e, 1)):.0f} vs {tput(off(e, 1)):.0f} calls/s")
        r = tput(self.py("org", T)) / tput(off("org", T))
        target(f"ddorg-py ÷ official throughput, org, {T} threads", r, "{:.1f}×", r >= 5, "≥ 5×",
               f"{tput(self.py('org', T)):.0f} vs {tput(off('org', T)):.0f} calls/s")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(sock(e, t)) / tput(self.py(e, t))
            target(f"raw-socket floor ÷ ddorg-py throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.2f}×", r <= 1.5, "≤ 1.5×",
                   f"{tput(sock(e, t)):.0f} vs {tput(self.py(e, t)):.0f} calls/s")
        dd, of = imp["ddorg"]["median_ms"], imp["official"]["median_ms"]
        target("`import ddorg`", dd, "{:.2f} ms", dd <= 15, "≤ 15 ms",
               f"median of {imp['ddorg']['runs']} fresh interpreters")
        target("`import datadog_api_client` (+ 2 APIs) ÷ `import ddorg`", of / dd, "{:.1f}×",
               of / dd >= 8, "≥ 8×", f"{of:.1f} ms vs {dd:.2f} ms")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(ureqf(e, t)) / tput(rust(e, t))
            target(f"ureq+serde floor ÷ ddorg Rust throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.2f}×", r <= 1.2, "≤ 1.2×",
                   f"{tput(ureqf(e, t)):.0f} vs {tput(rust(e, t)):.0f} calls/s")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(rust(e, t)) / tput(c(e, t))
            target(f"ddorg Rust ÷ ddorg C throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.3f}×", r <= 1.05, "≤ 1.05×",
                   f"{tput(rust(e, t)):.0f} vs {tput(c(e, t)):.0f} calls/s")
        for label, r in (("Rust", rust("org", 1)), ("C", c("org", 1)),
                         ("Python", self.py("org", 1))):
            g = growth(r)
            target(f"RSS growth over {r['calls']} calls, {label}", g, "{:+.2f} %", g <= 5,
                   "≤ 5 %", f"{r['rss_start_kib']} → {r['rss_end_kib']} KiB")
        if "core_s" in build:
            target("clean release build of ddorg-core", build["core_s"], "{:.1f} s",
                   build["core_s"] <= 40, "≤ 40 s", "dependencies included, 2 cores")

        latency_rows = []
        names = [
            ("socket-floor", "raw keep-alive socket (Rust), floor", sock),
            ("ureq-floor", "bare ureq + serde_json (Rust), floor", ureqf),
            ("rust", "ddorg, Rust", rust),
            ("c", "ddorg, C (libddorg.so)", c),
            ("py", "ddorg, Python", self.py),
            ("py-socket", "raw keep-alive socket (Python)",
             lambda e, t: self.find("py-socket", e, t)),
            ("official", "datadog-api-client (Python)", off),
        ]
        for key, label, get in names:
            cells = [label]
            for e, t in (("org", 1), ("salesforce", 1)):
                r = get(e, t)
                cells += [f"{r['mean_us']:.1f}", f"{r['p50_us']:.1f}", f"{r['p99_us']:.1f}",
                          f"{tput(r):,.0f}"]
            cells.append(f"{tput(get('org', T)):,.0f}")
            latency_rows.append(cells)

        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        md = []
        w = md.append
        w("# ddorg benchmarks\n")
        w(f"Generated by `scripts/bench{' --quick' if quick else ''}` on {when}. Every figure "
          "below comes from that one run: all clients against the same `ddorg-fake` process on "
          "loopback, one after the other. Re-run `scripts/bench` to reproduce; figures from "
          "another machine or another moment are not comparable with these.\n")
        runs = [r for r in self.results if not r.get("median_of_rounds")]
        noisy = [r for r in runs if r["other_builds"]]
        if noisy:
            w(f"**{len(noisy)} of {len(runs)} runs overlapped with cargo/rustc "
              "processes on this machine (`other_builds` in the raw results); their figures "
              "are noisier.**\n")
        else:
            w(f"No cargo or rustc process ran during any of the {len(runs)} runs "
              "(checked at the start and at the end of each).\n")
        wall = sum(r["wall_s"] for r in runs)
        other = sum(r["other_cpu_s"] for r in runs)
        steal = sum(r["steal_s"] for r in runs)
        w(f"Interference, from /proc/stat: over the {wall:,.0f} s the runs took, processes "
          f"other than the client and the fake used {other:,.1f} s of CPU "
          f"({other / (wall * self.nproc) * 100:.1f} % of the {self.nproc} CPUs) and the "
          f"hypervisor took {steal:,.1f} s of steal time ({steal / (wall * self.nproc) * 100:.1f} %)."
          " Per run in the raw results (`other_cpu_s`, `steal_s`).\n")
        if quick:
            w("**This is a `--quick` run (a few hundred calls per figure, no build timing): it "
              "proves the script works; its figures are noise.**\n")
        w("## Machine and versions\n")
        for k, v in self.machine().items():
            w(f"- {k}: {v}")
        w("")
        w("## Targets\n")
        w("Ratios of figures measured side by side in this run.\n")
        w("| what | measured | target | | from |")
        w("|---|---|---|---|---|")
        for r in rows:
            w("| " + " | ".join(r) + " |")
        w("")
        w("### Where a target is out of reach\n")
        lim = [(e, t, tput(sock(e, t)) / tput(ureqf(e, t))) for e, t in
               (("org", 1), ("salesforce", 1), ("org", T))]
        own = self.find("rust", "org", T, "pool-per-thread")
        own_u = self.find("ureq-floor", "org", T, "pool-per-thread")
        said = ", ".join(f"{r:.2f}× ({e}, {t} thread{'s' * (t > 1)})" for e, t, r in lim)
        w("ddorg sends its requests through ureq. In this run the raw-socket floor's throughput "
          "divided by that of the bare ureq + serde_json loop (no ddorg code at all) was "
          f"{said}.")
        if all(r > 1.5 for _, _, r in lim):
            w("So no client built on ureq, in any language, can come within 1.5× of that floor "
              "here: the gap is ureq's own per-request work (in the profile: building the "
              "request, parsing headers into `http` types, pool bookkeeping, a non-blocking liveness "
              "check of the pooled socket, seen as `ioctl` and `recv` calls in strace), not ddorg's. Closing it "
              "would mean replacing ureq with a hand-written HTTP/1.1 client.")
        w("")
        py_sock = self.find("py-socket", "org", 1)
        gil = ""
        if tput(self.py("org", T)) < 0.95 * tput(rust("org", T)):
            gil = (": the Python part of each call (the loop, the call itself and its result "
                   "object) runs under the GIL, one thread at a time")
        w("The bare ureq + serde_json loop's throughput divided by ddorg-py's was "
          f"{tput(ureqf('org', 1)) / tput(self.py('org', 1)):.2f}× (org) and "
          f"{tput(ureqf('salesforce', 1)) / tput(self.py('salesforce', 1)):.2f}× (salesforce) "
          "at 1 thread; the raw socket loop written in Python made "
          f"{tput(py_sock):,.0f} calls/s on `get_org`, "
          f"{tput(py_sock) / tput(self.py('org', 1)):.2f}× ddorg-py. At {T} threads, ddorg-py "
          f"made {tput(self.py('org', T)):,.0f} calls/s against {tput(rust('org', T)):,.0f} for "
          f"ddorg from Rust{gil}.\n")
        w(f"Pools at {T} threads: the bare ureq loop made {tput(ureqf('org', T)):,.0f} calls/s "
          f"with one agent shared by the threads and {tput(own_u):,.0f} with an agent per "
          f"thread; ddorg made {tput(rust('org', T)):,.0f} with one shared client and "
          f"{tput(own):,.0f} with a client per thread. The target rows compare like with like "
          "(one shared agent against one shared client).\n")
        w("## Latency and throughput\n")
        w(f"Per call, in µs; throughput in calls/s over the timed loop's wall time. 1-thread "
          f"`get_org` runs are {self.find('rust', 'org', 1)['calls']:,} calls "
          f"(the official client: {off('org', 1)['calls']:,}); "
          f"`list_salesforce_organizations` {self.find('rust', 'salesforce', 1)['calls']:,} "
          f"(official: {off('salesforce', 1)['calls']:,}); {T}-thread runs "
          f"{self.find('rust', 'org', T)['calls']:,} calls (official: {off('org', T)['calls']:,}),"
          " split evenly over threads that share one client. Each figure is the median of "
          f"{len(self.find('rust', 'org', T)['rounds_calls_per_s'])} interleaved rounds by "
          "throughput (1-thread official client: one round; every round is in the raw "
          "results).\n")
        w("| client | get_org mean | p50 | p99 | calls/s | list_salesforce mean | p50 | p99 | "
          f"calls/s | get_org calls/s, {T} threads |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for cells in latency_rows:
            w("| " + " | ".join(cells) + " |")
        w("")
        w(f"![latency per client]({os.path.relpath(a.chart, Path(a.out).parent)})\n")
        w("### The fake is not the bottleneck\n")
        best = max(self.results, key=tput)
        ddorg_best = max((r for r in self.results if r["who"] in ("rust", "c", "py")), key=tput)
        fake_cpu = statistics.median(r["fake_cpu_us_per_call"] for r in self.results
                                     if r["tag"] != "capacity" and not r.get("median_of_rounds"))
        def label(r: Dict[str, Any]) -> str:
            own = ", a client per thread" if r["tag"].startswith("pool-per-thread") else ""
            return (f"{r['who']}, {r['endpoint']}, {r['threads']} "
                    f"thread{'s' * (r['threads'] > 1)}{own}")

        w(f"- Capacity, measured first with the raw-socket floor at {T} threads: "
          f"**{tput(cap):,.0f} calls/s** (p50 {cap['p50_us']:.1f} µs), while that client "
          f"shares the {self.nproc} cores with it. The highest rate any run reached was "
          f"{tput(best):,.0f} calls/s ({label(best)}); the fastest ddorg run reached "
          f"{tput(ddorg_best):,.0f} calls/s ({label(ddorg_best)}).")
        w(f"- The fake's own CPU time per call served (user + system from /proc, warm-up "
          f"calls included), median over all runs: **{fake_cpu:.1f} µs**; in the fastest "
          f"ddorg run it was {ddorg_best['fake_cpu_us_per_call']:.1f} µs per call, i.e. the "
          f"fake kept {ddorg_best['fake_cpu_us_per_call'] * tput(ddorg_best) / 1e6:.2f} of the "
          f"{self.nproc} cores busy. Per run in the raw results below.")
        w("- So a client that is slower than the socket floor is slower because of its own "
          "work: the floor talks to the same fake over the same loopback.\n")
        md.extend(bench_fleet.report_lines(self.fleet))
        w("## Import time and memory\n")
        w("Fresh `python` process per run; the time of the import statements alone "
          "(`time.perf_counter_ns` around them), median of the runs; RSS right after.\n")
        w("| import | median | min | max | RSS after |")
        w("|---|---|---|---|---|")
        for m, label in (("none", "nothing (interpreter alone)"), ("ddorg", "`import ddorg`"),
                         ("official", "`datadog_api_client` + `v1.api.organizations_api` + "
                                      "`v2.api.salesforce_integration_api`")):
            s = imp[m]
            w(f"| {label} | {s['median_ms']:.2f} ms | {s['min_ms']:.2f} ms | "
              f"{s['max_ms']:.2f} ms | {s['rss_kib']:,} KiB |")
        w("")
        w("RSS of the benchmark process before and after the 1-thread `get_org` loop (after "
          "warm-up; the latency array is allocated and written before the first reading):\n")
        w("| client | calls | RSS before | RSS after | growth |")
        w("|---|---|---|---|---|")
        for label, r in (("ddorg, Rust", rust("org", 1)), ("ddorg, C", c("org", 1)),
                         ("ddorg, Python", self.py("org", 1)),
                         ("datadog-api-client", off("org", 1))):
            w(f"| {label} | {r['calls']:,} | {r['rss_start_kib']:,} KiB | "
              f"{r['rss_end_kib']:,} KiB | {growth(r):+.2f} % |")
        w("")
        w("Memory under sustained load, 8 threads through one client with one call in ten "
          "failing (404), is measured by `scripts/soak --calls 25000` (200,000 calls per "
          "language): see the soak table in [docs/reliability.md](docs/reliability.md#soak-scriptssoak).\n")
        w("## Build time and sizes\n")
        if build:
            w("Clean release builds (`CARGO_TARGET_DIR` set to an empty directory, so every "
              "dependency is compiled too), one after the other, timed with `date +%s.%N`:\n")
            w("| build | seconds |")
            w("|---|---|")
            if "core_s" in build:
                w(f"| `cargo build --release -p ddorg-core` | {build['core_s']:.1f} |")
            if "c_s" in build:
                w(f"| `cargo build --release -p ddorg-c` (libddorg.so + libddorg.a) | "
                  f"{build['c_s']:.1f} |")
            w("| reference: Datadog's official Rust crate (`datadog-api-client`), as recorded "
              "in issue 7 on this machine, not rebuilt here | over 6 minutes, 9 GB |")
            w("")
        else:
            w("(build timing skipped in `--quick` mode)\n")
        if sizes:
            w("| artifact | size |")
            w("|---|---|")
            for k, v in sizes.items():
                w(f"| {k} | {v:,} bytes ({v / 1048576:.1f} MiB) |")
            w("")
        w("## Method\n")
        w(f"""- One release `ddorg-fake --no-record` (no request log) on 127.0.0.1 serves every run;
  it answers the documented example bodies with rate-limit headers over keep-alive connections.
- Each figure is a separate process: `crates/ddorg-core/examples/bench.rs` (Rust: `ddorg`,
  `ureq-floor`, `socket-floor`), `tests/bench/bench.c` (C, linked against release
  `libddorg.so`), `scripts/bench.py worker` (Python: `ddorg`, `official`, `py-socket`). All
  three use the same method and print the same JSON line.
- 1-thread runs pin the client process and every thread of the fake to the same CPU, so each
  call is a direct hand-off between the two and the figure is the work done by client, fake and
  loopback, not how quickly an idle vCPU wakes up. The pinning check below shows why: the same
  run repeated, unpinned and pinned. Multi-thread runs use every CPU.
- Each thread first makes {a.warmup} warm-up calls (connections opened, caches warm); then RSS is
  read, all threads start together, and each call is timed alone (monotonic clock). Latency
  percentiles are over every timed call; throughput is calls ÷ wall time of the timed loop.
- Clients are created once per process and shared by its threads, as a user would (the ureq
  floor likewise shares one agent; `--pool-per-thread` runs give each thread its own); the
  socket floors use one connection per thread. The official client runs with its defaults
  (`Configuration(host=…)`, retries off, response validation on), one shared `ApiClient`.
- Floors: `socket-floor` writes fixed request bytes and reads headers and a `content-length`
  body, parsing nothing else (the least any HTTP/1.1 client must do); `ureq-floor` is a bare
  `ureq::Agent` GET with the two key headers whose body goes through `serde_json::from_slice`
  into ddorg's own models (the least a ureq + serde client must do). `py-socket` is the
  socket floor written in Python, for reference.
- Import time: `scripts/bench.py import` in a fresh interpreter, median of
  {imp['ddorg']['runs']} runs after 3 discarded ones.
- No figure is asserted in a test: CI runs `scripts/bench --quick` only to prove the script
  works, and writes its report to a temporary file.
""")
        w("## What the first runs found\n")
        w("Two fixes in ddorg-core came out of profiling this benchmark (their commit messages "
          "carry the before/after figures):\n")
        w("- ureq 3.5 resolves the host before it looks in its connection pool, and with a "
          "timeout set (ddorg always sets one) its default resolver spawns a thread for every "
          "lookup, so every call paid for a thread. ddorg-core now keeps resolved addresses "
          "for 60 s (`crates/ddorg-core/src/resolve.rs`).")
        w("- Decoding went through `serde_path_to_error`, which allocates a string per JSON "
          "object key. ddorg-core now decodes with plain `serde_json` and re-decodes with path "
          "tracking only when a body fails, so error messages still name the JSON path.\n")
        w("## Pinning check\n")
        w(f"ddorg Rust, `get_org`, 1 thread, {self.find('rust', 'org', 1, 'pinned-0')['calls']:,} "
          "calls, the same run three times each way:\n")
        w("| client and fake | calls/s, 3 runs | p50 µs, 3 runs |")
        w("|---|---|---|")
        for how in ("unpinned", "pinned"):
            rs = [self.find("rust", "org", 1, f"{how}-{k}") for k in range(3)]
            w(f"| {'on any CPU' if how == 'unpinned' else 'on one CPU'} | "
              + ", ".join(f"{tput(r):,.0f}" for r in rs) + " | "
              + ", ".join(f"{r['p50_us']:.1f}" for r in rs) + " |")
        w("")
        w("## Raw results\n")
        w("One line per run, as the bench programs printed them (plus the fake's CPU per call).\n")
        w("```json")
        for r in runs:
            w(json.dumps(r))
        w("```")
        w("")
        Path(a.out).write_text("\n".join(md))
        self.chart()
        print(f"wrote {a.out} and {a.chart}")
        print("\n".join("  " + " | ".join(r[:4]) for r in rows))

    @property
    def nproc(self) -> int:
        return os.cpu_count() or 0

    def machine(self) -> Dict[str, str]:
        cpu = mem = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout
        lock = (ROOT / "Cargo.lock").read_text()
        ureq = re.search(r'name = "ureq"\nversion = "([^"]+)"', lock)
        from importlib.metadata import version

        return {
            "CPU": f"{cpu}, {self.nproc} cores (nproc)",
            "memory": mem,
            "OS": f"{platform.system()} {platform.release()}",
            "Rust": rustc.strip(),
            "ureq": ureq.group(1) if ureq else "?",
            "C compiler": self.args.cc_version or "?",
            "Python": platform.python_version(),
            "datadog-api-client": version("datadog-api-client"),
            "ddorg (Python)": version("ddorg"),
        }

    def chart(self) -> None:
        import matplotlib
        import matplotlib.ticker

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        T = self.args.threads
        clients = [
            ("raw socket floor (Rust)", lambda e: self.find("socket-floor", e, 1)),
            ("ureq+serde floor (Rust)", lambda e: self.find("ureq-floor", e, 1)),
            ("ddorg Rust", lambda e: self.find("rust", e, 1)),
            ("ddorg C", lambda e: self.find("c", e, 1)),
            ("ddorg Python", lambda e: self.py(e, 1)),
            ("datadog-api-client (Python)", lambda e: self.find("official", e, 1)),
        ]
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
        for ax, e, title in zip(axes, ("org", "salesforce"),
                                ("get_org", "list_salesforce_organizations")):
            ys = range(len(clients))
            p50 = [get(e)["p50_us"] for _, get in clients]
            p99 = [get(e)["p99_us"] for _, get in clients]
            ax.barh([y + 0.2 for y in ys], p50, height=0.4, label="p50", color="#3b75af")
            ax.barh([y - 0.2 for y in ys], p99, height=0.4, label="p99", color="#ef8636")
            for y, v in zip(ys, p50):
                ax.text(v * 1.05, y + 0.2, f"{v:.0f}", va="center", fontsize=7)
            for y, v in zip(ys, p99):
                ax.text(v * 1.05, y - 0.2, f"{v:.0f}", va="center", fontsize=7)
            ax.set_xscale("log")
            ticks = [t for t in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
                     if t <= max(p99) * 2]
            ax.set_xticks(ticks)
            ax.set_xticklabels([str(t) for t in ticks])
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.set_xlim(min(p50) / 2, max(p99) * 2)
            ax.set_title(f"{title}, 1 thread")
            ax.set_xlabel("latency per call, µs (log scale)")
            ax.set_yticks(list(ys))
            ax.set_yticklabels([name for name, _ in clients])
            ax.invert_yaxis()
            ax.grid(axis="x", alpha=0.3)
        axes[0].legend(loc="lower right")
        fig.suptitle(f"ddorg vs datadog-api-client vs floors, loopback fake, {self.nproc} cores "
                     f"(client and fake on one CPU; {T}-thread throughput in BENCHMARKS.md)", fontsize=10)
        fig.tight_layout()
        Path(self.args.chart).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(self.args.chart, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("worker")
    w.add_argument("client", choices=["ddorg", "official", "py-socket"])
    w.add_argument("--url", required=True)
    w.add_argument("--endpoint", choices=["org", "salesforce"], default="org")
    w.add_argument("--threads", type=int, default=1)
    w.add_argument("--calls", type=int, default=10000)
    w.add_argument("--warmup", type=int, default=200)
    i = sub.add_parser("import")
    i.add_argument("module", choices=list(IMPORTS))
    r = sub.add_parser("run")
    r.add_argument("--fake", required=True)
    r.add_argument("--rust-bench", required=True)
    r.add_argument("--c-bench", required=True)
    r.add_argument("--quick", action="store_true")
    r.add_argument("--out", required=True)
    r.add_argument("--chart", required=True)
    r.add_argument("--build-json")
    r.add_argument("--sizes-json")
    r.add_argument("--cc-version")
    r.add_argument("--threads", type=int, default=8)
    r.add_argument("--warmup", type=int, default=200)
    r.add_argument("--calls-long", type=int, default=100_000)
    r.add_argument("--calls", type=int, default=20_000)
    r.add_argument("--calls-threads", type=int, default=80_000)
    r.add_argument("--official-calls-long", type=int, default=100_000)
    r.add_argument("--official-calls", type=int, default=5_000)
    r.add_argument("--import-runs", type=int, default=30)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--ddorg-cli", required=True, help="the release `ddorg` binary")
    r.add_argument("--fleet-orgs", type=int, default=1000)
    args = p.parse_args()
    if args.cmd == "worker":
        worker(args)
    elif args.cmd == "import":
        import_probe(args)
    else:
        Runner(args).main()


if __name__ == "__main__":
    main()
