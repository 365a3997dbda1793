"""Posture audits: :func:`audit` for one org, :func:`audit_fleet` for a fleet file, and the typed
:class:`AuditReport` they return.

The rules, the fleet and policy files, the report and its renderings all live in Rust (the
``ddorg-audit`` crate); this module only turns the report's JSON into typed, immutable objects.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union

from . import _ddorg
from ._ddorg import Client, OrganizationResponse, Policy

__all__ = [
    "audit",
    "audit_fleet",
    "check_fleet",
    "FleetProblem",
    "SourceLocation",
    "Via",
    "AuditReport",
    "AuditSummary",
    "Finding",
    "NotEvaluated",
    "OrgAudit",
    "OrgAuditError",
    "Policy",
    "PolicyException",
    "Control",
    "FindingException",
    "Remediation",
    "SettingChange",
    "OrgDrift",
    "org_terraform",
]

#: The report format this version writes, the value of the JSON report's ``"ddorg_audit"`` key.
REPORT_VERSION = 1


@dataclass(frozen=True)
class Remediation:
    """How to fix a finding."""

    text: str
    datadog_ui: str
    terraform: str


@dataclass(frozen=True)
class Control:
    """A compliance control a rule maps to: ``framework`` is ``"nist-800-53"`` (Rev. 5),
    ``"cis-v8"`` or ``"soc2"``, ``id`` as the framework writes it (``"IA-2(1)"``)."""

    framework: str
    id: str


@dataclass(frozen=True)
class FindingException:
    """The policy exception that accepts a finding: reported, not counted for ``fail_on``."""

    reason: str
    expires: str
    owner: Optional[str] = None


@dataclass(frozen=True)
class PolicyException:
    """An ``[[exceptions]]`` entry of the policy (as :attr:`AuditReport.expired_exceptions`
    lists those whose ``expires`` date has come)."""

    rule: str
    orgs: tuple[str, ...]
    reason: str
    expires: str
    owner: Optional[str] = None


@dataclass(frozen=True)
class Finding:
    """A rule that fired, with the evidence: JSON paths and values exactly as received."""

    rule: str
    severity: str
    title: str
    detail: str
    remediation: Remediation
    reference: str
    evidence: dict[str, Any]
    subject: Optional[str] = None
    controls: tuple[Control, ...] = ()
    exception: Optional[FindingException] = None

    @property
    def excepted(self) -> bool:
        """Whether a policy exception accepts it."""
        return self.exception is not None

    @classmethod
    def _from(cls, d: dict[str, Any]) -> Finding:
        return cls(
            rule=d["rule"],
            severity=d["severity"],
            title=d["title"],
            detail=d["detail"],
            remediation=Remediation(**d["remediation"]),
            reference=d["reference"],
            evidence=d["evidence"],
            subject=d.get("subject"),
            controls=tuple(Control(**c) for c in d.get("controls", ())),
            exception=None if d.get("exception") is None else FindingException(**d["exception"]),
        )


@dataclass(frozen=True)
class NotEvaluated:
    """A rule that could not be evaluated, and why (never counted as passed)."""

    rule: str
    reason: str
    subject: Optional[str] = None


@dataclass(frozen=True)
class OrgAuditError:
    """Why an org could not be audited: the error kind (``"forbidden"``, ``"timeout"``, …)."""

    kind: str
    status: Optional[int]
    message: str
    attempts: int
    call: Optional[str] = None


@dataclass(frozen=True)
class SettingChange:
    """A setting that differs from the baseline; ``old_present``/``new_present`` tell an absent
    field from a ``null`` one (``None`` either way in ``old``/``new``)."""

    field: str
    old: Any
    new: Any
    old_present: bool
    new_present: bool


@dataclass(frozen=True)
class OrgDrift:
    """What changed for one org since the baseline."""

    in_baseline: bool
    baseline_audited: bool
    new_findings: tuple[Finding, ...]
    resolved_findings: tuple[Finding, ...]
    changed_settings: tuple[SettingChange, ...]


@dataclass(frozen=True)
class SourceLocation:
    """Where a fleet org is defined: the fleet file (relative, as given) and the line of its
    ``[[orgs]]`` table."""

    path: str
    line: int


@dataclass(frozen=True)
class Via:
    """The org whose key a managed org was audited through: its label and public ID."""

    name: str
    public_id: str


@dataclass(frozen=True)
class FleetProblem:
    """An org of a fleet that could not be audited as it stands (:func:`check_fleet`): its
    label, the line of its ``[[orgs]]`` table, and what is wrong (never a key)."""

    name: str
    line: Optional[int]
    message: str


@dataclass(frozen=True)
class OrgAudit:
    """The audit of one org."""

    name: str
    public_id: str
    site: Optional[str]
    base_url: Optional[str]
    status: str
    error: Optional[OrgAuditError]
    findings: tuple[Finding, ...]
    not_evaluated: tuple[NotEvaluated, ...]
    passed: tuple[str, ...]
    drift: Optional[OrgDrift]
    #: The org's complete ``datadog_organization_settings`` resource and ``import`` block (HCL)
    #: with every fix Terraform can make applied; ``None`` when the org did not answer.
    terraform: Optional[str] = None
    source: Optional[SourceLocation] = None
    tags: tuple[str, ...] = ()
    fail_on: Optional[str] = None
    #: For a managed org (``audit(..., managed=True)``, ``managed = true`` in a fleet file): the
    #: org whose key it was audited through; ``None`` for an org audited with keys of its own.
    via: Optional[Via] = None

    @classmethod
    def _from(cls, d: dict[str, Any]) -> OrgAudit:
        err = d.get("error")
        drift = d.get("drift")
        source = d.get("source")
        via = d.get("via")
        return cls(
            name=d["name"],
            public_id=d["public_id"],
            site=d.get("site"),
            base_url=d.get("base_url"),
            status=d["status"],
            error=None if err is None else OrgAuditError(**err),
            findings=tuple(Finding._from(f) for f in d["findings"]),
            not_evaluated=tuple(NotEvaluated(**n) for n in d["not_evaluated"]),
            passed=tuple(d["passed"]),
            source=None if source is None else SourceLocation(**source),
            tags=tuple(d.get("tags", ())),
            fail_on=d.get("fail_on"),
            via=None if via is None else Via(**via),
            drift=None
            if drift is None
            else OrgDrift(
                in_baseline=drift["in_baseline"],
                baseline_audited=drift["baseline_audited"],
                new_findings=tuple(Finding._from(f) for f in drift["new_findings"]),
                resolved_findings=tuple(Finding._from(f) for f in drift["resolved_findings"]),
                changed_settings=tuple(
                    SettingChange(
                        field=c["field"],
                        old=c.get("old"),
                        new=c.get("new"),
                        old_present="old" in c,
                        new_present="new" in c,
                    )
                    for c in drift["changed_settings"]
                ),
            ),
            terraform=d.get("terraform"),
        )


@dataclass(frozen=True)
class AuditSummary:
    """Counts over the whole report, and the outcome."""

    orgs: int
    audited: int
    errors: int
    findings: dict[str, int]
    not_evaluated: int
    passed: int
    fail_on: str
    failing_findings: int
    outcome: str
    exit_code: int
    new_findings: Optional[dict[str, int]] = None
    resolved_findings: Optional[int] = None
    excepted: int = 0


class AuditReport:
    """A whole audit: one org or a fleet. Immutable; ``to_json()`` is the JSON report
    (``"ddorg_audit": 1`` first, docs/audit-report.schema.json), ``to_sarif()`` SARIF 2.1.0."""

    __slots__ = ("_json", "_orgs", "_summary", "_policy", "_generated_at", "_version", "_expired")

    def __init__(self, report_json: str) -> None:
        """Reads a JSON report (e.g. a file written by ``ddorg audit --format json``)."""
        # Rust checks it is a report of this version and normalizes it.
        text = _ddorg._render(report_json, "json")
        d = json.loads(text)
        self._json: str = text
        self._version: int = d["ddorg_audit"]
        self._generated_at: str = d["generated_at"]
        self._orgs = tuple(OrgAudit._from(o) for o in d["orgs"])
        self._summary = AuditSummary(**d["summary"])
        self._policy: Policy = Policy._from_json(json.dumps(d["policy"]))
        self._expired = tuple(
            PolicyException(**{**e, "orgs": tuple(e["orgs"])})
            for e in d.get("expired_exceptions", ())
        )

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike[str]]) -> AuditReport:
        """Reads a JSON report from a file."""
        with open(path, encoding="utf-8") as f:
            return cls(f.read())

    @property
    def version(self) -> int:
        """The report format's version, 1."""
        return self._version

    @property
    def generated_at(self) -> str:
        """When the audit ran (RFC 3339, UTC)."""
        return self._generated_at

    @property
    def orgs(self) -> tuple[OrgAudit, ...]:
        """Every org, in the order given."""
        return self._orgs

    @property
    def summary(self) -> AuditSummary:
        """Counts and the outcome."""
        return self._summary

    @property
    def policy(self) -> Policy:
        """The effective policy."""
        return self._policy

    @property
    def expired_exceptions(self) -> tuple[PolicyException, ...]:
        """The policy's exceptions whose ``expires`` date had come: they accept nothing."""
        return self._expired

    @property
    def exit_code(self) -> int:
        """What ``ddorg audit`` would exit with: 0, 1 (findings at or above ``fail_on``) or 9
        (an org could not be audited)."""
        return self._summary.exit_code

    def to_dict(self) -> dict[str, Any]:
        """The JSON report as plain Python objects (a fresh copy)."""
        result: dict[str, Any] = json.loads(self._json)
        return result

    def to_json(self) -> str:
        """The JSON report (pretty-printed, ending in a newline)."""
        return self._json

    def to_sarif(self) -> str:
        """The report as a SARIF 2.1.0 log."""
        return _ddorg._render(self._json, "sarif")

    def to_text(
        self, *, detail: Literal["summary", "full"] = "summary", show_passed: bool = False
    ) -> str:
        """The report as ``ddorg audit`` prints it. For a fleet, ``detail="summary"`` gives the
        per-rule rollup, then only the orgs with findings or errors; ``"full"`` every org, each
        finding with its fix. ``show_passed`` lists each org's passed rules too. An unknown
        ``detail`` raises ``ConfigError``."""
        return _ddorg._render(self._json, "text", detail, show_passed)

    def to_markdown(
        self, *, detail: Literal["summary", "full"] = "summary", show_passed: bool = False
    ) -> str:
        """The report in Markdown, for tickets, pull-request comments and CI job summaries
        (with ``detail="summary"``, under GitHub's 1 MiB limit); the options as ``to_text``'s."""
        return _ddorg._render(self._json, "markdown", detail, show_passed)

    def to_terraform(self) -> str:
        """The report as one Terraform file: per org its complete
        ``datadog_organization_settings`` resource and ``import`` block with every fix Terraform
        can make applied, and a comment for each fix it cannot make."""
        return _ddorg._render(self._json, "terraform")

    def compare(self, baseline: AuditReport) -> AuditReport:
        """This report with drift against an earlier one: per org, new and resolved findings and
        changed settings; only new findings count towards ``fail_on``."""
        return AuditReport(_ddorg._apply_baseline(self._json, baseline._json))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuditReport) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        s = self._summary
        return (
            f"AuditReport(orgs={s.orgs}, audited={s.audited}, errors={s.errors}, "
            f"findings={sum(s.findings.values())}, outcome={s.outcome!r})"
        )


