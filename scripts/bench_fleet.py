"""The fleet benchmark, run by scripts/bench (through bench.py): `ddorg audit --fleet` over the
orgs of one `ddorg-fake --fleet N` at concurrency 1, 8 and 32, ddorg's Python `audit_fleet` at 32,
and Datadog's official Python client making the same two calls per org in a 32-thread pool (an
`ApiClient` per org, as every org has its own keys). Wall time and peak RSS of each process, from
start to exit.

    bench_fleet.py official --fleet FILE --threads N      one JSON line
    bench_fleet.py ddorg-py --fleet FILE --concurrency N  one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

CONCURRENCIES = (1, 8, 32)
OFFICIAL_THREADS = 32


def measure(cmd: List[str]) -> Tuple[float, int, int, str]:
    """Runs `cmd`: (wall seconds, peak RSS in KiB of that process alone, exit code, stdout)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        assert p.stdout is not None
        out = p.stdout.read().decode()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd[0]} exited {p.returncode}: {err.read().decode()[-2000:]}")
    return wall, int(usage.ru_maxrss), p.returncode, out


def run(args: argparse.Namespace, quick: bool) -> Dict[str, Any]:
    """Starts a fleet fake, runs every client `rounds` times, returns the figures."""
    orgs = 50 if quick else args.fleet_orgs
    rounds = 1 if quick else args.rounds
    work = Path(tempfile.mkdtemp(prefix="ddorg-bench-fleet-"))
    fleet = work / "fleet.toml"
    fake = subprocess.Popen(
        [args.fake, "--no-record", "--exit-on-eof", "--fleet", str(orgs), "--write-fleet", str(fleet)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = fake.stdout.readline() if fake.stdout else ""
        if not re.match(r"PORT \d+", line):
            raise SystemExit(f"ddorg-fake --fleet did not print its port: {line!r}")
        report = work / "report.json"
        clients: List[Tuple[str, int, Callable[[], List[str]]]] = [
            (f"ddorg audit --fleet (CLI)", c,
             (lambda c=c: [args.ddorg_cli, "audit", "--fleet", str(fleet), "--concurrency",
                           str(c), "--format", "json", "--output", str(report)]))
            for c in CONCURRENCIES
        ]
        clients.append(("ddorg.audit_fleet (Python)", 32,
                        lambda: [sys.executable, __file__, "ddorg-py", "--fleet", str(fleet),
                                 "--concurrency", "32"]))
        clients.append(("datadog-api-client (Python), the 2 calls only", OFFICIAL_THREADS,
                        lambda: [sys.executable, __file__, "official", "--fleet", str(fleet),
                                 "--threads", str(OFFICIAL_THREADS)]))
        runs: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}
        for k in range(rounds):
            print(f"fleet of {orgs} orgs, round {k + 1} of {rounds}", flush=True)
            for name, conc, cmd in clients:
                wall, rss, code, out = measure(cmd())
                r: Dict[str, Any] = {"client": name, "concurrency": conc, "orgs": orgs,
                                     "wall_s": round(wall, 3), "peak_rss_kib": rss, "exit": code}
                if name.startswith("ddorg audit"):
                    rep = json.loads(report.read_text())
                    r["audited"] = rep["summary"]["audited"]
                    r["errors"] = rep["summary"]["errors"]
                    r["report_bytes"] = report.stat().st_size
                else:
                    line_out = json.loads(out.strip().splitlines()[-1])
                    r.update(line_out)
                if r.get("errors"):
                    raise SystemExit(f"{name}: {r['errors']} orgs failed: {r}")
                runs.setdefault((name, conc), []).append(r)
                print(f"  {name:<48} {conc:>2}  {wall:7.2f} s  peak RSS {rss / 1024:7.1f} MiB",
                      flush=True)
        medians = []
        for rs in runs.values():
            med = dict(sorted(rs, key=lambda r: r["wall_s"])[len(rs) // 2])
            med["rounds_wall_s"] = [r["wall_s"] for r in rs]
            medians.append(med)
        return {"orgs": orgs, "rounds": rounds, "results": medians}
    finally:
        if fake.stdin:
            fake.stdin.close()
        fake.wait(timeout=10)


def report_lines(fleet: Dict[str, Any]) -> List[str]:
    """The BENCHMARKS.md section."""
    n = fleet["orgs"]
    res = fleet["results"]
    out = [f"## Fleet audit: {n:,} orgs\n"]
    out.append(
        f"One `ddorg-fake --fleet {n:,}` on loopback: {n:,} orgs, each with its own key pair and "
        f"one of the fake's postures, so {2 * n:,} calls in all (`GET /api/v1/org/{{id}}` and the "
        "Salesforce list per org). Each figure is one process from start to exit (interpreter "
        "start, imports, the fleet file, every org's own client, the report written), measured "
        f"with `os.wait4`: wall time and the process's peak RSS; median of {fleet['rounds']} "
        "rounds by wall time (every round in the raw results). The official client makes the "
        "two calls per org and nothing else: no rules, no report.\n")
    out.append("| client | concurrency | wall time | orgs/s | peak RSS | JSON report |")
    out.append("|---|---|---|---|---|---|")
    for r in res:
        size = f"{r['report_bytes'] / 1048576:.1f} MiB" if "report_bytes" in r else "-"
        conc = f"{r['concurrency']} threads" if r["client"].startswith("datadog") else str(r["concurrency"])
        out.append(f"| {r['client']} | {conc} | {r['wall_s']:.2f} s | {n / r['wall_s']:,.0f} | "
                   f"{r['peak_rss_kib'] / 1024:.1f} MiB | {size} |")
    cli = {r["concurrency"]: r for r in res if r["client"].startswith("ddorg audit")}
    off = [r for r in res if r["client"].startswith("datadog")][0]
    out.append("")
    out.append(
        f"At concurrency 32 the CLI audited the fleet {off['wall_s'] / cli[32]['wall_s']:.1f}× "
        f"faster than the official client made the bare calls, in "
        f"{off['peak_rss_kib'] / max(cli[32]['peak_rss_kib'], 1):.1f}× less memory. Against the "
        "fake every call is answered at once, so these figures are the clients' own cost; "
        "against Datadog a fleet audit is bound by the network round trip and by each org's rate "
        "limit (the fleet's wall time is about 2 × orgs × round trip ÷ concurrency), which is "
        "why each org has its own client and a 429 holds only its own worker.\n")
    out.append("```json")
    out.extend(json.dumps(r) for r in res)
    out.append("```\n")
    return out


def official(args: argparse.Namespace) -> None:
    import tomllib

    from datadog_api_client import ApiClient, Configuration
    from datadog_api_client.v1.api.organizations_api import OrganizationsApi
    from datadog_api_client.v2.api.salesforce_integration_api import SalesforceIntegrationApi

    path = Path(args.fleet)
    spec = tomllib.loads(path.read_text())
    base = spec["defaults"]["base_url"]

    def key(name: str) -> str:
        return (path.parent / name).read_text().strip()

    def one(org: Dict[str, Any]) -> int:
        config = Configuration(host=base, api_key={"apiKeyAuth": key(org["api_key_file"]),
                                                   "appKeyAuth": key(org["app_key_file"])})
        try:
            with ApiClient(config) as client:
                OrganizationsApi(client).get_org(org["public_id"])
                SalesforceIntegrationApi(client).get_salesforce_organizations()
            return 0
        except Exception:  # counted: the benchmark fails on any
            return 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        errors = sum(pool.map(one, spec["orgs"]))
    print(json.dumps({"calls": 2 * len(spec["orgs"]), "errors": errors,
                      "inner_wall_s": round(time.perf_counter() - t0, 3)}))


def ddorg_py(args: argparse.Namespace) -> None:
    import ddorg

    t0 = time.perf_counter()
    report = ddorg.audit_fleet(args.fleet, concurrency=args.concurrency)
    print(json.dumps({"audited": report.summary.audited, "errors": report.summary.errors,
                      "inner_wall_s": round(time.perf_counter() - t0, 3)}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("official")
    o.add_argument("--fleet", required=True)
    o.add_argument("--threads", type=int, default=OFFICIAL_THREADS)
    d = sub.add_parser("ddorg-py")
    d.add_argument("--fleet", required=True)
    d.add_argument("--concurrency", type=int, default=32)
    args = p.parse_args()
    {"official": official, "ddorg-py": ddorg_py}[args.cmd](args)


if __name__ == "__main__":
    main()
