"""The benchmark's report: BENCHMARKS.md and the latency chart, from the runner's results.

The pass thresholds are data, in TARGETS below; the report only compares and writes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Tuple

import bench_fleet

ROOT = Path(__file__).resolve().parent.parent

#: The targets a run is judged against: key -> (bound, unit). A key ending in `_min` is met at
#: or above its bound, one ending in `_max` at or below it.
TARGETS: Dict[str, Tuple[float, str]] = {
    # ddorg's Python client against Datadog's official one, same fake, same calls.
    "py_over_official_min": (5, "×"),
    # How close ddorg-py comes to a raw keep-alive socket written in Rust.
    "socket_floor_over_py_max": (1.5, "×"),
    # A cold `import ddorg` over a bare `python -c pass`, whole processes.
    "import_ddorg_ms_max": (3, " ms"),
    "official_import_over_ddorg_min": (8, "×"),
    # How close ddorg's Rust client comes to a bare ureq + serde_json loop.
    "ureq_floor_over_rust_max": (1.2, "×"),
    # The C binding costs (almost) nothing over the Rust client.
    "rust_over_c_max": (1.05, "×"),
    "rss_growth_pct_max": (5, " %"),
    "core_build_s_max": (40, " s"),
}


class Report:
    """The results of one run, rendered."""

    def __init__(self, args: argparse.Namespace, results: List[Dict[str, Any]],
                 import_stats: Dict[str, Dict[str, Any]], fleet: Dict[str, Any]) -> None:
        self.args = args
        self.results = results
        self.import_stats = import_stats
        self.fleet = fleet

    def find(self, who: str, endpoint: str, threads: int, tag: str = "") -> Dict[str, Any]:
        for r in self.results:
            if (r["who"], r["endpoint"], r["threads"], r["tag"]) == (who, endpoint, threads, tag):
                return r
        raise KeyError((who, endpoint, threads, tag))

    def py(self, endpoint: str, threads: int) -> Dict[str, Any]:
        return self.find("py", endpoint, threads)

    def write(self, quick: bool) -> None:
        """Writes BENCHMARKS.md (`--out`) and the chart (`--chart`)."""
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

        def target(key: str, name: str, value: float, fmt: str, detail: str) -> None:
            bound, unit = TARGETS[key]
            ok = value >= bound if key.endswith("_min") else value <= bound
            goal = f"{'≥' if key.endswith('_min') else '≤'} {bound:g}{unit}"
            rows.append([name, fmt.format(value), goal, "met" if ok else "**missed**", detail])

        for e in ("org", "salesforce"):
            r = tput(self.py(e, 1)) / tput(off(e, 1))
            target("py_over_official_min", f"ddorg-py ÷ official throughput, {e}, 1 thread", r,
                   "{:.1f}×", f"{tput(self.py(e, 1)):.0f} vs {tput(off(e, 1)):.0f} calls/s")
        r = tput(self.py("org", T)) / tput(off("org", T))
        target("py_over_official_min", f"ddorg-py ÷ official throughput, org, {T} threads", r,
               "{:.1f}×", f"{tput(self.py('org', T)):.0f} vs {tput(off('org', T)):.0f} calls/s")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(sock(e, t)) / tput(self.py(e, t))
            target("socket_floor_over_py_max",
                   f"raw-socket floor ÷ ddorg-py throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.2f}×", f"{tput(sock(e, t)):.0f} vs {tput(self.py(e, t)):.0f} calls/s")
        dd, of = imp["ddorg"]["over_none_ms"], imp["official"]["over_none_ms"]
        target("import_ddorg_ms_max", "`import ddorg`, cold, over `python -c pass`", dd,
               "{:.2f} ms", f"whole processes, median of {imp['ddorg']['runs']} rounds")
        target("official_import_over_ddorg_min",
               "`import datadog_api_client` (+ 2 APIs) ÷ `import ddorg`, both cold over "
               "`python -c pass`", of / dd, "{:.1f}×", f"{of:.1f} ms vs {dd:.2f} ms")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(ureqf(e, t)) / tput(rust(e, t))
            target("ureq_floor_over_rust_max",
                   f"ureq+serde floor ÷ ddorg Rust throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.2f}×", f"{tput(ureqf(e, t)):.0f} vs {tput(rust(e, t)):.0f} calls/s")
        for e, t in (("org", 1), ("salesforce", 1), ("org", T)):
            r = tput(rust(e, t)) / tput(c(e, t))
            target("rust_over_c_max",
                   f"ddorg Rust ÷ ddorg C throughput, {e}, {t} thread{'s' * (t > 1)}", r,
                   "{:.3f}×", f"{tput(rust(e, t)):.0f} vs {tput(c(e, t)):.0f} calls/s")
        for label, r in (("Rust", rust("org", 1)), ("C", c("org", 1)),
                         ("Python", self.py("org", 1))):
            target("rss_growth_pct_max", f"RSS growth over {r['calls']} calls, {label}",
                   growth(r), "{:+.2f} %", f"{r['rss_start_kib']} → {r['rss_end_kib']} KiB")
        if "core_s" in build:
            target("core_build_s_max", "clean release build of ddorg-core", build["core_s"],
                   "{:.1f} s", "dependencies included, 2 cores")

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
        w("What a user pays: the wall time of a whole fresh `python -c CODE` process, run "
          "round-robin with `python -c pass` (the bare interpreter, `site` included) so that "
          "noise hits all three alike; *over bare* is the median over rounds of the difference "
          "with that round's bare run. Peak RSS of the process.\n")
        w("| process | median | min | max | over bare | peak RSS |")
        w("|---|---|---|---|---|---|")
        for m, label in (("none", "`python -c pass`"), ("ddorg", "`python -c \"import ddorg\"`"),
                         ("official", "`datadog_api_client` + `v1.api.organizations_api` + "
                                      "`v2.api.salesforce_integration_api`")):
            s = imp[m]
            w(f"| {label} | {s['median_ms']:.2f} ms | {s['min_ms']:.2f} ms | "
              f"{s['max_ms']:.2f} ms | {s['over_none_ms']:+.2f} ms | {s['rss_kib']:,} KiB |")
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
        dist_sizes = Path(a.dist_sizes) if getattr(a, "dist_sizes", None) else None
        if dist_sizes and dist_sizes.exists():
            w("Every target's release artifacts, as the last `scripts/dist` built them (all by zig "
              "on x86_64 Linux; `ddorg` stripped):\n")
            w(dist_sizes.read_text().rstrip("\n"))
            w("")
        w("## Method\n")
        w(f"""- The Rust and C programs, `ddorg` and `ddorg-fake` are the release builds that ship:
  `scripts/build-release` (linked by zig against glibc 2.17, as `scripts/dist` packs them).
- One release `ddorg-fake --no-record` (no request log) on 127.0.0.1 serves every run;
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
- Import time: `scripts/bench.py imports` (bench_imports.py): whole fresh `python -c`
  processes, round-robin with `python -c pass`, {imp['ddorg']['runs']} rounds after 3
  discarded ones; the targets use the difference over the bare interpreter.
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
