"""Fixtures: the `ddorg-fake` server (one process per test session, reset before each test),
a client pointed at it, and an environment without any real Datadog configuration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

import ddorg

# pytester runs the plugin's own tests (test_pytest_plugin.py) in a subprocess.
pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
API_KEY = "test-api-key-0123456789abcdef"
APP_KEY = "test-app-key-fedcba9876543210"

# The fake's default bodies, Datadog's documented examples: the very files ddorg-fake serves.
_EXAMPLES = REPO / "crates" / "ddorg-fake" / "src" / "examples"
ORG_EXAMPLE: dict[str, Any] = json.loads((_EXAMPLES / "org.json").read_text(encoding="utf-8"))
ORG_LIST_EXAMPLE: dict[str, Any] = json.loads(
    (_EXAMPLES / "org_list.json").read_text(encoding="utf-8")
)
SALESFORCE_EXAMPLE: dict[str, Any] = json.loads(
    (_EXAMPLES / "salesforce.json").read_text(encoding="utf-8")
)

# Talk to the loopback fake directly, whatever proxy the machine has configured.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Fake:
    """Drives the fake through its control API (`/_fake/...`)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"

    def _call(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        with _OPENER.open(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def enqueue(self, **reply: Any) -> None:
        """Queues a reply for the next API request (see the fake's reply JSON)."""
        self._call("POST", "/_fake/enqueue", reply)

    def set_org(self, public_id: str, **reply: Any) -> None:
        self._call("POST", f"/_fake/org/{urllib.parse.quote(public_id, safe='')}", reply)

    def set_org_list(self, **reply: Any) -> None:
        self._call("POST", "/_fake/org_list", reply)

    def set_orgs(self, orgs: list[dict[str, Any]]) -> None:
        """Lists these orgs (each object's fields over the example org's) and serves each."""
        self._call("POST", "/_fake/orgs", orgs)

    def set_salesforce(self, **reply: Any) -> None:
        self._call("POST", "/_fake/salesforce", reply)

    def require_keys(self, api_key: str, app_key: str) -> None:
        self._call("POST", "/_fake/require_keys", {"api_key": api_key, "app_key": app_key})

    def reset(self) -> None:
        self._call("POST", "/_fake/reset")

    def set_unknown_orgs(self, answer: str) -> None:
        """`not_found` (the default: 404 for any id but the example's) or `example`; kept by
        reset, so the `fake` fixture sets it back for each test."""
        self._call("POST", "/_fake/unknown_orgs", {"answer": answer})

    def requests(self) -> list[dict[str, Any]]:
        """The API requests received since the last reset, oldest first."""
        reqs: list[dict[str, Any]] = self._call("GET", "/_fake/requests")
        return reqs

    def listen(self, how: dict[str, str]) -> dict[str, Any]:
        """Opens an extra listener (`{"tls": "valid"}`) until reset: for tests whose fake must be
        another process (test_keys_in_memory.py counts the copies of keys in its own memory)."""
        listening: dict[str, Any] = self._call("POST", "/_fake/listen", how)
        return listening

    def ca_pem(self) -> str:
        """The fake's CA certificate (PEM), which issues every certificate it serves."""
        req = urllib.request.Request(self.base_url + "/_fake/ca")
        with _OPENER.open(req, timeout=10) as resp:
            return str(resp.read().decode("ascii"))

    def stats(self) -> dict[str, int]:
        stats: dict[str, int] = self._call("GET", "/_fake/stats")
        return stats


def header(request: dict[str, Any], name: str) -> Optional[str]:
    """The first value of a header in a recorded request (names are lowercased by the fake)."""
    for key, value in request["headers"]:
        if key == name.lower():
            return str(value)
    return None


@pytest.fixture(scope="session")
def fake_server() -> Iterator[Fake]:
    binary = os.environ.get("DDORG_FAKE_BIN", str(REPO / "target" / "debug" / "ddorg-fake"))
    if not Path(binary).exists():
        pytest.fail(f"{binary} not found: run `cargo build -p ddorg-fake` or set DDORG_FAKE_BIN")
    proc = subprocess.Popen(
        [binary, "--exit-on-eof"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        pytest.fail(f"ddorg-fake did not print its port: {line!r}")
    try:
        yield Fake(int(line.split()[1]))
    finally:
        proc.stdin.close()  # --exit-on-eof: the fake exits on its own
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def fake(fake_server: Fake) -> Fake:
    fake_server.reset()
    fake_server.set_unknown_orgs("not_found")
    return fake_server


@pytest.fixture(autouse=True)
def ctrl_c_raises_keyboard_interrupt() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt in every test, as in an interactive Python, even when the
    suite was started with SIGINT ignored (a background job of a shell without job control
    inherits that, and Python then installs no handler of its own)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the machine's Datadog, CA or proxy settings unless it sets them itself."""
    for name in (
        "DD_API_KEY", "DD_APP_KEY", "DD_SITE", "DDORG_BASE_URL", "DDORG_CA_BUNDLE",
        "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
        "no_proxy",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(fake: Fake) -> Iterator[ddorg.Client]:
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url) as c:
        yield c
