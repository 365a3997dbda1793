"""The benchmark: ddorg from Rust, C and Python next to Datadog's official Python client and two
floors, all against one ddorg-fake on loopback, in one run; then the fleet audit
(bench_fleet.py: `ddorg audit --fleet` over 1,000 orgs of `ddorg-fake --fleet`). Writes
BENCHMARKS.md and a chart.

Run through scripts/bench, which builds the artifacts and the .venv-bench this needs. Subcommands:

    bench.py run --fake BIN --rust-bench BIN --c-bench BIN [--quick] --out FILE --chart FILE ...
    bench.py worker ddorg|official|py-socket --url URL [--endpoint org|salesforce]
                    [--threads N] [--calls N] [--warmup N]     (one JSON line, like the Rust one)
    bench.py imports [--runs N]      the cold-import comparison alone (bench_imports.py), printed

One job per file: bench_worker.py measures one client in its own process, bench_imports.py the
cold imports, bench_runner.py runs them all against one fake, bench_report.py (thresholds as
data at its top) writes the report.
"""

from __future__ import annotations

import argparse

from bench_worker import worker


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
    i = sub.add_parser("imports")
    i.add_argument("--runs", type=int, default=30)
    r = sub.add_parser("run")
    r.add_argument("--fake", required=True)
    r.add_argument("--rust-bench", required=True)
    r.add_argument("--c-bench", required=True)
    r.add_argument("--quick", action="store_true")
    r.add_argument("--out", required=True)
    r.add_argument("--chart", required=True)
    r.add_argument("--build-json")
    r.add_argument("--sizes-json")
    r.add_argument("--dist-sizes", help="scripts/dist's Markdown table of every target's artifacts")
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
    elif args.cmd == "imports":
        from bench_imports import cold_imports

        cold_imports(args.runs)
    else:
        from bench_runner import Runner  # the runner alone needs the report's imports

        Runner(args).main()


if __name__ == "__main__":
    main()
