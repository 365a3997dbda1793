"""The cold-import comparison: what a user pays for `import ddorg` (and for the official
client's imports), as whole fresh `python -c` processes against `python -c pass`.

Timing only the import statements inside a process that has already loaded `json`, `re`,
`subprocess` and friends makes an import's dependencies look free; a whole process does not.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

from bench_worker import IMPORTS


def cold_imports(runs: int, log: Callable[[str], None] = print) -> Dict[str, Dict[str, Any]]:
    """Runs `python -c CODE` for every entry of IMPORTS (`none` is `python -c pass`), round-robin
    so that machine noise hits all of them alike, after 3 discarded rounds (page cache, .pyc).
    Per entry: median, min and max wall time of the whole process; `over_none_ms`, the median
    over rounds of (this process - the bare interpreter of the same round); peak RSS (wait4)."""
    wall: Dict[str, List[float]] = {m: [] for m in IMPORTS}
    over: Dict[str, List[float]] = {m: [] for m in IMPORTS}
    rss: Dict[str, List[int]] = {m: [] for m in IMPORTS}
    for i in range(runs + 3):
        this_round: Dict[str, float] = {}
        for m, code in IMPORTS.items():
            started = time.perf_counter_ns()
            p = subprocess.Popen([sys.executable, "-c", code or "pass"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            this_round[m] = (time.perf_counter_ns() - started) / 1e6
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                raise SystemExit(f"python -c {code!r} failed with {p.returncode}")
            if i >= 3:
                wall[m].append(this_round[m])
                rss[m].append(usage.ru_maxrss)
        if i >= 3:
            for m in IMPORTS:
                over[m].append(this_round[m] - this_round["none"])
    out: Dict[str, Dict[str, Any]] = {}
    for m in IMPORTS:
        ms = sorted(wall[m])
        out[m] = {
            "module": m,
            "runs": runs,
            "median_ms": statistics.median(ms),
            "min_ms": ms[0],
            "max_ms": ms[-1],
            "over_none_ms": statistics.median(over[m]),
            "rss_kib": int(statistics.median(rss[m])),
        }
        s = out[m]
        log(f"  {m:<9} process median {s['median_ms']:.2f} ms (min {s['min_ms']:.2f}, max "
            f"{s['max_ms']:.2f}), {s['over_none_ms']:+.2f} ms over `python -c pass`, "
            f"peak RSS {s['rss_kib']:,} KiB")
    return out
