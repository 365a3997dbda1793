"""The exceptions ddorg raises: one class per kind of failure, all under :class:`DdorgError`.

The compiled module picks the class with one exhaustive match over the Rust core's error kinds,
so every failure of a ddorg call is one of these, never a bare ``RuntimeError``.
"""

from __future__ import annotations

import typing

from ._ddorg import RateLimit

__all__ = [
    "DdorgError",
    "ConfigError",
    "InvalidArgumentError",
    "ApiError",
    "BadRequestError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedStatusError",
    "TransportError",
    "RequestTimeoutError",
    "NetworkError",
    "TlsError",
    "DecodeError",
    "ResponseTooLargeError",
]


class DdorgError(Exception):
    """Base class of every error a ddorg call raises.

    ``str(error)`` is one line that names what happened and quotes Datadog's own error
    strings; it never contains an API or application key.

    Attributes:
        kind: the core's error kind, e.g. ``"not_found"`` or ``"rate_limited"``.
        status: the HTTP status of the last response, or ``None`` if none came.
        errors: Datadog's ``errors`` strings (or a short snippet of a body that was not JSON).
        rate_limit: the ``x-ratelimit-*`` headers of the last response, or ``None``.
        attempts: how many HTTP attempts were made (0 when the error came before any request).
    """

    #: The ``kind`` of an error built without one.
    default_kind: typing.ClassVar[str] = "error"

    kind: str
    status: typing.Optional[int]
    errors: list[str]
    rate_limit: typing.Optional[RateLimit]
    attempts: int

    def __init__(
        self,
        message: str,
        *,
        kind: typing.Optional[str] = None,
        status: typing.Optional[int] = None,
        errors: typing.Iterable[str] = (),
        rate_limit: typing.Optional[RateLimit] = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message)
        self.kind = self.default_kind if kind is None else kind
        self.status = status
        self.errors = list(errors)
        self.rate_limit = rate_limit
        self.attempts = attempts

    @property
    def message(self) -> str:
        """The one-line message, the same text as ``str(error)``."""
        return str(self.args[0]) if self.args else ""


class ConfigError(DdorgError):
    """Missing or invalid keys, an unknown site, a bad base URL, timeout or retry count, or a
    closed client: found before any request is made."""

    default_kind = "config"


class InvalidArgumentError(DdorgError, ValueError):
    """A bad argument to a call, such as an empty ``public_id``. Also a ``ValueError``."""

    default_kind = "invalid_argument"


class ApiError(DdorgError):
    """Datadog answered with an HTTP error status; ``status`` and ``errors`` say which."""

    default_kind = "unexpected_status"


class BadRequestError(ApiError):
    """HTTP 400."""

    default_kind = "bad_request"


class UnauthorizedError(ApiError):
    """HTTP 401."""

    default_kind = "unauthorized"


class ForbiddenError(ApiError):
    """HTTP 403: usually a wrong key, or a key without the needed permission."""

    default_kind = "forbidden"


class NotFoundError(ApiError):
    """HTTP 404."""

    default_kind = "not_found"


class RateLimitedError(ApiError):
    """HTTP 429, still there after the retries allowed; ``rate_limit.reset`` says when the
    window resets."""

    default_kind = "rate_limited"


class ServerError(ApiError):
    """HTTP 5xx, still there after the retries allowed."""

    default_kind = "server"


class UnexpectedStatusError(ApiError):
    """Any other status that is not a success, including a redirect (never followed, so keys
    are never sent to another host)."""

    default_kind = "unexpected_status"


class TransportError(DdorgError):
    """No usable HTTP response: the request timed out or the connection failed."""

    default_kind = "network"


class RequestTimeoutError(TransportError, TimeoutError):
    """The connect timeout or the client's overall ``timeout`` passed. Also a ``TimeoutError``."""

    default_kind = "timeout"


class NetworkError(TransportError):
    """DNS, refused or reset connections, proxy and HTTP protocol failures (after retries)."""

    default_kind = "network"


class TlsError(TransportError):
    """The server's certificate is not trusted, has expired, is for another host or is
    self-signed, or the TLS handshake failed. Never retried; the message names the host and,
    behind a TLS-inspecting proxy, the fix: pass the proxy's CA as ``ca_bundle``."""

    default_kind = "tls"


class DecodeError(DdorgError):
    """The body is not the JSON the endpoint documents; the message names the JSON path."""

    default_kind = "decode"


class ResponseTooLargeError(DdorgError):
    """The response body is larger than the client's ``max_body_size`` (16 MiB unless set)."""

    default_kind = "response_too_large"


# Shown (in tracebacks and reprs) and pickled as `ddorg.NotFoundError`, where users import them.
for _name in __all__:
    globals()[_name].__module__ = "ddorg"
del _name
