"""The shared fault matrix, tests/faults.json, driven through the Python binding.

Each row scripts a fresh in-process fake (ddorg.testing's `ddorg_fake` fixture: its HTTPS and
proxy listeners too), builds one client from the row's options,
makes the row's calls and checks each outcome: the exception class and attributes, or the
response's JSON form. A row runs on a daemon thread under a time guard, so a hang fails the row
instead of the suite. The schema is in docs/reliability.md; the Rust and C drivers run the same
rows.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Optional, Union

import pytest

import ddorg
from conftest import REPO
from ddorg.testing import FakeServer

MATRIX: dict[str, Any] = json.loads((REPO / "tests" / "faults.json").read_text(encoding="utf-8"))
DEFAULTS: dict[str, Any] = MATRIX["defaults"]
ROWS: list[dict[str, Any]] = MATRIX["rows"]

#: A row still running after this long has hung.
ROW_GUARD_S = 30.0

ROW_KEYS = {
    "name", "doc", "langs", "langs_why", "call", "public_id", "client", "replies", "then",
    "expect", "expect_requests", "expect_path", "expect_user_agent", "listen", "env", "parallel",
}  # fmt: skip
CLIENT_KEYS = {
    "api_key", "app_key", "base_url", "max_retries", "timeout_ms", "connect_timeout_ms",
    "max_body_size", "user_agent", "append_user_agent", "ca_bundle", "tls_roots", "proxy",
}  # fmt: skip
#: The variables a row may set; every row starts with all of them unset.
ENV_KEYS = (
    "DDORG_CA_BUNDLE", "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
    "NO_PROXY", "no_proxy",
)  # fmt: skip

#: The Python binding's own user agent, which `append_user_agent` appends to.
DEFAULT_USER_AGENT = f"ddorg-python/{ddorg.__version__}"
EXPECT_KEYS = {
    "ok", "error", "status", "errors", "errors_contain", "errors_exclude", "message_contains",
    "message_excludes", "message_safe", "attempts", "rate_limit", "fields", "json", "elapsed_min_ms", "elapsed_max_ms",
}  # fmt: skip

#: The contract's one exception class per error kind.
KIND_CLASS: dict[str, type[ddorg.DdorgError]] = {
    "config": ddorg.ConfigError,
    "invalid_argument": ddorg.InvalidArgumentError,
    "bad_request": ddorg.BadRequestError,
    "unauthorized": ddorg.UnauthorizedError,
    "forbidden": ddorg.ForbiddenError,
    "not_found": ddorg.NotFoundError,
    "rate_limited": ddorg.RateLimitedError,
    "server": ddorg.ServerError,
    "unexpected_status": ddorg.UnexpectedStatusError,
    "timeout": ddorg.RequestTimeoutError,
    "network": ddorg.NetworkError,
    "decode": ddorg.DecodeError,
    "response_too_large": ddorg.ResponseTooLargeError,
    "tls": ddorg.TlsError,
}

#: Client options the matrix uses that the Python client does not have (rows needing them skip).
UNSUPPORTED_OPTIONS: set[str] = set()

Response = Union[ddorg.OrganizationResponse, ddorg.SalesforceIncidentsOrganizationsResponse]


class RowFailed(Exception):
    """An expectation of the row did not hold."""


def _fill(value: Any, subs: dict[str, str]) -> Any:
    """Replaces the placeholders (`{port}`, `{listen_url}`, ...) in every string of `value`."""
    if isinstance(value, str):
        for placeholder, text in subs.items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    return value


def _lookup(value: Any, path: str) -> tuple[bool, Any]:
    """Follows a dotted path (`org.settings.saml.enabled`, `data.0.id`) through JSON."""
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return False, None
    return True, value


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0 as in JSON, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _check_keys(what: str, obj: dict[str, Any], known: set[str]) -> None:
    unknown = set(obj) - known
    if unknown:
        raise RowFailed(f"unknown {what} keys {sorted(unknown)}")


def _check_success(expect: dict[str, Any], response: Response) -> None:
    if expect.get("ok") is not True:
        raise RowFailed(f"expected {expect.get('error')} error, got success: {response.to_dict()}")
    if "attempts" in expect and response.attempts != expect["attempts"]:
        raise RowFailed(f"succeeded after {response.attempts} attempts, expected {expect['attempts']}")
    body = response.to_dict()
    if "json" in expect and not _same_json(body, expect["json"]):
        raise RowFailed(f"the JSON form is {body!r}, expected exactly {expect['json']!r}")
    for path, want in expect.get("fields", {}).items():
        found, got = _lookup(body, path)
        if not (want is None and (not found or got is None)) and not (found and _same_json(got, want)):
            raise RowFailed(f"field {path} is {got!r} (found: {found}), expected {want!r}")


def _check_error(expect: dict[str, Any], e: ddorg.DdorgError) -> None:
    kind = expect.get("error")
    if kind is None:
        raise RowFailed(f"expected success, got {e!r}")

    def wrong(what: str) -> RowFailed:
        return RowFailed(
            f"{what}; got {type(e).__name__}(kind={e.kind!r}, status={e.status!r}, "
            f"errors={e.errors!r}, attempts={e.attempts!r}, rate_limit={e.rate_limit!r}): {e}"
        )

    if e.kind != kind or type(e) is not KIND_CLASS[kind]:
        raise wrong(f"expected {KIND_CLASS[kind].__name__} (kind {kind})")
    if "status" in expect and e.status != expect["status"]:
        raise wrong(f"expected status {expect['status']}")
    if "attempts" in expect and e.attempts != expect["attempts"]:
        raise wrong(f"expected {expect['attempts']} attempts")
    if "errors" in expect and e.errors != expect["errors"]:
        raise wrong(f"expected errors {expect['errors']!r}")
    if "errors_contain" in expect and not any(expect["errors_contain"] in m for m in e.errors):
        raise wrong(f"expected an errors entry containing {expect['errors_contain']!r}")
    if "errors_exclude" in expect and any(expect["errors_exclude"] in m for m in e.errors):
        raise wrong(f"expected no errors entry containing {expect['errors_exclude']!r}")
    if "message_contains" in expect and expect["message_contains"] not in str(e):
        raise wrong(f"expected the message to contain {expect['message_contains']!r}")
    if expect.get("message_safe") and any(ord(c) < 32 or 127 <= ord(c) < 160 for c in str(e)):
        raise wrong("expected a message without control characters")
    if "message_excludes" in expect:
        renderings = [str(e), repr(e), e.message, *map(str, e.args), *e.errors]
        if any(expect["message_excludes"] in r for r in renderings):
            raise wrong(f"expected no rendering to contain {expect['message_excludes']!r}")
    if "rate_limit" in expect:
        got = e.rate_limit.to_dict() if e.rate_limit is not None else {}
        for key, want in expect["rate_limit"].items():
            if got.get(key) != want:
                raise wrong(f"expected rate_limit.{key} = {want!r}")


def _placeholders(row: dict[str, Any], fake: FakeServer) -> dict[str, str]:
    """Opens the row's extra listener; `{ca_file}` is the fake's CA bundle."""
    subs = {"{port}": str(fake.port), "{ca_file}": fake.ca_bundle, "{listen_url}": "", "{listen_port}": ""}
    if "listen" in row:
        listener = fake.listen(**row["listen"])
        subs["{listen_url}"] = listener.url
        subs["{listen_port}"] = str(listener.port)
    return subs


def _run_row(row: dict[str, Any], fake: FakeServer, subs: dict[str, str]) -> None:
    _check_keys("row", row, ROW_KEYS)
    for reply in _fill(row.get("replies", []), subs):
        fake.enqueue_reply(reply)

    options: dict[str, Any] = {**DEFAULTS["client"], **row.get("client", {})}
    _check_keys("client", options, CLIENT_KEYS)
    options = _fill(options, subs)
    base_url = fake.base_url if options.get("base_url") == "fake" else options.get("base_url")
    call = row.get("call", DEFAULTS["call"])
    public_id = row.get("public_id", DEFAULTS["public_id"])

    def new_client() -> ddorg.Client:
        return ddorg.Client(
            options.get("api_key"),
            options.get("app_key"),
            base_url=base_url,
            timeout=options["timeout_ms"] / 1000 if "timeout_ms" in options else None,
            connect_timeout=options["connect_timeout_ms"] / 1000 if "connect_timeout_ms" in options else None,
            max_retries=options.get("max_retries"),
            max_body_size=options.get("max_body_size"),
            user_agent=options.get("user_agent"),
            append_user_agent=options.get("append_user_agent"),
            ca_bundle=options.get("ca_bundle"),
            tls_roots=options.get("tls_roots"),
            proxy=options.get("proxy"),
        )

    # One client for every call of the row; a config error is each call's outcome.
    client: Optional[ddorg.Client] = None
    try:
        client = new_client()
    except ddorg.ConfigError:
        pass
    try:
        def call_once() -> tuple[Union[Response, ddorg.DdorgError], float]:
            started = time.monotonic()
            try:
                c = client if client is not None else new_client()
                send: Callable[[], Response]
                if call == "get_org":
                    send = lambda: c.get_org(public_id)  # noqa: E731
                elif call == "list_salesforce_organizations":
                    send = c.list_salesforce_organizations
                else:
                    raise RowFailed(f"unknown call {call!r}")
                outcome: Union[Response, ddorg.DdorgError] = send()
            except ddorg.DdorgError as e:
                outcome = e
            return outcome, (time.monotonic() - started) * 1000

        def call_parallel(n: int) -> list[tuple[Union[Response, ddorg.DdorgError], float]]:
            """`parallel`: the call made n times at once on the one client."""
            results: list[tuple[Union[Response, ddorg.DdorgError], float]] = []
            threads = [threading.Thread(target=lambda: results.append(call_once())) for _ in range(n)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return results

        for i, expect in enumerate([row["expect"], *row.get("then", [])], start=1):
            _check_keys("expect", expect, EXPECT_KEYS)
            expect = _fill(expect, subs)
            outcomes = call_parallel(row["parallel"]) if i == 1 and "parallel" in row else [call_once()]
            for outcome, elapsed_ms in outcomes:
                _check_outcome(expect, outcome, elapsed_ms, i)
    finally:
        if client is not None:
            client.close()

    if "expect_requests" in row:
        seen = fake.request_count
        if seen != row["expect_requests"]:
            raise RowFailed(f"the fake saw {seen} API requests, expected {row['expect_requests']}")
    if "expect_path" in row:
        for request in fake.requests:
            if request.path != row["expect_path"]:
                raise RowFailed(f"requested {request.path!r}, expected {row['expect_path']!r}")
    if "expect_user_agent" in row:
        want = row["expect_user_agent"].replace("{default_user_agent}", DEFAULT_USER_AGENT)
        requests = fake.requests
        if not requests:
            raise RowFailed("expect_user_agent, but the fake saw no request")
        for request in requests:
            got = request.header("user-agent")
            if got != want:
                raise RowFailed(f"sent user agent {got!r}, expected {want!r}")


def _check_outcome(
    expect: dict[str, Any], outcome: Union[Response, ddorg.DdorgError], elapsed_ms: float, i: int
) -> None:
    """Checks call number `i` against its expectation."""
    try:
        if "elapsed_max_ms" in expect and elapsed_ms > expect["elapsed_max_ms"]:
            raise RowFailed(f"took {elapsed_ms:.0f} ms, more than {expect['elapsed_max_ms']} ms")
        if "elapsed_min_ms" in expect and elapsed_ms < expect["elapsed_min_ms"]:
            raise RowFailed(f"took {elapsed_ms:.0f} ms, less than {expect['elapsed_min_ms']} ms")
        if isinstance(outcome, ddorg.DdorgError):
            _check_error(expect, outcome)
        else:
            _check_success(expect, outcome)
    except RowFailed as failure:
        raise RowFailed(f"call {i}: {failure}") from None


def _params() -> list[Any]:
    params = []
    for row in ROWS:
        marks = []
        if "python" not in row.get("langs", ["python"]):
            marks.append(pytest.mark.skip(reason=f"not for Python: {row.get('langs_why')}"))
        missing = UNSUPPORTED_OPTIONS & set(row.get("client", {}))
        if missing:
            marks.append(pytest.mark.skip(reason=f"the Python client has no {', '.join(sorted(missing))} option"))
        params.append(pytest.param(row, id=row["name"], marks=marks))
    return params


@pytest.mark.parametrize("row", _params())
def test_fault_matrix(
    row: dict[str, Any], ddorg_fake: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ddorg_fake
    failure: list[BaseException] = []
    for name in ENV_KEYS:
        monkeypatch.delenv(name, raising=False)
    subs = _placeholders(row, fake)
    for name, value in row.get("env", {}).items():
        if name not in ENV_KEYS:
            pytest.fail(f"{row['name']}: unknown env variable {name!r}")
        monkeypatch.setenv(name, _fill(value, subs))

    def run() -> None:
        try:
            _run_row(row, fake, subs)
        except BaseException as e:  # reported by the test thread
            failure.append(e)

    worker = threading.Thread(target=run, name=row["name"], daemon=True)
    worker.start()
    worker.join(ROW_GUARD_S)
    if worker.is_alive():
        pytest.fail(f"{row['name']}: hung for more than {ROW_GUARD_S:.0f} s")
    if failure:
        if isinstance(failure[0], RowFailed):
            pytest.fail(f"{row['name']}: {failure[0]}")
        raise failure[0]


def test_the_matrix_is_big_enough() -> None:
    assert len(ROWS) >= 50
    assert len({row["name"] for row in ROWS}) == len(ROWS), "row names are unique"
