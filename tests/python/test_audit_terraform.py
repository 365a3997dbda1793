"""Terraform from Python: ``ddorg.org_terraform`` (the org as it is) and
``AuditReport.to_terraform()`` (the org with the fixes) parsed with python-hcl2 (structure) and
pygohcl (HashiCorp's HCL library: what each string decodes to)."""

from __future__ import annotations

import json
from typing import Any

import hcl2
import pygohcl  # type: ignore[import-untyped]

import ddorg
from conftest import Fake

RESOURCE = "datadog_organization_settings"
REQUIRED_BLOCKS = [
    "saml",
    "saml_autocreate_users_domains",
    "saml_idp_initiated_login",
    "saml_strict_mode",
]
COMPUTED = ["saml_can_be_enabled", "saml_idp_endpoint", "saml_idp_metadata_uploaded", "saml_login_url"]


def open_org(name: str = "Acme", domains: list[str] | None = None) -> dict[str, Any]:
    return {
        "org": {
            "name": name,
            "public_id": "abc",
            "settings": {
                "private_widget_share": True,
                "saml": {"enabled": True},
                "saml_autocreate_access_role": "adm",
                "saml_autocreate_users_domains": {
                    "domains": domains if domains is not None else ["acme.com", "gmail.com"],
                    "enabled": True,
                },
                "saml_can_be_enabled": True,
                "saml_idp_endpoint": "https://idp.example.com",
                "saml_idp_initiated_login": {"enabled": False},
                "saml_idp_metadata_uploaded": True,
                "saml_login_url": "https://app.datadoghq.com/account/login/id/abc",
                "saml_strict_mode": {"enabled": True},
            },
        }
    }


def resources(hcl: str) -> dict[str, Any]:
    """Label -> the resource's attributes, as HashiCorp's HCL decodes them."""
    decoded: dict[str, Any] = pygohcl.loads(hcl)
    found: dict[str, Any] = decoded["resource"][RESOURCE]
    return found


def check_structure(hcl: str) -> None:
    """Every resource has exactly one of each required nested block, and no computed attribute."""
    parsed = hcl2.loads(hcl)
    assert parsed["resource"], hcl
    for resource in parsed["resource"]:
        for body in resource[f'"{RESOURCE}"'].values():
            (settings,) = body["settings"]
            for block in REQUIRED_BLOCKS:
                assert len(settings[block]) == 1, (block, hcl)
            for computed in COMPUTED + ["description", "public_id"]:
                assert computed not in settings and computed not in body, computed


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def test_org_terraform_is_a_complete_block_with_its_import(fake: Fake, client: ddorg.Client) -> None:
    fake.set_org("abc", json=open_org())
    hcl = ddorg.org_terraform(client.get_org("abc"), "abc")
    check_structure(hcl)
    decoded = pygohcl.loads(hcl)
    assert decoded["import"] == {"to": f"{RESOURCE}.acme_abc", "id": "abc"}
    settings = resources(hcl)["acme_abc"]["settings"]
    assert settings["saml"] == {"enabled": True}
    assert settings["saml_autocreate_users_domains"]["domains"] == ["acme.com", "gmail.com"]
    assert settings["saml_autocreate_access_role"] == "adm"


def test_audit_terraform_changes_only_the_fixed_settings(fake: Fake, client: ddorg.Client) -> None:
    fake.set_org("abc", json=open_org())
    current = ddorg.org_terraform(client.get_org("abc"), "abc")
    report = ddorg.audit(client, "abc")
    fixed = report.to_terraform()
    check_structure(fixed)
    block = report.orgs[0].terraform
    assert block is not None and block in fixed
    assert json.loads(report.to_json())["orgs"][0]["terraform"] == block
    assert pygohcl.loads(fixed)["import"]["id"] == "abc"
    old = flatten(resources(current)["acme_abc"])
    new = flatten(resources(fixed)["acme_abc"])
    assert old.keys() == new.keys()
    changed = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
    assert changed == {
        "settings.private_widget_share": (True, False),
        "settings.saml_autocreate_access_role": ("adm", "ro"),
        "settings.saml_autocreate_users_domains.domains": (["acme.com", "gmail.com"], ["acme.com"]),
    }
    # Strict mode was on and stays on; SAML stays on: the fixes never switch SAML off.
    assert new["settings.saml.enabled"] is True
    assert new["settings.saml_strict_mode.enabled"] is True


def test_nasty_names_and_domains_decode_to_exactly_what_the_server_sent(
    fake: Fake, client: ddorg.Client
) -> None:
    name = 'a"b\\c${x}%{y}\n\x1b\u202e🦀'
    domains = ['"; } resource "x" "y" {', "${file(\"/etc/passwd\")}", "%{ if true }x%{ endif }", "\\"]
    fake.set_org("abc", json=open_org(name=name, domains=domains))
    hcl = ddorg.org_terraform(client.get_org("abc"), "abc")
    check_structure(hcl)
    (label,) = resources(hcl)
    assert label == "a_b_c_x_y_abc"
    body = resources(hcl)[label]
    assert body["name"] == name
    assert body["settings"]["saml_autocreate_users_domains"]["domains"] == domains
    # No server text leaves its string: the only blocks are the import and the resource.
    assert sorted(pygohcl.loads(hcl)) == ["import", "resource"]
    assert list(pygohcl.loads(hcl)["resource"]) == [RESOURCE]


def test_an_org_that_cannot_be_audited_is_a_comment(fake: Fake, client: ddorg.Client) -> None:
    fake.set_org("abc", status=404, json={"errors": ["Not found"]})
    report = ddorg.audit(client, "abc")
    assert report.orgs[0].terraform is None
    text = report.to_terraform()
    assert "# abc (abc): not audited, nothing to write: " in text
    assert "resource " not in text
