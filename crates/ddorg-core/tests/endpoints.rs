//! Both endpoints against the fake: every documented field, headers sent, paths, keep-alive.

mod common;

use common::{setup, API_KEY, APP_KEY};
use ddorg_core::{AccessRole, ErrorKind, SalesforceIncidentsOrganizationType};
use ddorg_fake::Reply;

#[test]
fn get_org_decodes_every_documented_field() {
    let (_fake, client, _) = setup();
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.attempts(), 1);
    let org = resp.org.as_ref().unwrap();
    assert_eq!(org.name.as_deref(), Some("New child org"));
    assert_eq!(org.public_id.as_deref(), Some("abcdef12345"));
    assert_eq!(org.created.as_deref(), Some("2019-09-26T17:28:28Z"));
    assert_eq!(org.description.as_deref(), Some("some description"));
    assert_eq!(org.trial, Some(false));
    assert_eq!(
        org.billing.as_ref().unwrap().type_.as_deref(),
        Some("string")
    );
    assert_eq!(
        org.subscription.as_ref().unwrap().type_.as_deref(),
        Some("string")
    );
    let s = org.settings.as_ref().unwrap();
    assert_eq!(s.private_widget_share, Some(false));
    assert_eq!(s.saml.as_ref().unwrap().enabled, Some(false));
    assert_eq!(s.saml_autocreate_access_role, Some(AccessRole::ReadOnly));
    let domains = s.saml_autocreate_users_domains.as_ref().unwrap();
    assert_eq!(
        domains.domains.as_deref(),
        Some(&["example.com".to_string()][..])
    );
    assert_eq!(domains.enabled, Some(false));
    assert_eq!(s.saml_can_be_enabled, Some(false));
    assert_eq!(
        s.saml_idp_endpoint.as_deref(),
        Some("https://my.saml.endpoint")
    );
    assert_eq!(
        s.saml_idp_initiated_login.as_ref().unwrap().enabled,
        Some(false)
    );
    assert_eq!(s.saml_idp_metadata_uploaded, Some(false));
    assert_eq!(
        s.saml_login_url.as_deref(),
        Some("https://my.saml.login.url")
    );
    assert_eq!(s.saml_strict_mode.as_ref().unwrap().enabled, Some(false));
    assert!(org.additional_properties.is_empty());
}

#[test]
fn list_salesforce_organizations_decodes_every_documented_field() {
    let (_fake, client, _) = setup();
    let resp = client.list_salesforce_organizations().unwrap();
    assert_eq!(resp.data.len(), 1);
    let d = &resp.data[0];
    assert_eq!(d.id, "596da4af-0563-4097-90ff-07230c3f9db3");
    assert_eq!(
        d.type_,
        SalesforceIncidentsOrganizationType::SalesforceIncidentsOrg
    );
    assert_eq!(d.attributes.name.as_deref(), Some("Acme Production Org"));
    assert_eq!(
        d.attributes.instance_url.as_deref(),
        Some("https://acme.my.salesforce.com")
    );
    assert_eq!(d.attributes.sfdc_org_id.as_deref(), Some("00D000000000000"));
    assert_eq!(d.attributes.sfdc_org_type.as_deref(), Some("Production"));
}

#[test]
fn requests_carry_both_keys_accept_and_user_agent() {
    let (fake, client, _) = setup();
    client.list_salesforce_organizations().unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.path,
        "/api/v2/integration/salesforce-incidents/organizations"
    );
    assert_eq!(r.header("dd-api-key"), Some(API_KEY));
    assert_eq!(r.header("dd-application-key"), Some(APP_KEY));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("user-agent"), Some(ddorg_core::DEFAULT_USER_AGENT));
    assert!(r.header("accept-encoding").unwrap_or("").contains("gzip"));
}

#[test]
fn rate_limit_info_is_kept_on_success() {
    let (_fake, client, _) = setup();
    let resp = client.get_org("abcdef12345").unwrap();
    let rl = resp
        .rate_limit()
        .expect("the fake sends x-ratelimit-* on success");
    assert_eq!(rl.limit, Some(1000));
    assert_eq!(rl.period, Some(60));
    assert_eq!(rl.remaining, Some(999));
    assert_eq!(rl.reset, Some(42));
    assert_eq!(rl.name.as_deref(), Some("org_get"));
}

