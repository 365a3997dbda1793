"""The fleet benchmark at a real network's latency and under Datadog-like rate limits, run by
bench_fleet.py (and so by scripts/bench): `ddorg audit --fleet` over 1,000 orgs of one
`ddorg-fake --fleet N --tls --latency 20` at concurrency 1, 8 and 32, and Datadog's official
Python client making the same two calls per org with 32 threads; then a fleet of 1,000 orgs
audited through one shared key against `--rate-limit`, which the runner paces itself through.
For each: wall time, the fake's TLS handshakes and 429s (from its `/_fake/stats`), peak RSS, and
the time the latency and limits allow.

    bench_fleet_net.py run --fake BIN --ddorg-cli BIN [--fleet-orgs N] [--update FILE] [--note TEXT]
        this benchmark alone (with the .venv-bench scripts/bench makes): prints its
        BENCHMARKS.md section, or puts it in place of that section of FILE
"""

from __future__ import annotations

import argparse
import json
import math
import re
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench_fleet import CONCURRENCIES, OFFICIAL_THREADS, alone_section, measure, report_summary, stop_fake

LATENCY_MS = 20
#: The calls of one org: `GET /api/v1/org/{id}` and the Salesforce list, each its own limit.
CALLS_PER_ORG = 2
#: The rate-limited run: this many requests per key and endpoint in each window of PERIOD s.
LIMIT = 250
PERIOD = 10
LIMITED_CONCURRENCY = 32
#: The pacing target: within this factor of the time the limits and latency allow.
TARGET = 1.2
SECTION = "## Fleet audit over the network: "


class Fake:
    """A `ddorg-fake --tls --latency` (with `--fleet N`, writing its fleet file, or without),
    with its control API."""

    def __init__(self, args: argparse.Namespace, work: Path, orgs: Optional[int]) -> None:
        self.ca = work / "fake-ca.pem"
        # Without --fleet the orgs of the fleet file are made-up ids: answer each with the example.
        fleet = (["--fleet", str(orgs), "--write-fleet", str(work / "fleet.toml")] if orgs
                 else ["--unknown-orgs", "example"])
        self.proc = subprocess.Popen(
            [args.fake, "--no-record", "--exit-on-eof", "--tls", "--tls-ca-out", str(self.ca),
             "--latency", str(LATENCY_MS), *fleet],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        m = re.match(r"PORT (\d+)", line)
        if not m:
            raise SystemExit(f"ddorg-fake did not print its port: {line!r}")
        self.base_url = f"https://localhost:{m.group(1)}"
        self.tls = ssl.create_default_context(cafile=str(self.ca))

    def control(self, name: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base_url}/_fake/{name}", data=data,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, context=self.tls, timeout=30) as resp:
            loaded: Dict[str, Any] = json.loads(resp.read() or b"{}")
            return loaded

    def stats(self) -> Dict[str, int]:
        """`handshakes` (the fake's `tls_handshakes`, else its `connections`: the fake counts a
        TLS handshake per connection) and `rate_limited` so far."""
        s = self.control("stats")
        return {"handshakes": int(s.get("tls_handshakes", s["connections"])),
                "rate_limited": int(s["rate_limited"]),
                "handshakes_counted": "tls_handshakes" if "tls_handshakes" in s else "connections"}

    def stop(self) -> None:
        stop_fake(self.proc)


def shared_key_fleet(work: Path, base_url: str, orgs: int) -> Path:
    """A fleet file of `orgs` orgs all audited with one key pair (a parent's key for its
    managed orgs), in a private key file."""
    key = work / "shared.key"
    key.write_text("bench-shared-key-0123456789abcdef\n")
    key.chmod(0o600)
    lines = ["[defaults]", f'base_url = "{base_url}"', 'api_key_file = "shared.key"',
             'app_key_file = "shared.key"']
    for i in range(orgs):
        lines += ["", "[[orgs]]", f'name = "org-{i + 1:04}"', f'public_id = "{i + 1:012x}"']
    path = work / "shared-fleet.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def one_run(fake: Fake, name: str, conc: int, cmd: List[str], report: Optional[Path],
            allowed_s: float, orgs: int) -> Dict[str, Any]:
    before = fake.stats()
    wall, rss, code, out, cpu = measure(cmd, {"DDORG_CA_BUNDLE": str(fake.ca)})
    after = fake.stats()
    r: Dict[str, Any] = {"client": name, "concurrency": conc, "orgs": orgs,
                         "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_rss_kib": rss,
                         "exit": code, "allowed_s": round(allowed_s, 3),
                         # Less the connection that read `after`: urllib opens one per request.
                         "handshakes": after["handshakes"] - before["handshakes"] - 1,
                         "handshakes_counted": after["handshakes_counted"],
                         "rate_limited": after["rate_limited"] - before["rate_limited"]}
    if report is not None:
        r.update(report_summary(report))
    else:
        r.update(json.loads(out.strip().splitlines()[-1]))
    if r.get("errors"):
        raise SystemExit(f"{name}: {r['errors']} orgs failed: {r}")
    print(f"  {name:<44} {conc:>2}  {wall:7.2f} s  allowed {allowed_s:6.2f} s  "
          f"handshakes {r['handshakes']:>5}  429s {r['rate_limited']:>3}  "
          f"peak RSS {rss / 1024:6.1f} MiB", flush=True)
    return r


