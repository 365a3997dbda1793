"""A small, fast, dependable client for Datadog's organization endpoints.

    import ddorg

    client = ddorg.Client()  # keys from DD_API_KEY and DD_APP_KEY
    org = client.get_org("abcdef12345").org
    for sf in client.list_salesforce_organizations().data:
        print(sf.id, sf.attributes.name)

Every failure raises a subclass of :class:`DdorgError`. Responses are immutable, compare with
``==``, and turn back into their JSON with ``to_dict()`` / ``to_json()``; ``response.rate_limit``
holds Datadog's ``x-ratelimit-*`` headers. The work happens in Rust (``ddorg._ddorg``), with the
GIL released while waiting on the network. Log records go to the ``ddorg`` logger.

Posture audits: ``ddorg.audit(client, public_id)`` and ``ddorg.audit_fleet("fleet.toml")`` return
an :class:`AuditReport` (findings with evidence, rules not evaluated with the reason, rules
passed), with ``to_json()``, ``to_sarif()`` and the ``exit_code`` ``ddorg audit`` would end with.
"""

# The public names are what these three modules export, each list written once next to what it
# lists: `_errors.__all__`, `_audit.__all__`, and the compiled module's `__all__`, built from the
# classes it registers (its stub's copy is checked against it by mypy.stubtest). No other list
# here: a star import re-exports exactly those names, for `from ddorg import *` and for type
# checkers.
from ._ddorg import *  # noqa: F403
from ._audit import *  # noqa: F403
from ._errors import *  # noqa: F403
