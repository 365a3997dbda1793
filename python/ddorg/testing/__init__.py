"""A fake Datadog for your own tests: :class:`FakeServer`, in-process, on a free loopback port.

    from ddorg.testing import FakeServer
    import ddorg

    def test_my_audit_reports_a_missing_org() -> None:
        with FakeServer() as fake:
            fake.enqueue(status=404, errors=["Organization not found"])
            client = ddorg.Client("any-key", "any-key", base_url=fake.base_url)
            with pytest.raises(ddorg.NotFoundError):
                client.get_org("abc")
            assert fake.requests[0].path == "/api/v1/org/abc"

The server is the ``ddorg-fake`` library compiled into ddorg's extension: no binary, no network,
nothing to install. It answers both endpoints with Datadog's documented examples
(:data:`ORG_EXAMPLE`, :data:`SALESFORCE_EXAMPLE`) until told otherwise, accepts any non-empty
keys (or only :meth:`FakeServer.require_keys`'), and plays back scripted replies: any status,
headers, body, delay or transport fault.

With pytest, the ``ddorg_fake`` and ``ddorg_client`` fixtures (the plugin registers itself when
ddorg is installed) give each test a fresh server and a client pointed at it; see
:mod:`ddorg.testing.pytest_plugin`.
"""

from __future__ import annotations

import base64
import json as _json
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from .. import _ddorg

__all__ = [
    "FakeServer",
    "RecordedRequest",
    "FAULTS",
    "API_KEY",
    "APP_KEY",
    "ORG_EXAMPLE",
    "SALESFORCE_EXAMPLE",
]

#: The keys the ``ddorg_client`` fixture uses (any non-empty keys pass the fake's check).
API_KEY = "ddorg-testing-api-key"
APP_KEY = "ddorg-testing-app-key"

#: The transport faults :meth:`FakeServer.enqueue` takes as ``fault=``: close without a
#: response, reset in the middle of the headers or of the body, close right after a complete
#: keep-alive response (a stale pooled connection), or a body 5 bytes short of its length.
FAULTS = (
    "close_without_response",
    "reset_mid_headers",
    "reset_mid_body",
    "close_after_response",
    "truncated_body",
)

#: What ``GET /api/v1/org/{public_id}`` answers by default: Datadog's documented example.
ORG_EXAMPLE: dict[str, Any] = _json.loads(_ddorg._ORG_EXAMPLE)
#: What the Salesforce organizations endpoint answers by default.
SALESFORCE_EXAMPLE: dict[str, Any] = _json.loads(_ddorg._SALESFORCE_EXAMPLE)

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class RecordedRequest(NamedTuple):
    """One API request the fake received. ``DD-API-KEY`` and ``DD-APPLICATION-KEY`` read
    ``"***"`` (empty if the client sent them empty): use :meth:`FakeServer.require_keys` to check
    which keys a client sends."""

    #: The method as sent, e.g. ``"GET"``.
    method: str
    #: The raw request target, query string and percent-escapes included.
    path: str
    #: Every header in the order sent, names lowercased.
    headers: Tuple[Tuple[str, str], ...]

    def header(self, name: str) -> Optional[str]:
        """The first value of the header ``name`` (any case), or ``None`` if it was not sent."""
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None


def _reply(
    status: Optional[int],
    *,
    json: Any = None,
    body: Union[str, bytes, None] = None,
    errors: Optional[Sequence[str]] = None,
    headers: Optional[Headers] = None,
    content_type: Optional[str] = None,
    gzip: bool = False,
    delay: Optional[float] = None,
    fault: Optional[str] = None,
    repeat: int = 1,
    redirect: Optional[str] = None,
) -> str:
    """The fake's reply JSON (its one definition is ``ddorg_fake::Reply::from_json``)."""
    reply: dict[str, Any] = {}
    if status is not None:
        reply["status"] = status
    if json is not None:
        reply["json"] = json
    if isinstance(body, bytes):
        reply["body_base64"] = base64.b64encode(body).decode("ascii")
    elif body is not None:
        reply["body"] = body
    if errors is not None:
        if isinstance(errors, str):
            raise TypeError("errors must be a list of strings, not a string")
        reply["errors"] = list(errors)
    if headers is not None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        reply["headers"] = [[str(k), str(v)] for k, v in items]
    if content_type is not None:
        reply["content_type"] = content_type
    if gzip:
        reply["gzip"] = True
    if delay is not None:
        if delay < 0:
            raise ValueError(f"delay must be zero or more seconds, got {delay}")
        reply["delay_ms"] = round(delay * 1000)
    if fault is not None:
        reply["fault"] = fault
    if repeat != 1:
        reply["repeat"] = repeat
    if redirect is not None:
        reply["redirect"] = redirect
    return _json.dumps(reply)


