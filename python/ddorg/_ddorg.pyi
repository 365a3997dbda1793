"""Type stubs for the compiled module ``ddorg._ddorg`` (checked by ``mypy.stubtest``)."""

import os
from os import PathLike
from types import TracebackType
from typing import Any, ClassVar, Literal, Optional, Union, final

from typing_extensions import Self

__all__ = [
    "__version__",
    "Client",
    "RateLimit",
    "OrganizationResponse",
    "OrganizationListResponse",
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
    "Policy",
]

__version__: str

@final
class RateLimit:
    """Datadog's ``x-ratelimit-*`` headers; every field is ``None`` when its header was absent."""

    def __new__(
        cls,
        limit: Optional[int] = None,
        period: Optional[int] = None,
        remaining: Optional[int] = None,
        reset: Optional[int] = None,
        name: Optional[str] = None,
    ) -> Self: ...
    @property
    def limit(self) -> Optional[int]:
        """``x-ratelimit-limit``: requests allowed per period."""
    @property
    def period(self) -> Optional[int]:
        """``x-ratelimit-period``: the period's length in seconds."""
    @property
    def remaining(self) -> Optional[int]:
        """``x-ratelimit-remaining``: requests left in the current period."""
    @property
    def reset(self) -> Optional[int]:
        """``x-ratelimit-reset``: seconds until the current period resets."""
    @property
    def name(self) -> Optional[str]:
        """``x-ratelimit-name``: the name of the limit that applies."""
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(
        self,
    ) -> tuple[
        type[Self],
        tuple[Optional[int], Optional[int], Optional[int], Optional[int], Optional[str]],
    ]: ...

class _Model:
    """What every model class offers (not a runtime class)."""

    @property
    def additional_properties(self) -> dict[str, Any]:
        """Fields the schema does not define, as received."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON object as received, as a dict: unknown fields and nulls included."""
    def to_json(self) -> str:
        """The JSON object as received, as compact text: unknown fields and nulls included."""
    @classmethod
    def from_json(cls, text: str) -> Self:
        """Decodes this type from JSON text; raises ``DecodeError`` if it does not fit."""
    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Decodes this type from a dict shaped like its JSON."""
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

class _Response(_Model):
    """What both response classes offer (not a runtime class)."""

    @property
    def rate_limit(self) -> Optional[RateLimit]:
        """The response's ``x-ratelimit-*`` headers, or ``None``."""
    @property
    def status(self) -> Optional[int]:
        """The HTTP status of the response, or ``None`` for a locally built object."""
    @property
    def attempts(self) -> int:
        """How many HTTP attempts the call took (0 for a locally built object)."""

@final
class OrganizationResponse(_Response):
    """Response with an organization (``GET /api/v1/org/{public_id}``)."""

    @property
    def org(self) -> Optional[Organization]: ...

@final
class OrganizationListResponse(_Response):
    """Response with the managed organizations (``GET /api/v1/org``)."""

    @property
    def orgs(self) -> Optional[list[Organization]]: ...

@final
class Organization(_Model):
    """An organization: name, settings (SAML and more) and plan."""

    @property
    def billing(self) -> Optional[OrganizationBilling]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def public_id(self) -> Optional[str]: ...
    @property
    def settings(self) -> Optional[OrganizationSettings]: ...
    @property
    def subscription(self) -> Optional[OrganizationSubscription]: ...
    @property
    def trial(self) -> Optional[bool]: ...

@final
class OrganizationBilling(_Model):
    """Deprecated by Datadog: the billing type of an organization."""

    @property
    def type(self) -> Optional[str]: ...

@final
class OrganizationSubscription(_Model):
    """Deprecated by Datadog: the subscription of an organization."""

    @property
    def type(self) -> Optional[str]: ...

