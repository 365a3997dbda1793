"""The benchmark's runner: starts one ddorg-fake, runs every client's bench program against it
(pinned, interleaved rounds, the median counts), records interference from /proc, and hands the
results to bench_report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import bench_fleet
from bench_imports import cold_imports
from bench_report import Report

#: The entry point the workers run through, in a fresh interpreter each.
BENCH_PY = Path(__file__).resolve().parent / "bench.py"


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
            cmd = [sys.executable, str(BENCH_PY), "worker", worker_client] + common
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

        runs = 5 if quick else a.import_runs
        print(f"cold imports: whole `python -c` processes, {runs} rounds", flush=True)
        self.import_stats = cold_imports(runs, lambda line: print(line, flush=True))

        print("fleet audit (bench_fleet.py)", flush=True)
        fleet = bench_fleet.run(self.args, quick)

        print("writing the report", flush=True)
        Report(self.args, self.results, self.import_stats, fleet).write(quick)