def limited_allowed(orgs: int, conc: int) -> float:
    """The least time the limits and latency allow the rate-limited run: every endpoint's calls
    past the first windows wait for the windows to end (they start when the limit is set,
    just before the run), and the last window's calls take their round trips."""
    windows = math.ceil(orgs / LIMIT)
    last = orgs - (windows - 1) * LIMIT
    paced = (windows - 1) * PERIOD + last * CALLS_PER_ORG * LATENCY_MS / 1000 / conc
    return max(paced, orgs * CALLS_PER_ORG * LATENCY_MS / 1000 / conc)


def run(args: argparse.Namespace, quick: bool) -> Dict[str, Any]:
    orgs = 50 if quick else args.fleet_orgs
    calls = CALLS_PER_ORG * orgs
    rtt = LATENCY_MS / 1000
    results: List[Dict[str, Any]] = []
    work = Path(tempfile.mkdtemp(prefix="ddorg-bench-fleet-net-"))
    report = work / "report.json"

    def cli(path: Path, c: int) -> List[str]:
        return [args.ddorg_cli, "audit", "--fleet", str(path), "--concurrency", str(c),
                "--format", "json", "--output", str(report)]

    print(f"fleet of {orgs} orgs over TLS at {LATENCY_MS} ms latency", flush=True)
    fake = Fake(args, work, orgs)
    try:
        fleet = work / "fleet.toml"
        for c in CONCURRENCIES:
            results.append(one_run(fake, "ddorg audit --fleet (CLI)", c, cli(fleet, c), report,
                                   calls * rtt / c, orgs))
        official = [sys.executable, str(Path(__file__).with_name("bench_fleet.py")), "official",
                    "--fleet", str(fleet), "--threads", str(OFFICIAL_THREADS), "--ca", str(fake.ca)]
        results.append(one_run(fake, "datadog-api-client (Python), the 2 calls only",
                               OFFICIAL_THREADS, official, None, calls * rtt / OFFICIAL_THREADS,
                               orgs))
    finally:
        fake.stop()
    print(f"fleet of {orgs} orgs on one key, limited to {LIMIT} per {PERIOD} s per endpoint",
          flush=True)
    (work / "limited").mkdir()
    limited = Fake(args, work / "limited", None)
    try:
        path = shared_key_fleet(work / "limited", limited.base_url, orgs)
        limited.control("rate_limit", {"limit": LIMIT, "period": PERIOD})
        results.append(one_run(limited, "ddorg audit --fleet (CLI), one key, rate-limited",
                               LIMITED_CONCURRENCY, cli(path, LIMITED_CONCURRENCY), report,
                               limited_allowed(orgs, LIMITED_CONCURRENCY), orgs))
    finally:
        limited.stop()
    return {"orgs": orgs, "results": results}


