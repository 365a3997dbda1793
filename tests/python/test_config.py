"""Client configuration: keyword arguments, the environment, defaults, repr, lifecycle."""

from __future__ import annotations

import importlib

import re
import subprocess
import sys

import pytest

import ddorg
from conftest import API_KEY, APP_KEY, REPO, Fake, header


def test_everything_from_the_environment(fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_API_KEY", "env-api")
    monkeypatch.setenv("DD_APP_KEY", "env-app")
    monkeypatch.setenv("DDORG_BASE_URL", fake.base_url)
    fake.require_keys("env-api", "env-app")
    client = ddorg.Client()
    assert client.base_url == fake.base_url
    assert client.site is None
    org = client.get_org("abcdef12345").org
    assert org is not None and org.name == "New child org"


def test_keyword_arguments_win_over_the_environment(
    fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DD_API_KEY", "env-api")
    monkeypatch.setenv("DD_APP_KEY", "env-app")
    monkeypatch.setenv("DDORG_BASE_URL", "http://127.0.0.1:1")
    fake.require_keys("kw-api", "kw-app")
    client = ddorg.Client("kw-api", "kw-app", base_url=fake.base_url)
    client.get_org("abcdef12345")
    (req,) = fake.requests()
    assert header(req, "DD-API-KEY") == "kw-api"
    assert header(req, "DD-APPLICATION-KEY") == "kw-app"


def test_wrong_keys_are_forbidden(fake: Fake) -> None:
    fake.require_keys("right-api", "right-app")
    with pytest.raises(ddorg.ForbiddenError) as info:
        ddorg.Client("wrong-api", "right-app", base_url=fake.base_url).get_org("abcdef12345")
    assert info.value.status == 403 and info.value.errors == ["Forbidden"]


def test_site_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_SITE", "datadoghq.eu")
    client = ddorg.Client("k", "a")
    assert client.site == "datadoghq.eu"
    assert client.base_url == "https://api.datadoghq.eu"
    assert repr(client) == "Client(site='datadoghq.eu', base_url='https://api.datadoghq.eu')"


def test_site_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_SITE", "datadoghq.eu")
    client = ddorg.Client("k", "a", site="app.us5.datadoghq.com")
    assert client.site == "us5.datadoghq.com"
    assert client.base_url == "https://api.us5.datadoghq.com"


def test_bad_site_in_the_environment_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_SITE", "datadoghq.moon")
    with pytest.raises(ddorg.ConfigError, match="DD_SITE"):
        ddorg.Client("k", "a")


@pytest.mark.parametrize(
    ("site", "url"),
    [
        ("datadoghq.com", "https://api.datadoghq.com"),
        ("us3.datadoghq.com", "https://api.us3.datadoghq.com"),
        ("us5.datadoghq.com", "https://api.us5.datadoghq.com"),
        ("ap1.datadoghq.com", "https://api.ap1.datadoghq.com"),
        ("ap2.datadoghq.com", "https://api.ap2.datadoghq.com"),
        ("uk1.datadoghq.com", "https://api.uk1.datadoghq.com"),
        ("datadoghq.eu", "https://api.datadoghq.eu"),
        ("ddog-gov.com", "https://api.ddog-gov.com"),
        ("us2.ddog-gov.com", "https://api.us2.ddog-gov.com"),
    ],
)
def test_every_site(site: str, url: str) -> None:
    client = ddorg.Client("k", "a", site=site)
    assert (client.site, client.base_url) == (site, url)


def test_defaults() -> None:
    client = ddorg.Client("k", "a")
    assert client.site == "datadoghq.com"
    assert client.base_url == "https://api.datadoghq.com"
    assert client.timeout == 60.0
    assert client.connect_timeout == 10.0
    assert client.max_retries == 3
    assert client.max_body_size == 16 * 1024 * 1024
    assert client.user_agent == f"ddorg-python/{ddorg.__version__}"
    assert repr(client) == "Client(site='datadoghq.com', base_url='https://api.datadoghq.com')"
    assert str(client) == repr(client)


def test_options_are_applied() -> None:
    client = ddorg.Client("k", "a", timeout=2.5, max_retries=0, user_agent="myapp/1.0")
    assert client.timeout == 2.5
    assert client.max_retries == 0
    assert client.user_agent == "myapp/1.0"


def test_user_agent_replaces_the_default(fake: Fake) -> None:
    ddorg.Client("k", "a", base_url=fake.base_url, user_agent="audit-bot/2.0").get_org("abcdef12345")
    (req,) = fake.requests()
    assert header(req, "User-Agent") == "audit-bot/2.0"


def test_base_url_wins_over_site(fake: Fake) -> None:
    client = ddorg.Client("k", "a", site="datadoghq.eu", base_url=fake.base_url + "/")
    assert client.site is None
    assert client.base_url == fake.base_url
    assert repr(client) == f"Client(site=None, base_url='{fake.base_url}')"


def test_context_manager_closes_the_client(fake: Fake) -> None:
    with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url) as client:
        assert not client.closed
        assert client.get_org("abcdef12345").org is not None
    assert client.closed
    assert repr(client).endswith(", closed=True)")
    with pytest.raises(ddorg.ConfigError, match="closed"):
        client.list_salesforce_organizations()
    client.close()  # twice is fine


def test_context_manager_does_not_swallow_exceptions(fake: Fake) -> None:
    with pytest.raises(KeyError):
        with ddorg.Client(API_KEY, APP_KEY, base_url=fake.base_url):
            raise KeyError("x")


def test_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(\S*)?", ddorg.__version__)
    from importlib.metadata import version

    assert version("ddorg") == ddorg.__version__


def test_type_errors_for_wrong_argument_types() -> None:
    with pytest.raises(TypeError):
        ddorg.Client(123, "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ddorg.Client("k", "a", timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ddorg.Client("k", "a", "datadoghq.eu")  # type: ignore[call-arg]


def test_quickstart_example_runs_against_the_fake(fake: Fake) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DD_API_KEY": API_KEY,
        "DD_APP_KEY": APP_KEY,
        "DDORG_BASE_URL": fake.base_url,
    }
    out = subprocess.run(
        [sys.executable, str(REPO / "examples" / "python" / "quickstart.py"), "abcdef12345"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert f"Client(site=None, base_url='{fake.base_url}')" in out
    assert "New child org (abcdef12345)" in out
    assert "SAML enabled:       False" in out
    assert "SAML default role:  ro" in out
    assert "requests left:      999/1000" in out
    assert "Salesforce org 596da4af-0563-4097-90ff-07230c3f9db3: Acme Production Org" in out
    assert API_KEY not in out


def test_connect_timeout_and_max_body_size_reach_the_core_client(fake: Fake) -> None:
    client = ddorg.Client("k", "k", base_url=fake.base_url, connect_timeout=2.5, max_body_size=64)
    # The getters read the core client's settings, so this proves the options were applied.
    assert client.connect_timeout == 2.5
    assert client.max_body_size == 64
    with pytest.raises(ddorg.ResponseTooLargeError) as info:
        client.get_org("abcdef12345")
    assert "64 byte" in str(info.value)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_body_size": 0},
        {"max_body_size": -1},
        {"connect_timeout": 0.0},
        {"connect_timeout": float("nan")},
        {"connect_timeout": -1.0},
        {"timeout": float("inf")},
        {"timeout": 365 * 86400 + 0.001},
    ],
)
def test_out_of_range_options_are_config_errors(fake: Fake, bad: dict[str, float]) -> None:
    with pytest.raises(ddorg.ConfigError):
        ddorg.Client("k", "k", base_url=fake.base_url, **bad)  # type: ignore[arg-type]


def test_user_agent_can_be_appended_to(fake: Fake) -> None:
    client = ddorg.Client("k", "a", base_url=fake.base_url, append_user_agent="audit-bot/2.0")
    assert client.user_agent == f"ddorg-python/{ddorg.__version__} audit-bot/2.0"
    client.get_org("abcdef12345")
    (req,) = fake.requests()
    assert header(req, "User-Agent") == client.user_agent


def test_public_names_are_the_compiled_classes_the_audit_and_the_exceptions() -> None:
    namespace: dict[str, object] = {}
    exec("from ddorg import *", namespace)
    names = set(namespace) - {"__builtins__"}
    # A star import never brings dunder names (here `__version__`) without an `__all__`, nor
    # AsyncClient and the audit API (imported on first use), nor what pytest adds to a plugin's
    # package.
    names -= {"testing", "@py_builtins", "@pytest_ar"}
    assert names == (set(ddorg._ddorg.__all__) | set(ddorg._errors.__all__)) - {"__version__"}
    assert {"Client", "RateLimit", "OrganizationResponse", "DdorgError", "Policy"} <= names
    audit = importlib.import_module("ddorg._audit")  # loaded on first use: this test runs alone too
    assert all(hasattr(ddorg, name) for name in audit.__all__)
    assert ddorg.audit is audit.audit
    assert all(hasattr(ddorg, name) for name in names)
    assert ddorg.__version__ == ddorg._ddorg.__version__


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api_key": 123}, "api_key must be a str, not int"),
        ({"site": b"datadoghq.eu"}, "site must be a str, not bytes"),
        ({"timeout": "30"}, "timeout must be a number of seconds, not str"),
        ({"max_retries": 2.5}, "max_retries must be an int, not float"),
        ({"max_retries": True}, "max_retries must be an int, not bool"),
        ({"max_body_size": "1MB"}, "max_body_size must be an int, not str"),
    ],
)
def test_a_wrong_type_names_the_argument(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        ddorg.Client(**{"api_key": "k", "app_key": "k", **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("ab\ud800cd", "non-ASCII"),  # a lone surrogate: not even valid Unicode
        ("clé", "non-ASCII"),
        ("ab\r\nX-Evil: 1", "control character"),
        ("", "empty"),
    ],
)
@pytest.mark.parametrize("which", ["api_key", "app_key"])
def test_a_key_that_cannot_be_sent_is_a_config_error_naming_the_variable(
    which: str, key: str, why: str
) -> None:
    env = {"api_key": "DD_API_KEY", "app_key": "DD_APP_KEY"}[which]
    with pytest.raises(ddorg.ConfigError) as info:
        ddorg.Client(**{"api_key": "k", "app_key": "k", which: key})  # type: ignore[arg-type]
    assert why in str(info.value) and env in str(info.value)
    assert "X-Evil" not in str(info.value)


def test_every_option_reads_back_as_a_property(fake: Fake) -> None:
    client = ddorg.Client(
        "k", "k", base_url=fake.base_url, timeout=12.5, connect_timeout=2, max_body_size=4096
    )
    assert (client.timeout, client.connect_timeout, client.max_body_size) == (12.5, 2.0, 4096)
    defaults = ddorg.Client("k", "k", base_url=fake.base_url)
    assert (defaults.connect_timeout, defaults.max_body_size) == (10.0, 16 * 1024 * 1024)


def test_error_messages_carry_the_attempt_count(fake: Fake) -> None:
    fake.enqueue(status=503, errors=["down"], repeat=3)
    client = ddorg.Client("k", "k", base_url=fake.base_url, max_retries=2)
    with pytest.raises(ddorg.ServerError) as info:
        client.get_org("abcdef12345")
    assert str(info.value) == "server error (HTTP 503): down, 3 attempts"


def test_quickstart_without_keys_says_so_instead_of_a_traceback() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "examples" / "python" / "quickstart.py"), "abcdef12345"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("cannot configure the client: "), out.stderr
    assert "DD_API_KEY" in out.stderr and "Traceback" not in out.stderr


def test_quickstart_runs_on_the_bundled_fake_with_no_setup() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "examples" / "python" / "quickstart.py"), "--fake"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "New child org (abcdef12345)" in out
    assert "Acme Production Org" in out