@final
class OrganizationSettings(_Model):
    """The settings of an organization."""

    @property
    def private_widget_share(self) -> Optional[bool]: ...
    @property
    def saml(self) -> Optional[OrganizationSettingsSaml]: ...
    @property
    def saml_autocreate_access_role(self) -> Optional[str]:
        """``'st'``, ``'adm'``, ``'ro'``, ``'ERROR'``, a newer value as sent, or ``None``."""
    @property
    def saml_autocreate_users_domains(
        self,
    ) -> Optional[OrganizationSettingsSamlAutocreateUsersDomains]: ...
    @property
    def saml_can_be_enabled(self) -> Optional[bool]: ...
    @property
    def saml_idp_endpoint(self) -> Optional[str]: ...
    @property
    def saml_idp_initiated_login(self) -> Optional[OrganizationSettingsSamlIdpInitiatedLogin]: ...
    @property
    def saml_idp_metadata_uploaded(self) -> Optional[bool]: ...
    @property
    def saml_login_url(self) -> Optional[str]: ...
    @property
    def saml_strict_mode(self) -> Optional[OrganizationSettingsSamlStrictMode]: ...

@final
class OrganizationSettingsSaml(_Model):
    """Whether single sign-on with SAML is enabled."""

    @property
    def enabled(self) -> Optional[bool]: ...

@final
class OrganizationSettingsSamlAutocreateUsersDomains(_Model):
    """Which email domains SAML creates users for automatically."""

    @property
    def domains(self) -> Optional[list[str]]: ...
    @property
    def enabled(self) -> Optional[bool]: ...

@final
class OrganizationSettingsSamlIdpInitiatedLogin(_Model):
    """Whether SAML IdP-initiated login is enabled."""

    @property
    def enabled(self) -> Optional[bool]: ...

@final
class OrganizationSettingsSamlStrictMode(_Model):
    """Whether SAML strict mode is enabled."""

    @property
    def enabled(self) -> Optional[bool]: ...

@final
class SalesforceIncidentsOrganizationsResponse(_Response):
    """The Salesforce organizations connected to the Datadog Salesforce integration."""

    @property
    def data(self) -> list[SalesforceIncidentsOrganizationResponseData]: ...

@final
class SalesforceIncidentsOrganizationResponseData(_Model):
    """One connected Salesforce organization."""

    @property
    def attributes(self) -> SalesforceIncidentsOrganizationResponseAttributes: ...
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str:
        """``'salesforce-incidents-org'``, or a newer value as sent."""

@final
class SalesforceIncidentsOrganizationResponseAttributes(_Model):
    """Attributes of a connected Salesforce organization."""

    @property
    def instance_url(self) -> Optional[str]: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def sfdc_org_id(self) -> Optional[str]: ...
    @property
    def sfdc_org_type(self) -> Optional[str]: ...

@final
class Client:
    """A client for Datadog's organization endpoints; thread-safe, usable as a context manager.

    Arguments left out come from ``DD_API_KEY``, ``DD_APP_KEY``, ``DD_SITE`` and
    ``DDORG_BASE_URL``, then from the defaults (site ``datadoghq.com``, 60 s timeout, 3 retries).
    """

    def __new__(
        cls,
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
        ca_bundle: Optional[Union[str, os.PathLike[str]]] = None,
        tls_roots: Optional[Literal["bundled", "system"]] = None,
        proxy: Optional[str] = None,
    ) -> Self: ...
    def get_org(self, public_id: str) -> OrganizationResponse:
        """``GET /api/v1/org/{public_id}``."""
    def list_orgs(self) -> OrganizationListResponse:
        """``GET /api/v1/org``."""
    def list_salesforce_organizations(self) -> SalesforceIncidentsOrganizationsResponse:
        """``GET /api/v2/integration/salesforce-incidents/organizations``."""
    @property
    def site(self) -> Optional[str]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def max_body_size(self) -> int: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
        /,
    ) -> bool: ...

