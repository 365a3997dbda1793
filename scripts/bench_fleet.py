"""The fleet benchmark, run by scripts/bench (through bench.py): `ddorg audit --fleet` over the
orgs of one `ddorg-fake --fleet N` at concurrency 1, 8 and 32 (and at 1 over HTTPS, with a CA
bundle of the machine's public roots plus the fake's CA, as a company's bundle is), ddorg's Python
`audit_fleet` at 32, and Datadog's official Python client making the same two calls per org in a
32-thread pool (an `ApiClient` per org, as every org has its own keys). Wall time, CPU time and
peak RSS of each process, from start to exit; the size of the fleet's Markdown report. Then the
same at a real network's latency and under rate limits (bench_fleet_net.py).

    bench_fleet.py official --fleet FILE --threads N      one JSON line
    bench_fleet.py ddorg-py --fleet FILE --concurrency N  one JSON line
    bench_fleet.py run --fake BIN --ddorg-cli BIN [--fleet-orgs N] [--rounds N] [--update FILE]
                       [--note TEXT]
        the fleet benchmark alone (with the .venv-bench scripts/bench makes): prints its
        BENCHMARKS.md section, or puts it in place of that section of FILE
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
from typing import Any, Callable, Dict, List, Optional, Tuple

CONCURRENCIES = (1, 8, 32)
OFFICIAL_THREADS = 32


#: The machine's public roots, which the HTTPS run's CA bundle starts with (when present).
SYSTEM_CA_FILE = Path("/etc/ssl/certs/ca-certificates.crt")


def measure(cmd: List[str], env: Optional[Dict[str, str]] = None) -> Tuple[float, int, int, str, float]:
    """Runs `cmd`: (wall seconds, peak RSS in KiB of that process alone, exit code, stdout, CPU
    seconds (user + system) of that process)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                             env=None if env is None else {**os.environ, **env})
        assert p.stdout is not None
        out = p.stdout.read().decode()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd[0]} exited {p.returncode}: {err.read().decode()[-2000:]}")
    return wall, int(usage.ru_maxrss), p.returncode, out, usage.ru_utime + usage.ru_stime


def report_summary(path: Path) -> Dict[str, int]:
    """The summary's `audited` and `errors`, read from the end of the JSON report (the summary
    comes after the orgs) without loading the rest. A 5 MB report parsed here would grow this
    process, and every process it starts afterwards would then report this one's peak RSS as its
    own: Linux carries the peak over `exec`, so a child's `ru_maxrss` is at least its parent's at
    the time of the fork."""
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 65536))
        tail = f.read().decode()
    summary = tail[tail.rindex('"summary": {'):]
    found = {k: re.search(rf'"{k}": (\d+)', summary) for k in ("audited", "errors")}
    return {k: int(m.group(1)) for k, m in found.items() if m}


