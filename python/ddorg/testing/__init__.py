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
nothing to install. It answers the three endpoints with Datadog's documented examples
(:data:`ORG_EXAMPLE`, :data:`ORG_LIST_EXAMPLE`, :data:`SALESFORCE_EXAMPLE`) until told otherwise, accepts any non-empty
keys (or only :meth:`FakeServer.require_keys`'), and plays back scripted replies: any status,
headers, body, delay or transport fault.

It also speaks HTTPS and plays corporate networks, for code that runs behind a proxy or with a
private CA: ``FakeServer(tls=True)`` serves HTTPS with a certificate from the fake's own CA
(:meth:`FakeServer.ca_pem`, or the file :attr:`FakeServer.ca_bundle` to pass as ``ca_bundle=``),
and :meth:`FakeServer.listen` opens extra listeners: HTTPS with an expired, wrong-host or
self-signed certificate (:data:`TLS_CERTS`), or a ``CONNECT`` proxy that inspects TLS, trickles,
never answers or wants credentials (:data:`PROXY_MODES`)::

    with FakeServer() as fake:
        proxy = fake.listen(proxy="inspect")
        client = ddorg.Client("k", "k", proxy=proxy.url, ca_bundle=fake.ca_bundle)
        client.get_org("abcdef12345")  # through the proxy, which re-signs api.datadoghq.com

With pytest, the ``ddorg_fake``, ``ddorg_fake_tls`` and ``ddorg_client`` fixtures (the plugin
registers itself when ddorg is installed) give each test a fresh server and a client pointed at
it; see :mod:`ddorg.testing.pytest_plugin`.
"""

from __future__ import annotations

import base64
import json as _json
import os
import sys
import tempfile
import threading
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    Iterable,
    Literal,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    overload,
)

from .. import _ddorg

# At runtime where typing has it, so that typing.get_type_hints() works on the methods.
if sys.version_info >= (3, 11):
    from typing import Unpack
elif TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "FakeServer",
    "RecordedRequest",
    "Listener",
    "ReplyOptions",
    "QueuedReplyOptions",
    "TlsCertName",
    "UnknownOrgsName",
    "ProxyModeName",
    "RateLimitEndpointName",
    "FAULTS",
    "TLS_CERTS",
    "PROXY_MODES",
    "RATE_LIMIT_ENDPOINTS",
    "API_KEY",
    "APP_KEY",
    "ORG_EXAMPLE",
    "ORG_LIST_EXAMPLE",
    "SALESFORCE_EXAMPLE",
]

#: The keys the ``ddorg_client`` fixture uses (any non-empty keys pass the fake's check).
API_KEY = "ddorg-testing-api-key"
APP_KEY = "ddorg-testing-app-key"

#: The transport faults :meth:`FakeServer.enqueue` takes as ``fault=``: close without a
#: response, reset in the middle of the headers or of the body, close right after a complete
#: keep-alive response (a stale pooled connection), or a body 5 bytes short of its length.
FAULTS: Tuple[str, ...] = tuple(_ddorg._FAULTS)

#: The certificates ``FakeServer(tls=...)`` and ``listen(tls=...)`` present. All but
#: ``"self_signed"`` are issued by the server's CA (:meth:`FakeServer.ca_pem`), so a client that
#: trusts it fails only for the reason named: ``"valid"`` (for ``localhost``, ``127.0.0.1`` and
#: ``::1``), ``"expired"`` (expired yesterday), ``"wrong_host"`` (only for
#: ``wrong-host.ddorg-fake.invalid``), ``"self_signed"`` (signed by its own key).
TLS_CERTS: Tuple[str, ...] = tuple(_ddorg._TLS_CERTS)

#: How the proxies of ``listen(proxy=...)`` answer ``CONNECT``: ``"inspect"`` (200, then TLS
#: inside the tunnel with a certificate for the requested host from the server's CA, as a
#: TLS-inspecting corporate proxy does, serving the fake API there), ``"trickle"`` (200, one byte
#: every 100 ms for 10 s), ``"silent"`` (never answers), ``"auth_required"`` (407).
PROXY_MODES: Tuple[str, ...] = tuple(_ddorg._PROXY_MODES)

#: The endpoints :meth:`FakeServer.set_rate_limit` limits, by their ``x-ratelimit-name``:
#: ``"org_get"`` (``GET /api/v1/org/{public_id}``), ``"org_list"`` (``GET /api/v1/org``) and
#: ``"salesforce_orgs"`` (the Salesforce organizations).
RATE_LIMIT_ENDPOINTS: Tuple[str, ...] = tuple(_ddorg._RATE_LIMIT_ENDPOINTS)

# Unions of one-value Literals, not one Literal of many values: the same type to a type checker,
# and a Union at runtime too, as stubtest wants of a union alias.
#: What :class:`FakeServer` answers ``get_org`` of an id it does not know: Datadog's 404, or the
#: example organization whatever the id.
UnknownOrgsName = Union[Literal["not_found"], Literal["example"]]
#: A name from :data:`TLS_CERTS`, for type checkers.
TlsCertName = Union[
    Literal["valid"], Literal["expired"], Literal["wrong_host"], Literal["self_signed"]
]
#: A name from :data:`PROXY_MODES`, for type checkers.
ProxyModeName = Union[
    Literal["inspect"], Literal["trickle"], Literal["silent"], Literal["auth_required"]
]
#: A name from :data:`RATE_LIMIT_ENDPOINTS`, for type checkers.
RateLimitEndpointName = Union[Literal["org_get"], Literal["org_list"], Literal["salesforce_orgs"]]

#: What ``GET /api/v1/org/{public_id}`` answers by default for the example's id,
#: ``"abcdef12345"`` (and for any id with ``unknown_orgs="example"``): Datadog's documented example.
ORG_EXAMPLE: dict[str, Any] = _json.loads(_ddorg._ORG_EXAMPLE)
#: What ``GET /api/v1/org`` answers by default: :data:`ORG_EXAMPLE`'s organization alone.
ORG_LIST_EXAMPLE: dict[str, Any] = _json.loads(_ddorg._ORG_LIST_EXAMPLE)
#: What the Salesforce organizations endpoint answers by default.
SALESFORCE_EXAMPLE: dict[str, Any] = _json.loads(_ddorg._SALESFORCE_EXAMPLE)

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class ReplyOptions(TypedDict, total=False):
    """The keyword arguments of a scripted reply (:meth:`FakeServer.enqueue`,
    :meth:`FakeServer.set_org`, :meth:`FakeServer.set_salesforce`); every one is optional.

    At most one of ``json``, ``body`` and ``errors`` may be given. A bad reply (an unknown fault,
    a status outside 100-999) raises ``ValueError`` when scripted, not at request time.
    """

    #: A body to serialize as JSON, with ``content-type: application/json``.
    json: Any
    #: The body as text, or as bytes sent unchanged (no content type unless given).
    body: Union[str, bytes, None]
    #: Datadog's error body, ``{"errors": [...]}``, as JSON.
    errors: Optional[Sequence[str]]
    #: Extra response headers, a mapping or ``(name, value)`` pairs, sent as given
    #: (``x-ratelimit-*`` for rate limits, ``content-length`` to lie about the length).
    headers: Optional[Headers]
    #: The ``content-type`` header, replacing the implied one.
    content_type: Optional[str]
    #: Compress the body and send ``content-encoding: gzip``.
    gzip: bool
    #: Seconds to wait before answering (before any fault).
    delay: Optional[float]
    #: A transport failure instead of a clean answer, one of :data:`FAULTS`.
    fault: Optional[str]


class QueuedReplyOptions(ReplyOptions, total=False):
    """:class:`ReplyOptions` for :meth:`FakeServer.enqueue`, which may also repeat and redirect."""

    #: Serve this reply to the next ``repeat`` requests. Defaults to 1.
    repeat: int
    #: A ``location`` to redirect to (the status then defaults to 302).
    redirect: Optional[str]


class Listener(NamedTuple):
    """An extra listener opened with :meth:`FakeServer.listen`, open until
    :meth:`FakeServer.reset` or :meth:`FakeServer.close`."""

    #: ``https://localhost:<port>`` for HTTPS (pass it as ``base_url=``), ``http://127.0.0.1:<port>``
    #: for a proxy (pass it as ``proxy=`` or ``HTTPS_PROXY``).
    url: str
    #: Its port on ``127.0.0.1``.
    port: int


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


def _reply_json(
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
) -> dict[str, Any]:
    """A :class:`ReplyOptions` in the fake's JSON form (its one definition is
    ``ddorg_fake::Reply::from_json``, which checks it)."""
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
    return reply


def _queued_reply_json(
    status: Optional[int],
    *,
    repeat: int = 1,
    redirect: Optional[str] = None,
    **options: Unpack[ReplyOptions],
) -> dict[str, Any]:
    """A :class:`QueuedReplyOptions` in the fake's JSON form."""
    reply = _reply_json(status, **options)
    if repeat != 1:
        reply["repeat"] = repeat
    if redirect is not None:
        reply["redirect"] = redirect
    return reply


