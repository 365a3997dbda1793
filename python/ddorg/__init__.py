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

from ._ddorg import (
    Client,
    Organization,
    OrganizationBilling,
    OrganizationResponse,
    OrganizationSettings,
    OrganizationSettingsSaml,
    OrganizationSettingsSamlAutocreateUsersDomains,
    OrganizationSettingsSamlIdpInitiatedLogin,
    OrganizationSettingsSamlStrictMode,
    OrganizationSubscription,
    RateLimit,
    SalesforceIncidentsOrganizationResponseAttributes,
    SalesforceIncidentsOrganizationResponseData,
    SalesforceIncidentsOrganizationsResponse,
    __version__,
)
from ._audit import (
    AuditReport,
    AuditSummary,
    Finding,
    NotEvaluated,
    OrgAudit,
    OrgAuditError,
    OrgDrift,
    Policy,
    Remediation,
    SettingChange,
    audit,
    audit_fleet,
)
from ._errors import (
    ApiError,
    BadRequestError,
    ConfigError,
    DdorgError,
    DecodeError,
    ForbiddenError,
    InvalidArgumentError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    UnauthorizedError,
    UnexpectedStatusError,
)

__all__ = [
    "__version__",
    "Client",
    "RateLimit",
    "OrganizationResponse",
    "Organization",
    "OrganizationBilling",
    "OrganizationSubscription",
    "OrganizationSettings",
    "OrganizationSettingsSaml",
    "OrganizationSettingsSamlAutocreateUsersDomains",
    "OrganizationSettingsSamlIdpInitiatedLogin",
    "OrganizationSettingsSamlStrictMode",
    "SalesforceIncidentsOrganizationsResponse",
    "SalesforceIncidentsOrganizationResponseData",
    "SalesforceIncidentsOrganizationResponseAttributes",
    "audit",
    "audit_fleet",
    "Policy",
    "AuditReport",
    "AuditSummary",
    "OrgAudit",
    "OrgAuditError",
    "OrgDrift",
    "Finding",
    "NotEvaluated",
    "Remediation",
    "SettingChange",
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
    "DecodeError",
    "ResponseTooLargeError",
]
