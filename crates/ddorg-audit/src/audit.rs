//! Auditing one org through a [`Client`]: the two calls, then the rules.

use ddorg_core::{Client, ErrorKind};

use crate::check::{evaluate_on_site, SalesforceInput};
use crate::policy::Policy;
use crate::report::{OrgError, OrgReport, OrgStatus, Report, Via};
use crate::timestamp::{format_rfc3339, now, UnixSeconds};

/// The call names an [`OrgError`] gives, as the client's methods are named.
pub const CALL_GET_ORG: &str = "get_org";
/// See [`CALL_GET_ORG`].
pub const CALL_LIST_SALESFORCE: &str = "list_salesforce_organizations";
/// See [`CALL_GET_ORG`]: the managed-org list of a managed audit's parent.
pub const CALL_LIST_ORGS: &str = "list_orgs";

/// Audits one org through `client`, labelled by its public ID; see [`audit_org_at`].
///
/// ```
/// # let fake = ddorg_fake::FakeServer::start().unwrap();
/// let client = ddorg_core::Client::builder()
///     .api_key("my-api-key").app_key("my-app-key")
///     .base_url(fake.base_url()) // leave out to talk to api.datadoghq.com
///     .build()?;
/// let report = ddorg_audit::audit_org(&client, "abcdef12345", &ddorg_audit::Policy::default());
/// assert_eq!(report.orgs[0].status, ddorg_audit::OrgStatus::Audited);
/// println!("{}", report.to_json());
/// # Ok::<(), ddorg_core::Error>(())
/// ```
pub fn audit_org(client: &Client, public_id: &str, policy: &Policy) -> Report {
    let t = now();
    let org = audit_org_at(client, public_id, public_id, policy, t);
    Report::new(policy.clone(), vec![org], format_rfc3339(t))
}

/// Where a client's requests go, as a report records it: `(site, base_url)`.
pub(crate) fn location(client: &Client) -> (Option<String>, Option<String>) {
    match client.site() {
        Some(site) => (Some(site.as_str().to_string()), None),
        None => (None, Some(client.base_url().to_string())),
    }
}

/// Audits one org: `GET /api/v1/org/{public_id}`, then the Salesforce list, then every rule at
/// time `now`, then the policy's exceptions (findings they accept are marked, not removed).
///
/// A failed org call makes the org an error. A 403 on the Salesforce call (a key without
/// `integrations_read`) leaves the SFDC rules not evaluated, with the reason; any other failure
/// of that call does the same and also marks the org an error (the audit is incomplete), while
/// keeping the results of the other rules.
pub fn audit_org_at(
    client: &Client,
    name: &str,
    public_id: &str,
    policy: &Policy,
    now: UnixSeconds,
) -> OrgReport {
    audit_through(client, name, public_id, None, policy, now)
}

/// [`audit_org_at`] for a managed org audited through its parent's key (`via`), or for the
/// key's own org (`None`). The Salesforce list is the key's org's: for a managed org it is not
/// read, and the SFDC rules are not evaluated, saying why.
pub(crate) fn audit_through(
    client: &Client,
    name: &str,
    public_id: &str,
    via: Option<&Via>,
    policy: &Policy,
    now: UnixSeconds,
) -> OrgReport {
    let (site, base_url) = location(client);
    // The site DDORG-SAML-012 holds the login URL to: the client's, or that of a base URL on a
    // Datadog host (`https://api.datadoghq.eu`); unknown for any other base URL.
    let on_site = client
        .site()
        .or_else(|| crate::hosts::site_of_url(client.base_url()));
    let org = match client.get_org(public_id) {
        Ok(resp) => resp.into_inner(),
        Err(e) => {
            let mut failed = OrgReport::failed(
                name,
                public_id,
                site,
                base_url,
                OrgError::from_error(&e, Some(CALL_GET_ORG)),
            );
            failed.via = via.cloned();
            return failed;
        }
    };
    if let Some(via) = via {
        let reason = format!(
            "audited through the key of {} (public ID {}): the Salesforce list belongs to the \
             key's org, so this org's connected Salesforce orgs cannot be read with it (audit it \
             with a key of its own for the SFDC rules)",
            via.name, via.public_id
        );
        let input = SalesforceInput::Unavailable(&reason);
        let evaluation = evaluate_on_site(&org, input, policy, now, on_site);
        let mut report = OrgReport::audited(name, public_id, site, base_url, evaluation);
        report.via = Some(via.clone());
        crate::exceptions::apply(&mut report, &policy.exceptions, now);
        return report;
    }
    let salesforce = client.list_salesforce_organizations();
    let (evaluation, error) = match &salesforce {
        Ok(list) => (
            evaluate_on_site(
                &org,
                SalesforceInput::Listed(list.value()),
                policy,
                now,
                on_site,
            ),
            None,
        ),
        Err(e) => {
            let forbidden = e.kind() == ErrorKind::Forbidden;
            let reason = if forbidden {
                format!(
                    "the Salesforce list was refused ({}): the key needs the integrations_read permission",
                    e.message()
                )
            } else {
                format!("the Salesforce list could not be read: {}", e.message())
            };
            let input = SalesforceInput::Unavailable(&reason);
            let eval = evaluate_on_site(&org, input, policy, now, on_site);
            let error = (!forbidden).then(|| OrgError::from_error(e, Some(CALL_LIST_SALESFORCE)));
            (eval, error)
        }
    };
    let mut report = OrgReport::audited(name, public_id, site, base_url, evaluation);
    if let Some(error) = error {
        report.status = OrgStatus::Error;
        report.error = Some(error);
    }
    crate::exceptions::apply(&mut report, &policy.exceptions, now);
    report
}