class FakeServer:
    """A fake Datadog API server in this process, started on ``127.0.0.1`` and a free port.

    Use it as a context manager (or call :meth:`close`). Every API request is answered, in order,
    by: the oldest :meth:`enqueue`\\ d reply (whatever the path); 403 when a key is missing (or not
    the :meth:`require_keys` pair); 429 past a :meth:`set_rate_limit`; the :meth:`set_org` /
    :meth:`set_org_list` /
    :meth:`set_orgs` / :meth:`set_salesforce` reply; Datadog's
    documented example for the endpoint (for ``get_org``, only for the example's id,
    ``"abcdef12345"``: any other id is 404 ``Organization not found``, as Datadog answers an id it
    does not know, unless ``unknown_orgs="example"``); 404 for any other path. The extra listeners of
    :meth:`listen` (HTTPS, and the API inside an inspecting proxy's tunnel) share this scripting
    and history.

    Args:
        tls: serve HTTPS instead of HTTP, presenting this certificate (a name from
            :data:`TLS_CERTS`; ``True`` is ``"valid"``), issued by the server's CA
            (:meth:`ca_pem`, :attr:`ca_bundle`). :attr:`base_url` is then
            ``https://localhost:<port>``. Defaults to ``False``: plain HTTP.
        unknown_orgs: what ``GET /api/v1/org/<public_id>`` answers for an id nothing was set
            for: ``"not_found"`` (404, as Datadog) or ``"example"`` (the example org for any id;
            :meth:`set_unknown_orgs` changes it later). Defaults to ``"not_found"``.

    An unknown certificate name raises ``ValueError``.
    """

    def __init__(
        self, *, tls: Union[bool, TlsCertName] = False, unknown_orgs: UnknownOrgsName = "not_found"
    ) -> None:
        cert = None if tls is False else "valid" if tls is True else tls
        self._server = _ddorg._FakeServer(cert)
        self._server.set_unknown_orgs(unknown_orgs)
        self._ca_lock = threading.Lock()
        self._ca_path: Optional[str] = None
        self._ca_cleanup: Optional[weakref.finalize[[str], FakeServer]] = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (``https://localhost:<port>`` with ``tls``): pass it as
        ``base_url=`` or ``DDORG_BASE_URL``."""
        return self._server.base_url

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._server.port

    def ca_pem(self) -> str:
        """The PEM certificate of this server's CA, made when first needed: it issues the
        certificates of ``tls`` and of every :meth:`listen`\\ er, so a client that trusts it
        trusts them. Each server has its own CA; none is ever checked in or expires mid-test."""
        return self._server.ca_pem()

    @property
    def ca_bundle(self) -> str:
        """The path of a PEM file holding :meth:`ca_pem`, to pass as ``ca_bundle=``,
        ``DDORG_CA_BUNDLE`` or ``SSL_CERT_FILE``. Written to the temporary directory on first
        use and deleted by :meth:`close` (or when the server is garbage-collected)."""
        with self._ca_lock:
            if self._ca_path is None:
                pem = self.ca_pem()
                fd, path = tempfile.mkstemp(prefix="ddorg-fake-ca-", suffix=".pem")
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(pem)
                self._ca_cleanup = weakref.finalize(self, _remove, path)
                self._ca_path = path
            return self._ca_path

    @overload
    def listen(self, *, tls: TlsCertName, proxy: None = None) -> Listener: ...
    @overload
    def listen(self, *, tls: None = None, proxy: ProxyModeName) -> Listener: ...
    def listen(
        self, *, tls: Optional[TlsCertName] = None, proxy: Optional[ProxyModeName] = None
    ) -> Listener:
        """Opens another listener on ``127.0.0.1`` and a free port, sharing this server's
        scripting and history, until :meth:`reset` or :meth:`close`:

        - ``tls=``: HTTPS presenting this certificate (:data:`TLS_CERTS`), serving the fake API,
          e.g. ``listen(tls="expired")`` to see your code's ``TlsError``;
        - ``proxy=``: an HTTP ``CONNECT`` proxy behaving this way (:data:`PROXY_MODES`), e.g.
          ``listen(proxy="inspect")`` for a corporate proxy that re-signs TLS with its own CA
          (this server's: pass :attr:`ca_bundle` too), ``listen(proxy="auth_required")`` for a
          407. What the proxies were sent is in :attr:`proxy_requests`.

        Give exactly one of them; an unknown name raises ``ValueError``.
        """
        port, url = self._server.listen(tls=tls, proxy=proxy)
        return Listener(url, port)

    def enqueue(self, status: Optional[int] = None, **reply: Unpack[QueuedReplyOptions]) -> None:
        """Queues a reply for the next API request, whatever its path (first in, first out).

        Args:
            status: the HTTP status. Defaults to 200 (302 with ``redirect``); a reply with no
                status and no body (say, only a ``delay``) serves what the request would have
                got anyway, the endpoint's example body included.
            **reply: the body, headers, delay, fault, ``repeat`` and ``redirect``: see
                :class:`QueuedReplyOptions` (``json``, ``body``, ``errors``, ``headers``,
                ``content_type``, ``gzip``, ``delay``, ``fault``, ``repeat``, ``redirect``).

        At most one of ``json``, ``body`` and ``errors`` may be given. A bad reply (an unknown
        fault, a status outside 100-999) raises ``ValueError`` here, not at request time.
        """
        self.enqueue_reply(_queued_reply_json(status, **reply))

    def enqueue_reply(self, reply: Mapping[str, Any]) -> None:
        """Queues a reply written in the fake's JSON form: the keys of the ``ddorg-fake``
        binary's control API (``status``, ``headers``, ``body``, ``json``, ``body_base64``,
        ``errors``, ``content_type``, ``gzip``, ``delay_ms``, ``body_delay_ms``, ``fault``,
        ``repeat``, ``redirect``), for replies shared with tests in other languages."""
        self._server.enqueue(_json.dumps(dict(reply)))

    def set_org(
        self, public_id: str, status: Optional[int] = None, **reply: Unpack[ReplyOptions]
    ) -> None:
        """Answers every ``GET /api/v1/org/<public_id>`` for this id with this reply (arguments as
        in :meth:`enqueue`, without ``repeat`` and ``redirect``) until :meth:`reset`; other ids
        answer as before: the example for ``"abcdef12345"``, 404 for the rest unless
        ``unknown_orgs="example"``."""
        self._server.set_org(public_id, _json.dumps(_reply_json(status, **reply)))

    def set_org_list(self, status: Optional[int] = None, **reply: Unpack[ReplyOptions]) -> None:
        """Answers every ``GET /api/v1/org`` (the managed organizations) with this reply
        (arguments as in :meth:`enqueue`, without ``repeat`` and ``redirect``) until
        :meth:`reset`, instead of :data:`ORG_LIST_EXAMPLE`."""
        self._server.set_org_list(_json.dumps(_reply_json(status, **reply)))

    def set_orgs(self, orgs: Iterable[Tuple[str, str]]) -> None:
        """The managed organizations, as ``(public_id, name)`` pairs in order (the key's own
        first, as Datadog lists it): ``GET /api/v1/org`` lists each as :data:`ORG_EXAMPLE`'s
        organization with that ``public_id`` and ``name``, and ``GET /api/v1/org/<public_id>``
        answers with that same organization, until :meth:`reset`."""
        self._server.set_orgs([(str(i), str(n)) for i, n in orgs])

    def set_salesforce(self, status: Optional[int] = None, **reply: Unpack[ReplyOptions]) -> None:
        """Answers every Salesforce organizations request with this reply (arguments as in
        :meth:`enqueue`, without ``repeat`` and ``redirect``) until :meth:`reset`."""
        self._server.set_salesforce(_json.dumps(_reply_json(status, **reply)))

    def require_keys(self, api_key: str, app_key: str) -> None:
        """Accepts only this ``DD-API-KEY`` / ``DD-APPLICATION-KEY`` pair; others get 403
        ``{"errors": ["Forbidden"]}``. Defaults to accepting any non-empty keys."""
        self._server.require_keys(api_key, app_key)

    def set_unknown_orgs(self, answer: UnknownOrgsName) -> None:
        """What ``get_org`` of an id nothing was set for gets: ``"not_found"`` (404
        ``Organization not found``, as Datadog answers) or ``"example"`` (:data:`ORG_EXAMPLE`,
        whatever the id). The example's own id, ``"abcdef12345"``, is always known. A setting of
        the server, like the latency: :meth:`reset` keeps it."""
        self._server.set_unknown_orgs(answer)

    def set_latency(self, seconds: float) -> None:
        """Holds back every flight the server sends by ``seconds`` (0 to 3600; 0 turns it off),
        as a network with that round-trip time would, on every listener, open connections
        included. A call on a kept-alive connection then costs one latency, a new connection
        two (the TCP handshake's round trip is charged to its first answer), a new HTTPS
        connection three (TCP, TLS, the request); parallel connections wait at the same time.
        :meth:`reset` keeps it. Defaults to 0."""
        self._server.set_latency(seconds)

    @property
    def latency(self) -> float:
        """The :meth:`set_latency` round trip, in seconds."""
        return self._server.latency

    def set_rate_limit(
        self, limit: int, period: int, *, endpoint: Optional[RateLimitEndpointName] = None
    ) -> None:
        """Rate-limits like Datadog: per ``DD-API-KEY``, ``limit`` requests in each window of
        ``period`` seconds (at least 1; windows start now), then 429
        ``{"errors": ["Too many requests"]}``, on every endpoint or the one named
        (:data:`RATE_LIMIT_ENDPOINTS`). Every answer of a limited endpoint carries
        ``x-ratelimit-limit``, ``-period``, ``-remaining``, ``-reset`` (seconds until the window
        ends) and ``-name``. Enqueued replies win and are not counted; a scripted 429 keeps its
        own headers. Until :meth:`reset` or :meth:`clear_rate_limits`; defaults to no limit.
        An unknown endpoint or a period of 0 raises ``ValueError``."""
        self._server.set_rate_limit(limit, period, endpoint)

    def clear_rate_limits(self) -> None:
        """Removes every rate limit and count (:attr:`rate_limited_count` stays)."""
        self._server.clear_rate_limits()

    @property
    def rate_limited_count(self) -> int:
        """How many 429s the rate limits sent since the start (or :meth:`reset`); scripted 429
        replies are not counted."""
        return self._server.rate_limited_count

    def reset(self) -> None:
        """Forgets the queue, the :meth:`set_org` / :meth:`set_org_list` / :meth:`set_orgs` /
        :meth:`set_salesforce` replies, the key requirement, the rate limits and the request
        histories and the :attr:`tls_handshake_count`, and closes the :meth:`listen`\\ ers. The
        port, the CA, the latency, :meth:`set_unknown_orgs` and the connection count stay."""
        self._server.reset()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received since the start (or :meth:`reset`), on any listener
        (inside an inspecting proxy's tunnel too), oldest first, keys redacted."""
        return _recorded(self._server.requests())

    @property
    def proxy_requests(self) -> list[RecordedRequest]:
        """Every ``CONNECT`` the :meth:`listen` proxies received since the start (or
        :meth:`reset`), oldest first: ``path`` is the ``host:port`` asked for, and the headers
        are as sent, ``proxy-authorization`` (the credentials your test gave the client)
        included."""
        return _recorded(self._server.proxy_requests())

    @property
    def request_count(self) -> int:
        """How many API requests were received since the start (or :meth:`reset`)."""
        return self._server.request_count

    @property
    def connection_count(self) -> int:
        """How many TCP connections were accepted since the start (shows connection reuse)."""
        return self._server.connection_count

    @property
    def tls_handshake_count(self) -> int:
        """How many TLS handshakes the server completed since the start (or :meth:`reset`), on
        every listener, an inspecting proxy's tunnels included; refused ones are not counted.
        Shows that clients share their HTTPS connections."""
        return self._server.tls_handshake_count

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._server.closed

    def close(self) -> None:
        """Stops the server and its listeners and deletes the :attr:`ca_bundle` file; closing
        twice is fine."""
        self._server.close()
        with self._ca_lock:
            if self._ca_cleanup is not None:
                self._ca_cleanup()
            self._ca_path = None

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else self.base_url
        return f"<ddorg.testing.FakeServer {state}>"


def _recorded(requests: list[tuple[str, str, list[tuple[str, str]]]]) -> list[RecordedRequest]:
    return [RecordedRequest(method, path, tuple(headers)) for method, path, headers in requests]


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
