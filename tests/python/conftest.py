"""Fixtures: the in-process fake Datadog of :mod:`ddorg.testing` (its pytest plugin's
``ddorg_fake``, fresh for each test), a client pointed at it, and an environment without any
real Datadog configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import ddorg
from ddorg.testing import ORG_EXAMPLE, SALESFORCE_EXAMPLE, FakeServer

# pytester runs the plugin's own tests (test_pytest_plugin.py) in a subprocess.
pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
API_KEY = "test-api-key-0123456789abcdef"
APP_KEY = "test-app-key-fedcba9876543210"

# The names the tests use.
Fake = FakeServer
__all__ = ["API_KEY", "APP_KEY", "ORG_EXAMPLE", "REPO", "SALESFORCE_EXAMPLE", "Fake"]


@pytest.fixture
def fake(ddorg_fake: FakeServer) -> FakeServer:
    return ddorg_fake


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the machine's Datadog settings unless it sets them itself."""
    for name in ("DD_API_KEY", "DD_APP_KEY", "DD_SITE", "DDORG_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(fake: FakeServer) -> Iterator[ddorg.Client]:
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url) as c:
        yield c
