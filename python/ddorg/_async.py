"""``ddorg.AsyncClient``: the client for asyncio code, with the same constructor, methods,
responses and exceptions as :class:`ddorg.Client`.

Each call runs the blocking Rust core (which releases the GIL while it waits on the network) in
a thread pool owned by the client and bounded by ``max_concurrency``, so the event loop keeps
running and up to ``max_concurrency`` calls proceed at once. Imported on first use of
``ddorg.AsyncClient``, so ``import ddorg`` does not pay for asyncio.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ._ddorg import (
    Client,
    OrganizationListResponse,
    OrganizationResponse,
    SalesforceIncidentsOrganizationsResponse,
)
from ._errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Callable, Optional

    from typing_extensions import Self

__all__ = ["AsyncClient", "DEFAULT_MAX_CONCURRENCY"]

T = TypeVar("T")

#: How many calls one :class:`AsyncClient` runs at once by default (its pool's thread count).
DEFAULT_MAX_CONCURRENCY = 64


class AsyncClient:
    """A client for Datadog's organization endpoints, for asyncio (and uvloop).

    Takes exactly :class:`ddorg.Client`'s arguments (keys and settings left out come from
    ``DD_API_KEY``, ``DD_APP_KEY``, ``DD_SITE`` and ``DDORG_BASE_URL``), plus ``max_concurrency``:
    how many calls run at once, the size of the client's thread pool (threads are started as
    needed). Defaults to 64; further calls wait their turn.

    Cancelling a call (``task.cancel()``, ``asyncio.wait_for``, a ``TaskGroup`` failing) raises
    ``CancelledError`` in the caller at once. The request itself cannot be interrupted mid-flight:
    it runs on in its pool thread until it ends, at the client's ``timeout`` at the latest, and
    its result is dropped. :attr:`calls_in_flight` counts those too.

        async with ddorg.AsyncClient() as client:
            org, sf = await asyncio.gather(
                client.get_org("abcdef12345"), client.list_salesforce_organizations()
            )
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        app_key: Optional[str] = None,
        *,
        site: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        user_agent: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        max_body_size: Optional[int] = None,
        append_user_agent: Optional[str] = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise TypeError(
                f"max_concurrency must be an int, not {type(max_concurrency).__name__}"
            )
        if max_concurrency < 1:
            raise ConfigError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self._client = Client(
            api_key,
            app_key,
            site=site,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            user_agent=user_agent,
            connect_timeout=connect_timeout,
            max_body_size=max_body_size,
            append_user_agent=append_user_agent,
        )
        self._max_concurrency = max_concurrency
        self._pool = ThreadPoolExecutor(max_concurrency, thread_name_prefix="ddorg-async")
        self._lock = threading.Lock()
        self._in_flight = 0

    async def get_org(self, public_id: str) -> OrganizationResponse:
        """``GET /api/v1/org/{public_id}``: the organization's name, settings (SAML and more)
        and plan."""
        return await self._run(self._client.get_org, public_id)

    async def list_orgs(self) -> OrganizationListResponse:
        """``GET /api/v1/org``: the managed organizations, the key's own and, with a parent
        organization's keys, every child organization."""
        return await self._run(self._client.list_orgs)

    async def list_salesforce_organizations(self) -> SalesforceIncidentsOrganizationsResponse:
        """``GET /api/v2/integration/salesforce-incidents/organizations``: the Salesforce
        organizations connected through the Salesforce integration."""
        return await self._run(self._client.list_salesforce_organizations)

    async def _run(self, call: Callable[..., T], *args: object) -> T:
        if self._client.closed:
            raise ConfigError("this client is closed: create a new ddorg.AsyncClient")
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._pool, self._counted, call, *args)
        except RuntimeError:  # closed by another thread since the check above
            raise ConfigError("this client is closed: create a new ddorg.AsyncClient") from None
        return await future

    def _counted(self, call: Callable[..., T], *args: object) -> T:
        with self._lock:
            self._in_flight += 1
        try:
            return call(*args)
        finally:
            with self._lock:
                self._in_flight -= 1

    @property
    def calls_in_flight(self) -> int:
        """How many calls are running in the pool now, cancelled ones whose request has not
        ended yet included."""
        with self._lock:
            return self._in_flight

    @property
    def max_concurrency(self) -> int:
        """How many calls run at once (the pool's size)."""
        return self._max_concurrency

    @property
    def site(self) -> Optional[str]:
        """The Datadog site, e.g. ``'datadoghq.com'``; ``None`` when a custom base URL is used."""
        return self._client.site

    @property
    def base_url(self) -> str:
        """The base URL requests go to, e.g. ``'https://api.datadoghq.com'``."""
        return self._client.base_url

    @property
    def timeout(self) -> float:
        """The overall deadline of one call, retries included, in seconds."""
        return self._client.timeout

    @property
    def connect_timeout(self) -> float:
        """The longest wait to establish a connection, in seconds."""
        return self._client.connect_timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed request is retried."""
        return self._client.max_retries

    @property
    def max_body_size(self) -> int:
        """The largest response body accepted, in bytes."""
        return self._client.max_body_size

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every request."""
        return self._client.user_agent

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` (or :meth:`aclose`) was called."""
        return self._client.closed

    def close(self) -> None:
        """Stops accepting calls; calls already running end on their own (at their deadline at
        the latest), then the pool's threads exit. Closing twice is fine."""
        self._client.close()
        self._pool.shutdown(wait=False)

    async def aclose(self) -> None:
        """:meth:`close`, for ``await``-style cleanup."""
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Async" + repr(self._client)