class FakeServer:
    """A fake Datadog API server in this process, started on ``127.0.0.1`` and a free port.

    Use it as a context manager (or call :meth:`close`). Every API request is answered, in order,
    by: the oldest :meth:`enqueue`\\ d reply (whatever the path); 403 when a key is missing (or not
    the :meth:`require_keys` pair); the :meth:`set_org` / :meth:`set_salesforce` reply; Datadog's
    documented example for the endpoint; 404 for any other path.
    """

    def __init__(self) -> None:
        self._server = _ddorg._FakeServer()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: pass it as ``base_url=`` or ``DDORG_BASE_URL``."""
        return self._server.base_url

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._server.port

    def enqueue(
        self,
        status: Optional[int] = None,
        *,
        json: Any = None,
        body: Union[str, bytes, None] = None,
        errors: Optional[Sequence[str]] = None,
        headers: Optional[Headers] = None,
        content_type: Optional[str] = None,
        gzip: bool = False,
        delay: Optional[float] = None,
        fault: Optional[str] = None,
        repeat: int = 1,
        redirect: Optional[str] = None,
    ) -> None:
        """Queues a reply for the next API request, whatever its path (first in, first out).

        Args:
            status: the HTTP status. Defaults to 200 (302 with ``redirect``); a reply with no
                status and no body (say, only a ``delay``) serves what the request would have
                got anyway, the endpoint's example body included.
            json: a body to serialize as JSON, with ``content-type: application/json``.
            body: the body as text, or as bytes sent unchanged (no content type unless given).
            errors: Datadog's error body, ``{"errors": [...]}``, as JSON.
            headers: extra response headers, a mapping or ``(name, value)`` pairs, sent as given
                (``x-ratelimit-*`` for rate limits, ``content-length`` to lie about the length).
            content_type: the ``content-type`` header, replacing the implied one.
            gzip: compress the body and send ``content-encoding: gzip``.
            delay: seconds to wait before answering (before any fault).
            fault: a transport failure instead of a clean answer, one of :data:`FAULTS`.
            repeat: serve this reply to the next ``repeat`` requests.
            redirect: a ``location`` to redirect to.

        At most one of ``json``, ``body`` and ``errors`` may be given. A bad reply (an unknown
        fault, a status outside 100-999) raises ``ValueError`` here, not at request time.
        """
        self._server.enqueue(
            _reply(
                status,
                json=json,
                body=body,
                errors=errors,
                headers=headers,
                content_type=content_type,
                gzip=gzip,
                delay=delay,
                fault=fault,
                repeat=repeat,
                redirect=redirect,
            )
        )

    def enqueue_reply(self, reply: Mapping[str, Any]) -> None:
        """Queues a reply written in the fake's JSON form: the keys of the ``ddorg-fake``
        binary's control API (``status``, ``headers``, ``body``, ``json``, ``body_base64``,
        ``errors``, ``content_type``, ``gzip``, ``delay_ms``, ``fault``, ``repeat``,
        ``redirect``), for replies shared with tests in other languages."""
        self._server.enqueue(_json.dumps(dict(reply)))

    def set_org(
        self,
        public_id: str,
        status: Optional[int] = None,
        *,
        json: Any = None,
        body: Union[str, bytes, None] = None,
        errors: Optional[Sequence[str]] = None,
        headers: Optional[Headers] = None,
        content_type: Optional[str] = None,
        gzip: bool = False,
        delay: Optional[float] = None,
        fault: Optional[str] = None,
    ) -> None:
        """Answers every ``GET /api/v1/org/<public_id>`` for this id with this reply (arguments as
        in :meth:`enqueue`) until :meth:`reset`; other ids keep the example."""
        self._server.set_org(
            public_id,
            _reply(
                status,
                json=json,
                body=body,
                errors=errors,
                headers=headers,
                content_type=content_type,
                gzip=gzip,
                delay=delay,
                fault=fault,
            ),
        )

    def set_salesforce(
        self,
        status: Optional[int] = None,
        *,
        json: Any = None,
        body: Union[str, bytes, None] = None,
        errors: Optional[Sequence[str]] = None,
        headers: Optional[Headers] = None,
        content_type: Optional[str] = None,
        gzip: bool = False,
        delay: Optional[float] = None,
        fault: Optional[str] = None,
    ) -> None:
        """Answers every Salesforce organizations request with this reply (arguments as in
        :meth:`enqueue`) until :meth:`reset`."""
        self._server.set_salesforce(
            _reply(
                status,
                json=json,
                body=body,
                errors=errors,
                headers=headers,
                content_type=content_type,
                gzip=gzip,
                delay=delay,
                fault=fault,
            )
        )

    def require_keys(self, api_key: str, app_key: str) -> None:
        """Accepts only this ``DD-API-KEY`` / ``DD-APPLICATION-KEY`` pair; others get 403
        ``{"errors": ["Forbidden"]}``. Defaults to accepting any non-empty keys."""
        self._server.require_keys(api_key, app_key)

    def reset(self) -> None:
        """Forgets the queue, the :meth:`set_org` / :meth:`set_salesforce` replies, the key
        requirement and the request history."""
        self._server.reset()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received since the start (or :meth:`reset`), oldest first, keys
        redacted."""
        return [
            RecordedRequest(method, path, tuple(headers))
            for method, path, headers in self._server.requests()
        ]

    @property
    def request_count(self) -> int:
        """How many API requests were received since the start (or :meth:`reset`)."""
        return self._server.request_count

    @property
    def connection_count(self) -> int:
        """How many TCP connections were accepted since the start (shows connection reuse)."""
        return self._server.connection_count

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._server.closed

    def close(self) -> None:
        """Stops the server; closing twice is fine."""
        self._server.close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else self.base_url
        return f"<ddorg.testing.FakeServer {state}>"
