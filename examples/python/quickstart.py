"""ddorg quick start: audit one organization's SAML settings and list its Salesforce orgs.

Run it with DD_API_KEY and DD_APP_KEY set (and DD_SITE if you are not on datadoghq.com):

    python examples/python/quickstart.py abcdef12345

or, with no Datadog account at hand, against the fake Datadog that ships with ddorg:

    python examples/python/quickstart.py --fake
"""

import logging
import sys

import ddorg


def main(public_id: str) -> int:
    logging.basicConfig(level=logging.WARNING)  # DEBUG shows each attempt and retry

    try:
        # Keys, site and base URL come from the environment when not given here: a missing key
        # is a ConfigError raised right here, before any request.
        client = ddorg.Client(timeout=30, max_retries=3)
    except ddorg.ConfigError as e:
        print(f"cannot configure the client: {e}", file=sys.stderr)
        return 2
    with client:
        print(client)  # Client(site='datadoghq.com', base_url='https://api.datadoghq.com')
        try:
            resp = client.get_org(public_id)
        except ddorg.NotFoundError as e:
            print(f"no organization {public_id!r}: {e.errors}", file=sys.stderr)
            return 1
        except ddorg.RateLimitedError as e:
            reset = e.rate_limit.reset if e.rate_limit else None
            print(f"rate limited, try again in {reset} s", file=sys.stderr)
            return 1
        except ddorg.DdorgError as e:  # every other failure, with .kind, .status, .errors
            print(f"error ({e.kind}): {e}", file=sys.stderr)
            return 1

        org = resp.org
        if org is not None:
            settings = org.settings
            saml = settings.saml if settings else None
            print(f"{org.name} ({org.public_id})")
            print(f"  SAML enabled:       {saml.enabled if saml else None}")
            role = settings.saml_autocreate_access_role if settings else None
            print(f"  SAML default role:  {role}")  # 'st', 'adm', 'ro', or a newer value
            # Fields Datadog adds after this release are kept, not dropped.
            if org.additional_properties:
                print(f"  newer fields:       {sorted(org.additional_properties)}")
        if resp.rate_limit is not None:
            print(f"  requests left:      {resp.rate_limit.remaining}/{resp.rate_limit.limit}")

        try:
            for sf in client.list_salesforce_organizations().data:
                print(f"Salesforce org {sf.id}: {sf.attributes.name} <{sf.attributes.instance_url}>")
        except ddorg.ForbiddenError as e:
            print(f"this key lacks the integrations_read permission: {e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    arg = sys.argv[1] if len(sys.argv) > 1 else "--fake"
    if arg != "--fake":
        sys.exit(main(arg))
    # The same code against the fake: DDORG_BASE_URL points the client at it, any keys pass.
    import os

    from ddorg.testing import FakeServer

    with FakeServer() as fake:
        os.environ.update(DDORG_BASE_URL=fake.base_url, DD_API_KEY="demo", DD_APP_KEY="demo")
        sys.exit(main("abcdef12345"))
