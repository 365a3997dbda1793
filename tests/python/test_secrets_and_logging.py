"""Core log records reach Python's `logging`; no key appears in any repr, str, exception or log."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import pytest

import ddorg
from conftest import Fake

API_KEY = "sekrit-api-7f3a9c"
APP_KEY = "sekrit-app-2b8d4e"


def leaks(text: str) -> bool:
    return API_KEY in text or APP_KEY in text or "sekrit" in text


def exception_texts(e: BaseException) -> list[str]:
    return [str(e), repr(e), repr(e.args), repr(vars(e))]


def test_core_logs_reach_the_ddorg_logger(fake: Fake, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="ddorg")
    fake.enqueue(status=503, errors=["down"])
    client = ddorg.Client("k", "a", base_url=fake.base_url)
    client.get_org("abcdef12345")
    records = [r for r in caplog.records if r.name == "ddorg"]
    messages = [r.getMessage() for r in records]
    assert any("GET /api/v1/org/abcdef12345: attempt 1" in m for m in messages), messages
    assert any("retrying" in m and r.levelno == logging.INFO for m, r in zip(messages, records))
    assert any("attempt 2" in m and r.levelno == logging.DEBUG for m, r in zip(messages, records))


def test_logger_level_is_honoured(fake: Fake, caplog: pytest.LogCaptureFixture) -> None:
    client = ddorg.Client("k", "a", base_url=fake.base_url)
    caplog.set_level(logging.INFO, logger="ddorg")
    client.get_org("abcdef12345")
    assert [r for r in caplog.records if r.name == "ddorg"] == []  # only DEBUG records on success

    caplog.set_level(logging.DEBUG, logger="ddorg")
    client.get_org("abcdef12345")
    assert any(r.name == "ddorg" for r in caplog.records)

    caplog.clear()
    caplog.set_level(logging.WARNING, logger="ddorg")
    client.get_org("abcdef12345")
    assert [r for r in caplog.records if r.name == "ddorg"] == []


def test_no_key_in_any_repr_str_exception_or_log(
    fake: Fake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ddorg's included
    fake.require_keys(API_KEY, APP_KEY)
    client = ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url, max_retries=1, timeout=2)
    texts: list[str] = [repr(client), str(client)]
    texts += [str(getattr(client, name)) for name in dir(client) if not name.startswith("__")]

    org = client.get_org("abcdef12345")
    sf = client.list_salesforce_organizations()
    texts += [repr(org), str(org), org.to_json(), repr(org.rate_limit), repr(sf), sf.to_json()]

    failures: list[dict[str, Any]] = [
        {"status": 403, "errors": ["Forbidden"]},
        {"status": 404, "errors": ["Not Found"]},
        {"status": 429, "errors": ["Too many"], "headers": {"x-ratelimit-reset": "0"}, "repeat": 2},
        {"status": 503, "errors": ["down"], "repeat": 2},
        {"status": 302, "redirect": "https://evil.example.com/"},
        {"body": "<html>oops</html>", "content_type": "text/html"},
        {"json": {"org": {}}, "delay_ms": 3000},
    ]
    for reply in failures:
        fake.enqueue(**reply)
        with pytest.raises(ddorg.DdorgError) as info:
            client.get_org("abcdef12345")
        texts += exception_texts(info.value)
    with pytest.raises(ddorg.DdorgError) as info:
        client.get_org("")
    texts += exception_texts(info.value)

    # A key that cannot be sent is reported without being repeated.
    for bad in (API_KEY + "\r\nX-Injected: 1", API_KEY + "é"):
        with pytest.raises(ddorg.ConfigError) as cfg:
            ddorg.Client(bad, APP_KEY, base_url=fake.base_url)
        texts += exception_texts(cfg.value)
    with pytest.raises(ddorg.ConfigError) as cfg:
        ddorg.Client(API_KEY, APP_KEY, base_url=f"https://{API_KEY}:{APP_KEY}@example.com")
    texts += exception_texts(cfg.value)

    texts += [r.getMessage() for r in caplog.records]
    texts += [repr(r.args) for r in caplog.records]
    assert any("attempt" in r.getMessage() for r in caplog.records)  # logging did happen
    leaked = [t for t in texts if leaks(t)]
    assert leaked == []

    with pytest.raises(TypeError):
        pickle.dumps(client)  # a pickle would have to hold the keys
