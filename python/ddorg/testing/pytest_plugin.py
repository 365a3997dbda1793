"""pytest fixtures for testing code that uses ddorg, registered through the ``pytest11`` entry
point when ddorg is installed (disable with ``-p no:ddorg``).

- ``ddorg_fake``: a fresh :class:`ddorg.testing.FakeServer` for each test, closed after it.
- ``ddorg_fake_tls``: the same serving HTTPS (``FakeServer(tls=True)``): point a client at its
  ``base_url`` with ``ca_bundle=ddorg_fake_tls.ca_bundle``.
- ``ddorg_client``: a :class:`ddorg.Client` pointed at ``ddorg_fake`` (keys
  :data:`ddorg.testing.API_KEY` / :data:`ddorg.testing.APP_KEY`), closed after the test.
- ``ddorg_async_client``: the same as a :class:`ddorg.AsyncClient`.

Code that builds its own client from the environment can be pointed at the fake with
``monkeypatch.setenv("DDORG_BASE_URL", ddorg_fake.base_url)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    import ddorg
    from ddorg.testing import FakeServer


@pytest.fixture
def ddorg_fake() -> Iterator[FakeServer]:
    """A fake Datadog for this test: ``.base_url``, ``.enqueue(...)``, ``.requests``."""
    from ddorg.testing import FakeServer

    with FakeServer() as fake:
        yield fake


@pytest.fixture
def ddorg_fake_tls() -> Iterator[FakeServer]:
    """A fake Datadog serving HTTPS for this test, its CA in ``.ca_bundle`` (a PEM file)."""
    from ddorg.testing import FakeServer

    with FakeServer(tls=True) as fake:
        yield fake


@pytest.fixture
def ddorg_client(ddorg_fake: FakeServer) -> Iterator[ddorg.Client]:
    """A ``ddorg.Client`` talking to ``ddorg_fake``."""
    import ddorg
    from ddorg.testing import API_KEY, APP_KEY

    with ddorg.Client(API_KEY, APP_KEY, base_url=ddorg_fake.base_url) as client:
        yield client


@pytest.fixture
def ddorg_async_client(ddorg_fake: FakeServer) -> Iterator[ddorg.AsyncClient]:
    """A ``ddorg.AsyncClient`` talking to ``ddorg_fake`` (closed after the test)."""
    import ddorg
    from ddorg.testing import API_KEY, APP_KEY

    client = ddorg.AsyncClient(API_KEY, APP_KEY, base_url=ddorg_fake.base_url)
    try:
        yield client
    finally:
        client.close()