def report_lines(net: Dict[str, Any]) -> List[str]:
    """The BENCHMARKS.md section."""
    n = net["orgs"]
    res = net["results"]
    counted = res[0]["handshakes_counted"]
    out = [f"{SECTION}{n:,} orgs at {LATENCY_MS} ms, and rate-limited\n"]
    out.append(
        f"One `ddorg-fake --fleet {n:,} --tls --latency {LATENCY_MS}` on loopback: every flight "
        f"the server sends is held {LATENCY_MS} ms, so a call on a kept-alive connection costs one "
        f"{LATENCY_MS} ms round trip and a new TLS connection three. {CALLS_PER_ORG * n:,} calls "
        "(two per org, each org its own key pair and client). The bound is calls × round trip ÷ "
        "concurrency, the least time those calls can take at that concurrency; handshakes and "
        f"429s are the fake's own counts (`/_fake/stats`, `{counted}`) over the run. The "
        "rate-limited row audits a second fake (no `--fleet`) through one key for every org, as a "
        f"parent audits its managed orgs, limited like Datadog to {LIMIT} requests per key and "
        f"endpoint in each window of {PERIOD} s (`POST /_fake/rate_limit`, set just before the "
        "run): its bound is the windows the calls need (the first ones spent, then each reset "
        f"waited for) plus the last window's round trips. The target is {TARGET}× the bound and "
        "no 429 storm (at most one 429 per key and window). Every figure is one process from "
        "start to exit, measured with `os.wait4`; one round each.\n")
    out.append("| client | concurrency | wall time | bound | wall ÷ bound | TLS handshakes | 429s "
               "| peak RSS |")
    out.append("|---|---|---|---|---|---|---|---|")
    for r in res:
        conc = (f"{r['concurrency']} threads" if r["client"].startswith("datadog")
                else str(r["concurrency"]))
        out.append(f"| {r['client']} | {conc} | {r['wall_s']:.2f} s | {r['allowed_s']:.2f} s | "
                   f"{r['wall_s'] / r['allowed_s']:.2f}× | {r['handshakes']:,} | "
                   f"{r['rate_limited']} | {r['peak_rss_kib'] / 1024:.1f} MiB |")
    cli = {r["concurrency"]: r for r in res if r["client"] == "ddorg audit --fleet (CLI)"}
    off = [r for r in res if r["client"].startswith("datadog")][0]
    lim = res[-1]
    out.append("")
    out.append(
        f"At concurrency 32 the CLI audited the fleet {off['wall_s'] / cli[32]['wall_s']:.1f}× "
        f"faster than the official client made the bare calls with 32 threads. What the bound "
        f"leaves out: the TCP and TLS handshakes (two more round trips per connection; the "
        f"fleet shares one pool, so it opens one connection per worker, where the official "
        f"client opens one per org), the process's start and the report. Through one key "
        f"under the limit, the runner paced itself from the `x-ratelimit-*` headers: "
        f"{lim['rate_limited']} 429s and {lim['wall_s'] / lim['allowed_s']:.2f}× the time the "
        f"limits allow (target {TARGET}×): each window's end is known to the whole second "
        "(`x-ratelimit-reset` is rounded up) and a round trip late, which is what it waits "
        "beyond the bound.\n")
    out.append("```json")
    out.extend(json.dumps(r) for r in res)
    out.append("```\n")
    return out


def run_alone(args: argparse.Namespace) -> None:
    section = alone_section("bench_fleet_net.py", report_lines(run(args, quick=False)), args.note)
    if not args.update:
        print(section)
        return
    path = Path(args.update)
    text = path.read_text()
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end < 0 else text[end + 1:])
    else:  # after the fleet section
        at = text.index("\n## ", text.index("## Fleet audit: ") + 1) + 1
        text = text[:at] + section + text[at:]
    path.write_text(text)
    print(f"updated the network fleet section of {path}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--fake", required=True, help="the release `ddorg-fake` binary")
    r.add_argument("--ddorg-cli", required=True, help="the release `ddorg` binary")
    r.add_argument("--fleet-orgs", type=int, default=1000)
    r.add_argument("--update", help="a BENCHMARKS.md whose network fleet section to replace")
    r.add_argument("--note", help="a sentence for the section's first paragraph (how it was run)")
    run_alone(p.parse_args())


if __name__ == "__main__":
    main()
