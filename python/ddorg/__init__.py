"""A small, fast, dependable client for Datadog's organization endpoints.

    import ddorg

    client = ddorg.Client()  # keys from DD_API_KEY and DD_APP_KEY
    org = client.get_org("abcdef12345").org
    for sf in client.list_salesforce_organizations().data:
        print(sf.id, sf.attributes.name)

Every failure raises a subclass of :class:`DdorgError`. Responses are immutable, compare with
``==``, and turn back into their JSON with ``to_dict()`` / ``to_json()``; ``response.rate_limit``
holds Datadog's ``x-ratelimit-*`` headers. The work happens in Rust (``ddorg._ddorg``), with the
GIL released while waiting on the network. Log records go to the ``ddorg`` logger once the
application has imported ``logging``. :class:`AsyncClient` is the same client for asyncio;
:mod:`ddorg.testing` is a fake Datadog for your tests.

Posture audits: ``ddorg.audit(client, public_id)`` and ``ddorg.audit_fleet("fleet.toml")`` return
an :class:`AuditReport` (findings with evidence, rules not evaluated with the reason, rules
passed), with ``to_json()``, ``to_sarif()`` and the ``exit_code`` ``ddorg audit`` would end with.

``import ddorg`` loads only ddorg's own modules (no ``logging``, ``asyncio`` or ``typing``):
:class:`AsyncClient` and the audit API are imported on first use.
"""

# The public names are what these two modules export, each list written once next to what it
# lists: `_errors.__all__`, and the compiled module's `__all__`, built from the classes it
# registers (its stub's copy is checked against it by mypy.stubtest). No third list here: a star
# import re-exports exactly those names. AsyncClient and the names in `_audit.__all__` are
# imported on first use (below); the package's stub, __init__.pyi, declares them for type checkers.
from ._ddorg import *  # noqa: F403
from ._errors import *  # noqa: F403


def __getattr__(name: str) -> object:
    # AsyncClient needs asyncio (tens of milliseconds to import): loaded when first asked for.
    if name == "AsyncClient":
        from ._async import AsyncClient

        return AsyncClient
    if not name.startswith("_"):  # `_audit` itself is found by the import below, not here
        # The audit report classes need json, dataclasses and typing: loaded when first asked for.
        from . import _audit

        if name in _audit.__all__:
            return getattr(_audit, name)
    raise AttributeError(f"module 'ddorg' has no attribute {name!r}")


def __dir__() -> list[str]:
    from . import _audit

    return sorted({*globals(), "AsyncClient", *_audit.__all__})
