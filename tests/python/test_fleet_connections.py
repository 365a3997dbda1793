"""A fleet on one site shares its HTTPS connections: 1,000 orgs (each its own client and keys)
audited by ``ddorg.audit_fleet`` ``concurrency`` at a time open at most ``concurrency`` of them,
counted by the fake's TLS handshakes."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

import ddorg
from conftest import REPO

FLEET_SIZE = 1000


class TlsFleet:
    def __init__(self, path: Path, ca: Path, base_url: str) -> None:
        self.path = path
        self.ca = ca
        self.base_url = base_url

    def stats(self) -> dict[str, Any]:
        context = ssl.create_default_context(cafile=str(self.ca))
        with urllib.request.urlopen(f"{self.base_url}/_fake/stats", context=context) as r:
            stats: dict[str, Any] = json.load(r)
            return stats


@pytest.fixture
def tls_fleet(tmp_path: Path) -> Iterator[TlsFleet]:
    """The ddorg-fake binary over HTTPS in fleet mode, its CA and the fleet file it wrote."""
    binary = os.environ.get("DDORG_FAKE_BIN", str(REPO / "target" / "debug" / "ddorg-fake"))
    path, ca = tmp_path / "fleet.toml", tmp_path / "ca.pem"
    proc = subprocess.Popen(
        [binary, "--exit-on-eof", "--tls", "--tls-ca-out", str(ca)]
        + ["--fleet", str(FLEET_SIZE), "--write-fleet", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    try:
        yield TlsFleet(path, ca, f"https://localhost:{int(line.split()[1])}")
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


@pytest.mark.parametrize("concurrency", [1, 8, 32])
def test_a_thousand_orgs_over_tls_open_at_most_concurrency_connections(
    tls_fleet: TlsFleet, concurrency: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DDORG_CA_BUNDLE", str(tls_fleet.ca))
    report = ddorg.audit_fleet(tls_fleet.path, concurrency=concurrency)
    assert len(report.orgs) == FLEET_SIZE
    assert [o.name for o in report.orgs if o.error is not None] == []
    stats = tls_fleet.stats()
    assert stats["requests"] >= 2 * FLEET_SIZE
    # The stats request is one more connection of its own.
    assert 1 <= stats["tls_handshakes"] - 1 <= concurrency, stats
