"""A client holds one copy of each key while it lives, however many threads share it, and none
once it is gone: counted in a fresh interpreter's own memory (keys_in_memory_child.py), over
plain HTTP and over TLS, against the ddorg-fake process (whose copies are not in ours)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from conftest import Fake

CHILD = Path(__file__).with_name("keys_in_memory_child.py")

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/mem")


def count_copies(base_url: str, ca_bundle: Optional[Path] = None) -> dict[str, Any]:
    args = [sys.executable, str(CHILD), base_url] + ([str(ca_bundle)] if ca_bundle else [])
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    counts: dict[str, Any] = json.loads(out.stdout)
    return counts


def check(counts: dict[str, Any]) -> None:
    assert counts["errors"] == []
    # The script's own two copies of each key (the str it passes, the bytes it searches for).
    assert counts["before"] == [2, 2]
    # One more while the client lives: the core's one copy of each, whatever 32 threads did.
    assert counts["in_use"] == [3, 3]
    assert counts["after"] == [2, 2]


def test_one_copy_of_each_key_while_the_client_lives_and_none_after(fake: Fake) -> None:
    check(count_copies(fake.base_url))


def test_over_tls_the_plaintext_request_is_not_left_behind(fake: Fake, tmp_path: Path) -> None:
    listening = fake.listen({"tls": "valid"})
    ca = tmp_path / "ca.pem"
    ca.write_text(fake.ca_pem(), encoding="ascii")
    check(count_copies(listening["url"], ca))
