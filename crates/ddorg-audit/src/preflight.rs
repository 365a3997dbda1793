//! `ddorg audit --check`: every org of a fleet made ready to audit (keys read, client settings
//! checked) without a request, so a broken fleet is found before a CI run sends anything.

use ddorg_core::ClientBuilder;

use crate::fleet::{Fleet, FleetOrg};

/// An org of a fleet that could not be audited as it stands, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetProblem {
    /// The org's label (`name`, or its public ID).
    pub name: String,
    /// The line of its `[[orgs]]` table, when the fleet was read from a file.
    pub line: Option<u32>,
    /// What is wrong (a variable not set, a key file others can read…), never a key.
    pub message: String,
}

/// Builds every org's client as [`audit_fleet`](crate::audit_fleet) would, with `configure`
/// applied last, and sends nothing: the keys are read (variables set, files readable and
/// private to their owner, not empty) and the site, base URL, timeouts and retries checked.
/// The orgs that would fail, in fleet order; empty when the whole fleet is ready.
pub fn check_fleet(
    fleet: &Fleet,
    configure: Option<&(dyn Fn(ClientBuilder) -> ClientBuilder + Send + Sync)>,
) -> Vec<FleetProblem> {
    fleet
        .orgs()
        .iter()
        .filter_map(|org: &FleetOrg| {
            // The client is dropped at once, its keys with it: nothing is kept, nothing sent.
            org.client(configure).err().map(|e| FleetProblem {
                name: org.name.clone(),
                line: org.line,
                message: e.message().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn orgs_whose_keys_or_settings_would_fail_are_listed_with_their_line() {
        let fleet = Fleet::from_toml_str(
            "[defaults]\napi_key_env = \"DDORG_PREFLIGHT_TEST_SET\"\napp_key_env = \"DDORG_PREFLIGHT_TEST_SET\"\n\
             [[orgs]]\npublic_id = \"ok\"\n\
             [[orgs]]\npublic_id = \"unset\"\napi_key_env = \"DDORG_PREFLIGHT_TEST_UNSET\"\n\
             [[orgs]]\npublic_id = \"plain-http\"\nbase_url = \"http://example.com\"\n",
            Path::new("."),
        )
        .unwrap();
        std::env::set_var("DDORG_PREFLIGHT_TEST_SET", "preflight-key-0123");
        let problems = check_fleet(&fleet, None);
        let got: Vec<(&str, Option<u32>)> =
            problems.iter().map(|p| (p.name.as_str(), p.line)).collect();
        assert_eq!(got, [("unset", Some(6)), ("plain-http", Some(9))]);
        assert!(problems[0]
            .message
            .contains("DDORG_PREFLIGHT_TEST_UNSET is not set"));
        assert!(problems
            .iter()
            .all(|p| !p.message.contains("preflight-key")));
    }
}