#[test]
fn public_id_is_percent_encoded_as_one_path_segment() {
    let (fake, client, _) = setup();
    let cases = [
        ("abc-123", "/api/v1/org/abc-123"),
        ("a b", "/api/v1/org/a%20b"),
        ("a/b", "/api/v1/org/a%2Fb"),
        ("../../v2/x", "/api/v1/org/..%2F..%2Fv2%2Fx"),
        ("a?b=1#c", "/api/v1/org/a%3Fb%3D1%23c"),
        ("100%", "/api/v1/org/100%25"),
        ("x\r\nHost: evil", "/api/v1/org/x%0D%0AHost%3A%20evil"),
        ("ü\0", "/api/v1/org/%C3%BC%00"),
    ];
    for (id, _) in cases {
        fake.set_org(id, Reply::json(200, r#"{"org":{"name":"matched"}}"#));
    }
    for (id, path) in cases {
        let resp = client.get_org(id).unwrap();
        assert_eq!(
            resp.org.as_ref().unwrap().name.as_deref(),
            Some("matched"),
            "{id:?}"
        );
        assert_eq!(fake.requests().last().unwrap().path, path, "{id:?}");
    }
}

#[test]
fn empty_or_dot_public_id_is_invalid_argument_and_sends_nothing() {
    let (fake, client, _) = setup();
    for id in ["", ".", ".."] {
        let err = client.get_org(id).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{id:?}");
        assert_eq!(err.attempts(), 0);
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn calls_reuse_one_keep_alive_connection() {
    let (fake, client, _) = setup();
    for _ in 0..5 {
        client.get_org("abcdef12345").unwrap();
        client.list_salesforce_organizations().unwrap();
    }
    assert_eq!(fake.request_count(), 10);
    assert_eq!(fake.connection_count(), 1);
}

#[test]
fn clones_share_the_pool_and_work_across_threads() {
    let (fake, client, _) = setup();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    c.get_org("abcdef12345").unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(fake.request_count(), 80);
    assert!(fake.connection_count() <= 8, "{}", fake.connection_count());
}

#[test]
fn gzip_encoded_bodies_are_decoded() {
    let (fake, client, _) = setup();
    fake.enqueue(Reply::json(200, ddorg_fake::ORG_EXAMPLE).gzip());
    let resp = client.get_org("abcdef12345").unwrap();
    assert_eq!(
        resp.org.as_ref().unwrap().name.as_deref(),
        Some("New child org")
    );
}

#[test]
fn list_orgs_decodes_the_default_org_and_sends_both_keys() {
    let (fake, client, _) = setup();
    let resp = client.list_orgs().unwrap();
    assert_eq!(resp.status(), 200);
    let orgs = resp.orgs.as_deref().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].name.as_deref(), Some("New child org"));
    assert_eq!(
        orgs[0]
            .settings
            .as_ref()
            .unwrap()
            .saml_autocreate_access_role,
        Some(AccessRole::ReadOnly)
    );
    assert_eq!(
        resp.rate_limit().and_then(|r| r.name.clone()).as_deref(),
        Some("org_list")
    );
    let r = &fake.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/v1/org"));
    assert_eq!(r.header("dd-api-key"), Some(API_KEY));
    assert_eq!(r.header("dd-application-key"), Some(APP_KEY));
}

#[test]
fn list_orgs_returns_every_managed_org_in_order() {
    let (fake, client, _) = setup();
    fake.set_orgs(&[
        ("parent1", "Parent"),
        ("child01", "One"),
        ("child02", "Two"),
    ]);
    let resp = client.list_orgs().unwrap();
    assert_eq!(resp.public_ids(), ["parent1", "child01", "child02"]);
    let names: Vec<_> = resp.iter().map(|o| o.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["Parent", "One", "Two"]);
    // Each listed org is the one get_org returns.
    let child = client.get_org("child02").unwrap();
    assert_eq!(child.org.as_ref(), resp.iter().nth(2));
}

#[test]
fn list_orgs_errors_and_retries_like_the_other_calls() {
    let (fake, client, waits) = setup();
    fake.enqueue(Reply::errors(429, &["Too many requests"]).rate_limit(1000, 60, 0, 2, "org_list"));
    let resp = client.list_orgs().unwrap();
    assert_eq!(resp.attempts(), 2);
    assert_eq!(waits.all().len(), 1);
    fake.enqueue(Reply::errors(403, &["Forbidden"]));
    let err = client.list_orgs().unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (ErrorKind::Forbidden, Some(403))
    );
    assert!(!err.to_string().contains(API_KEY));
    fake.enqueue(Reply::json(200, r#"{"orgs":{"not":"a list"}}"#));
    assert_eq!(client.list_orgs().unwrap_err().kind(), ErrorKind::Decode);
}