def start_fake(args: argparse.Namespace, orgs: int, fleet: Path, tls: List[str]) -> subprocess.Popen:
    """A `ddorg-fake --fleet` that wrote `fleet`, once it printed its port."""
    fake = subprocess.Popen(
        [args.fake, "--no-record", "--exit-on-eof", *tls, "--fleet", str(orgs),
         "--write-fleet", str(fleet)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = fake.stdout.readline() if fake.stdout else ""
    if not re.match(r"PORT \d+", line):
        raise SystemExit(f"ddorg-fake --fleet did not print its port: {line!r}")
    return fake


def stop_fake(fake: subprocess.Popen) -> None:
    if fake.stdin:
        fake.stdin.close()
    fake.wait(timeout=10)


def run(args: argparse.Namespace, quick: bool) -> Dict[str, Any]:
    """Starts a fleet fake, runs every client `rounds` times, returns the figures."""
    orgs = 50 if quick else args.fleet_orgs
    rounds = 1 if quick else args.rounds
    work = Path(tempfile.mkdtemp(prefix="ddorg-bench-fleet-"))
    fleet = work / "fleet.toml"
    tls_fleet = work / "tls" / "fleet.toml"
    tls_fleet.parent.mkdir()
    ca = work / "fake-ca.pem"
    fake = start_fake(args, orgs, fleet, [])
    tls_fake = start_fake(args, orgs, tls_fleet, ["--tls", "--tls-ca-out", str(ca)])
    try:
        bundle = work / "ca-bundle.pem"
        public = SYSTEM_CA_FILE.read_text() if SYSTEM_CA_FILE.is_file() else ""
        bundle.write_text(public + ca.read_text())
        bundle_cas = bundle.read_text().count("-----BEGIN CERTIFICATE-----")
        report = work / "report.json"

        def cli(path: Path, c: int, fmt: str = "json", out: Path = report) -> List[str]:
            return [args.ddorg_cli, "audit", "--fleet", str(path), "--concurrency", str(c),
                    "--format", fmt, "--output", str(out)]

        Client = Tuple[str, int, Callable[[], List[str]], Optional[Dict[str, str]]]
        clients: List[Client] = [
            ("ddorg audit --fleet (CLI)", c, (lambda c=c: cli(fleet, c)), None)
            for c in CONCURRENCIES
        ]
        clients.append((f"ddorg audit --fleet (CLI), HTTPS, CA bundle of {bundle_cas} CAs", 1,
                        lambda: cli(tls_fleet, 1), {"DDORG_CA_BUNDLE": str(bundle)}))
        clients.append(("ddorg.audit_fleet (Python)", 32,
                        lambda: [sys.executable, __file__, "ddorg-py", "--fleet", str(fleet),
                                 "--concurrency", "32"], None))
        clients.append(("datadog-api-client (Python), the 2 calls only", OFFICIAL_THREADS,
                        lambda: [sys.executable, __file__, "official", "--fleet", str(fleet),
                                 "--threads", str(OFFICIAL_THREADS)], None))
        runs: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}
        for k in range(rounds):
            print(f"fleet of {orgs} orgs, round {k + 1} of {rounds}", flush=True)
            for name, conc, cmd, env in clients:
                wall, rss, code, out, cpu = measure(cmd(), env)
                r: Dict[str, Any] = {"client": name, "concurrency": conc, "orgs": orgs,
                                     "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                                     "peak_rss_kib": rss, "exit": code}
                if name.startswith("ddorg audit"):
                    r.update(report_summary(report))
                    r["report_bytes"] = report.stat().st_size
                else:
                    line_out = json.loads(out.strip().splitlines()[-1])
                    r.update(line_out)
                if r.get("errors"):
                    raise SystemExit(f"{name}: {r['errors']} orgs failed: {r}")
                runs.setdefault((name, conc), []).append(r)
                print(f"  {name:<48} {conc:>2}  {wall:7.2f} s  CPU {cpu:6.2f} s  "
                      f"peak RSS {rss / 1024:7.1f} MiB", flush=True)
        medians = []
        for rs in runs.values():
            med = dict(sorted(rs, key=lambda r: r["wall_s"])[len(rs) // 2])
            med["rounds_wall_s"] = [r["wall_s"] for r in rs]
            med["rounds_cpu_s"] = [r["cpu_s"] for r in rs]
            medians.append(med)
        markdown = work / "report.md"
        measure(cli(fleet, 32, "markdown", markdown))
        figures = {"orgs": orgs, "rounds": rounds, "results": medians,
                   "markdown_bytes": markdown.stat().st_size}
    finally:
        stop_fake(fake)
        stop_fake(tls_fake)
    import bench_fleet_net  # it builds on this file's helpers

    figures["network"] = bench_fleet_net.run(args, quick)
    return figures


def memory(ours: Dict[str, Any], theirs: Dict[str, Any]) -> str:
    """`in 1.4× less memory`, or `in about the same memory` within 10 %."""
    ratio = theirs["peak_rss_kib"] / max(ours["peak_rss_kib"], 1)
    if 1 / 1.1 < ratio < 1.1:
        return "in about the same memory"
    return f"in {ratio:.1f}× less memory" if ratio > 1 else f"in {1 / ratio:.1f}× more memory"


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
        f"with `os.wait4`: wall time, CPU time (user + system) and the process's peak RSS; median "
        f"of {fleet['rounds']} rounds by wall time (every round in the raw results). The HTTPS "
        "row audits a second fake of the same fleet serving TLS (`--tls`), trusting a CA bundle "
        "(`DDORG_CA_BUNDLE`) of the machine's public roots followed by the fake's CA, as a "
        "company's bundle is: every org's client verifies the server with it, and the process "
        "parses it once. The official client makes the two calls per org and nothing else: no "
        "rules, no report.\n")
    out.append("| client | concurrency | wall time | CPU time | orgs/s | peak RSS | JSON report |")
    out.append("|---|---|---|---|---|---|---|")
    for r in res:
        size = f"{r['report_bytes'] / 1048576:.1f} MiB" if "report_bytes" in r else "-"
        conc = f"{r['concurrency']} threads" if r["client"].startswith("datadog") else str(r["concurrency"])
        cpu = f"{r['cpu_s']:.2f} s" if "cpu_s" in r else "-"
        out.append(f"| {r['client']} | {conc} | {r['wall_s']:.2f} s | {cpu} | "
                   f"{n / r['wall_s']:,.0f} | {r['peak_rss_kib'] / 1024:.1f} MiB | {size} |")
    if "markdown_bytes" in fleet:
        out.append("")
        out.append(
            f"The fleet's Markdown report (`--format markdown`, `--detail summary`: the per-rule "
            f"rollup, then only the orgs with findings or errors) is "
            f"{fleet['markdown_bytes']:,} bytes ({fleet['markdown_bytes'] / 1024:,.0f} KiB), "
            f"{'under' if fleet['markdown_bytes'] < 1 << 20 else 'over'} GitHub's 1 MiB job "
            "summary limit.")
    cli = {r["concurrency"]: r for r in res if r["client"] == "ddorg audit --fleet (CLI)"}
    off = [r for r in res if r["client"].startswith("datadog")][0]
    out.append("")
    out.append(
        f"At concurrency 32 the CLI audited the fleet {off['wall_s'] / cli[32]['wall_s']:.1f}× "
        f"faster than the official client made the bare calls, {memory(cli[32], off)}. Against the "
        "fake every call is answered at once, so these figures are the clients' own cost; "
        "against Datadog a fleet audit is bound by the network round trip and by each org's rate "
        "limit (the fleet's wall time is about 2 × orgs × round trip ÷ concurrency), which is "
        "why each org has its own client and a 429 holds only its own worker.\n")
    out.append("```json")
    out.extend(json.dumps(r) for r in res)
    out.append("```\n")
    if "network" in fleet:
        import bench_fleet_net

        out.extend(bench_fleet_net.report_lines(fleet["network"]))
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
                                                   "appKeyAuth": key(org["app_key_file"])},
                               ssl_ca_cert=args.ca)
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
    o.add_argument("--ca", help="the CA bundle to verify an HTTPS fake with")
    d = sub.add_parser("ddorg-py")
    d.add_argument("--fleet", required=True)
    d.add_argument("--concurrency", type=int, default=32)
    r = sub.add_parser("run")
    r.add_argument("--fake", required=True, help="the release `ddorg-fake` binary")
    r.add_argument("--ddorg-cli", required=True, help="the release `ddorg` binary")
    r.add_argument("--fleet-orgs", type=int, default=1000)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--update", help="a BENCHMARKS.md whose fleet section to replace")
    r.add_argument("--note", help="a sentence for the section's first paragraph (how it was run)")
    args = p.parse_args()
    {"official": official, "ddorg-py": ddorg_py, "run": run_alone}[args.cmd](args)


def alone_section(script: str, lines: List[str], note: Optional[str]) -> str:
    """The BENCHMARKS.md section `lines` measured by `scripts/SCRIPT run` by itself: when and how
    (`note`) go under its heading."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines.insert(1, f"Measured alone (`scripts/{script} run`) on {when}, not in the run "
                    f"the rest of this file comes from.{' ' + note if note else ''}\n")
    return "\n".join(lines) + "\n"


def run_alone(args: argparse.Namespace) -> None:
    """`run`: the fleet benchmark by itself; its section printed, or put in place in a file."""
    section = alone_section("bench_fleet.py", report_lines(run(args, quick=False)), args.note)
    if not args.update:
        print(section)
        return
    path = Path(args.update)
    text = path.read_text()
    start = text.index("## Fleet audit: ")
    end = text.index("\n## ", start + 1) + 1
    import bench_fleet_net

    if text.startswith(bench_fleet_net.SECTION, end):  # printed again by report_lines
        end = text.index("\n## ", end + 1) + 1
    path.write_text(text[:start] + section + text[end:])
    print(f"updated the fleet section of {path}")


if __name__ == "__main__":
    main()