# The engine of ddorg.testing.FakeServer (the ddorg-fake library); use that class instead.
@final
class _FakeServer:
    def __new__(cls, tls: Optional[str] = None) -> Self: ...
    @property
    def base_url(self) -> str: ...
    @property
    def port(self) -> int: ...
    def enqueue(self, reply_json: str) -> None: ...
    def set_org(self, public_id: str, reply_json: str) -> None: ...
    def set_org_list(self, reply_json: str) -> None: ...
    def set_orgs(self, orgs: list[tuple[str, str]]) -> None: ...
    def set_salesforce(self, reply_json: str) -> None: ...
    def require_keys(self, api_key: str, app_key: str) -> None: ...
    def set_unknown_orgs(self, answer: str) -> None: ...
    def set_latency(self, seconds: float) -> None: ...
    @property
    def latency(self) -> float: ...
    def set_rate_limit(self, limit: int, period: int, endpoint: Optional[str] = None) -> None: ...
    def clear_rate_limits(self) -> None: ...
    @property
    def rate_limited_count(self) -> int: ...
    def reset(self) -> None: ...
    def requests(self) -> list[tuple[str, str, list[tuple[str, str]]]]: ...
    def proxy_requests(self) -> list[tuple[str, str, list[tuple[str, str]]]]: ...
    def ca_pem(self) -> str: ...
    def listen(self, *, tls: Optional[str] = None, proxy: Optional[str] = None) -> tuple[int, str]: ...
    @property
    def request_count(self) -> int: ...
    @property
    def connection_count(self) -> int: ...
    @property
    def tls_handshake_count(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...

_ORG_EXAMPLE: str
_ORG_LIST_EXAMPLE: str
_SALESFORCE_EXAMPLE: str
_FAULTS: tuple[str, ...]
_TLS_CERTS: tuple[str, ...]
_PROXY_MODES: tuple[str, ...]
_RATE_LIMIT_ENDPOINTS: tuple[str, ...]

@final
class Policy:
    """What a posture audit allows; every setting has a default (docs/audit.md). Invalid values
    and unknown rule IDs raise ``ConfigError``."""

    def __new__(
        cls,
        *,
        fail_on: Optional[str] = None,
        disabled_rules: Optional[list[str]] = None,
        allowed_autocreate_roles: Optional[list[str]] = None,
        public_email_domains: Optional[list[str]] = None,
        allowed_salesforce_org_types: Optional[list[str]] = None,
        allowed_salesforce_hosts: Optional[list[str]] = None,
        idp_metadata_expiry_warning_days: Optional[int] = None,
        allowed_idp_hosts: Optional[list[str]] = None,
        allowed_jit_domains: Optional[list[str]] = None,
    ) -> Self: ...
    @staticmethod
    def from_toml(text: str) -> Policy:
        """A policy from POLICY.toml text."""
    @staticmethod
    def from_file(path: Union[str, PathLike[str]]) -> Policy:
        """A policy from a POLICY.toml file."""
    @staticmethod
    def _from_json(text: str) -> Policy: ...
    @property
    def fail_on(self) -> str:
        """Findings at or above this severity fail the audit (``"never"``: none do)."""
    @property
    def disabled_rules(self) -> list[str]: ...
    @property
    def allowed_autocreate_roles(self) -> list[str]: ...
    @property
    def public_email_domains(self) -> list[str]:
        """The built-in public email domains plus the policy's own."""
    @property
    def allowed_salesforce_org_types(self) -> list[str]: ...
    @property
    def allowed_salesforce_hosts(self) -> list[str]: ...
    @property
    def idp_metadata_expiry_warning_days(self) -> int: ...
    @property
    def allowed_idp_hosts(self) -> Optional[list[str]]:
        """Allowed SAML IdP endpoint host patterns (DDORG-SAML-011); ``None`` when not set."""
    @property
    def allowed_jit_domains(self) -> Optional[list[str]]:
        """The only just-in-time domains allowed (DDORG-SAML-005); ``None`` when not set."""
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...

def _audit(
    client: Client,
    public_id: str,
    policy: Optional[Policy] = None,
    managed: bool = False,
    concurrency: int = 8,
) -> str: ...
def _audit_fleet(
    path: Union[str, PathLike[str]], policy: Optional[Policy] = None, concurrency: int = 8
) -> str: ...
def _check_fleet(path: Union[str, PathLike[str]]) -> list[tuple[str, Optional[int], str]]: ...
def _render(
    report_json: str, format: str, detail: str = "summary", show_passed: bool = False
) -> str: ...
def _org_terraform(response_json: str, public_id: str) -> str: ...
def _apply_baseline(report_json: str, baseline_json: str) -> str: ...