def audit(
    client: Client,
    public_id: str,
    policy: Optional[Policy] = None,
    *,
    managed: bool = False,
    concurrency: int = 8,
) -> AuditReport:
    """Audits one org through ``client`` (its keys, site and options); the org is labelled by
    its public ID. The GIL is released while the calls run.

    With ``managed=True`` (``ddorg audit --managed``), every other org the key manages
    (:meth:`Client.list_orgs`) is audited too, through the same key and ``concurrency`` at a
    time, after the key's org and in the order listed: each is labelled by its listed name and
    names the key's org in :attr:`OrgAudit.via`. The Salesforce list belongs to the key's org,
    so the managed orgs' SFDC rules are not evaluated, the reason saying so. A list that cannot
    be read makes the key's org an error in the report (exit code 9), not an exception."""
    return AuditReport(_ddorg._audit(client, public_id, policy, managed, concurrency))


def audit_fleet(
    path: Union[str, os.PathLike[str]], policy: Optional[Policy] = None, concurrency: int = 8
) -> AuditReport:
    """Audits every org of a fleet file (docs/audit.md), ``concurrency`` at a time, each with
    its own client; orgs with the same API key and base URL share that key's rate-limit budget
    and wait for a spent window to reset rather than be refused with 429. An org that cannot be audited is an error in the report, not an exception;
    a bad fleet file raises :class:`ConfigError`. Ctrl-C raises ``KeyboardInterrupt`` at once
    (on the main thread): no further org is started and the orgs in flight end by themselves."""
    return AuditReport(_ddorg._audit_fleet(os.fspath(path), policy, concurrency))


def org_terraform(response: OrganizationResponse, public_id: str) -> str:
    """The org's settings as they are now (``client.get_org(public_id)``): a complete
    ``datadog_organization_settings`` resource and its ``import`` block (id = ``public_id``), as
    ``ddorg org get PUBLIC_ID --format terraform`` prints them."""
    return _ddorg._org_terraform(response.to_json(), public_id)


def check_fleet(path: Union[str, os.PathLike[str]]) -> list[FleetProblem]:
    """Checks a fleet file as :func:`audit_fleet` would use it and sends nothing: every org's
    keys are read (variables set, key files readable and private to their owner) and its client
    settings checked. The orgs that would fail, in file order; empty when the fleet is ready. A
    bad fleet file raises :class:`ConfigError` (naming the file's line)."""
    return [FleetProblem(*p) for p in _ddorg._check_fleet(os.fspath(path))]
