"""A fleet audited through one API key against the fake's Datadog-like rate limits, from Python:
its orgs share the key's budget, wait for each window to reset instead of being refused, and are
all audited."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import ddorg
from ddorg.testing import FakeServer

ORGS = 24
LIMIT = 8
PERIOD = 2
ENDPOINTS = 2  # get_org and the Salesforce list, each its own limit


def test_a_fleet_on_one_key_waits_for_the_reset_with_at_most_one_429_per_period(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("pacing-test-shared-key-0123456789\n")
    os.chmod(key, 0o600)
    with FakeServer(unknown_orgs="example") as fake:  # the fleet's ids are made up
        fake.set_rate_limit(LIMIT, PERIOD)
        lines = ["[defaults]", f'base_url = "{fake.base_url}"', 'api_key_file = "key"', 'app_key_file = "key"']
        for i in range(ORGS):
            lines += ["[[orgs]]", f'public_id = "org-{i}"']
        fleet = tmp_path / "fleet.toml"
        fleet.write_text("\n".join(lines) + "\n")
        started = time.monotonic()
        report = ddorg.audit_fleet(fleet, concurrency=8)
        elapsed = time.monotonic() - started
        assert [o.status for o in report.orgs] == ["audited"] * ORGS
        # Three windows' worth of calls per endpoint: the fleet waited for the resets, and each
        # 429 it did get was retried once.
        limited = fake.rate_limited_count
        windows = (math.floor(elapsed / PERIOD) + 1) * ENDPOINTS
        assert limited <= windows, f"{limited} 429s in {windows} windows"
        assert fake.request_count == ORGS * ENDPOINTS + limited
