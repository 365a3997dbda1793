//! Managed audits: a parent's key lists the orgs it manages (`GET /api/v1/org`), and each of
//! them is audited through that key, labelled so that every org of the report has its own name.

use std::collections::HashSet;

use ddorg_core::{Client, Error, ErrorKind, Pacer};

use super::run::{
    check_concurrency, member_client, parallel, run_queue, FleetOptions, Member, Queued, Through,
};
use super::Fleet;
use crate::audit::CALL_LIST_ORGS;
use crate::policy::Policy;
use crate::report::{OrgError, Report, Via};
use crate::stop::stopped;
use crate::timestamp::{format_rfc3339, now};

/// An org the parent's key lists: its public ID and its name (`None` when absent, `null` or
/// blank).
type Listed = (String, Option<String>);

/// What a parent's key listed: the client it was listed through (the managed orgs are audited
/// through it), the orgs, or why they could not be listed.
pub(super) struct Listing {
    client: Option<Client>,
    orgs: Vec<Listed>,
    error: Option<OrgError>,
}

impl Listing {
    /// Nothing listed and no error of its own: the parent was not started, or its client could
    /// not be built (its own audit then fails with that error).
    fn none() -> Listing {
        Listing {
            client: None,
            orgs: Vec::new(),
            error: None,
        }
    }

    /// Lists the orgs `client`'s key manages.
    fn of(client: Client) -> Listing {
        let (orgs, error) = match listed(&client) {
            Ok(orgs) => (orgs, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        Listing {
            client: Some(client),
            orgs,
            error,
        }
    }
}

/// `GET /api/v1/org` through `client`: every listed org with a public ID, in the order received.
fn listed(client: &Client) -> Result<Vec<Listed>, OrgError> {
    let resp = client
        .list_orgs()
        .map_err(|e| OrgError::from_error(&e, Some(CALL_LIST_ORGS)))?;
    Ok(resp
        .value()
        .iter()
        .filter_map(|o| {
            let id = o
                .public_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())?;
            let name = o.name.as_deref().map(str::trim).filter(|s| !s.is_empty());
            Some((id.to_string(), name.map(str::to_string)))
        })
        .collect())
}

/// Labels for the orgs of one report: unique names and public IDs.
struct Labels {
    names: HashSet<String>,
    public_ids: HashSet<String>,
}

impl Labels {
    fn new<'a>(names: impl Iterator<Item = &'a str>, ids: impl Iterator<Item = &'a str>) -> Labels {
        Labels {
            names: names.map(str::to_string).collect(),
            public_ids: ids.map(str::to_string).collect(),
        }
    }

    /// The label of a listed org not yet in the report: its listed name, else its public ID;
    /// `name (public_id)` when another org has that name already. `None` for an org already
    /// in the report (by public ID).
    fn take(&mut self, (public_id, name): &Listed) -> Option<String> {
        if !self.public_ids.insert(public_id.clone()) {
            return None;
        }
        let first = name.clone().unwrap_or_else(|| public_id.clone());
        let candidates = [first.clone(), format!("{first} ({public_id})")];
        let label = candidates
            .into_iter()
            .chain((2..).map(|n| format!("{first} ({public_id}) #{n}")))
            .find(|c| !self.names.contains(c))?;
        self.names.insert(label.clone());
        Some(label)
    }
}

/// The listing of every `managed = true` org of the fleet (by fleet index; `None` for the
/// others), the parents `options.concurrency` at a time.
pub(super) fn list_parents(
    fleet: &Fleet,
    options: &FleetOptions,
    pacer: &Pacer,
) -> Vec<Option<Listing>> {
    parallel(fleet.orgs.len(), options.concurrency, |i| {
        let org = &fleet.orgs[i];
        if !org.managed {
            return None;
        }
        if stopped(options.stop.as_ref()) {
            return Some(Listing::none());
        }
        Some(match member_client(org, options, pacer) {
            Ok(client) => Listing::of(client),
            Err(_) => Listing::none(),
        })
    })
}

/// The fleet's orgs in file order, each parent followed by the managed orgs its key listed that
/// are neither in the file nor listed by an earlier parent.
pub(super) fn fleet_queue<'a>(
    fleet: &'a Fleet,
    listings: &'a [Option<Listing>],
) -> Vec<Queued<'a>> {
    let mut labels = Labels::new(
        fleet.orgs.iter().map(|o| o.name.as_str()),
        fleet.orgs.iter().map(|o| o.public_id.as_str()),
    );
    let mut queue = Vec::with_capacity(fleet.orgs.len());
    for (org, listing) in fleet.orgs.iter().zip(listings) {
        queue.push(Queued::new(Member::Own(org)));
        let Some(listing) = listing else { continue };
        queue.last_mut().expect("just pushed").list_error = listing.error.clone();
        let Some(client) = &listing.client else {
            continue;
        };
        let via = Via::new(&org.name, &org.public_id);
        for listed in &listing.orgs {
            if let Some(name) = labels.take(listed) {
                queue.push(Queued::new(Member::Through(Through {
                    client,
                    name,
                    public_id: listed.0.clone(),
                    via: Some(via.clone()),
                    parent: Some(org),
                })));
            }
        }
    }
    queue
}

/// Audits the org `public_id` through `client`, then every other org its key manages
/// (`GET /api/v1/org`) through the same key, `options.concurrency` at a time (the listing
/// first); the report lists the key's org first, labelled by its public ID, then the managed
/// orgs in the order listed, each labelled by its listed name (`name (public_id)` when two share
/// one, the public ID when it has none) and with [`OrgReport::via`](crate::OrgReport::via)
/// naming the key's org.
///
/// The Salesforce list belongs to the key's org: for the managed orgs it is not read, and their
/// SFDC rules are not evaluated, the reason saying so. A list that cannot be read makes the
/// key's org an error (`call: "list_orgs"`, exit 9), its own findings kept. An empty
/// `public_id` or a concurrency of 0 or above [`MAX_CONCURRENCY`](crate::MAX_CONCURRENCY) is an
/// error; `options.configure` is not used (the client is built), and `options.stop` stops
/// further orgs from starting.
///
/// ```
/// # let fake = ddorg_fake::FakeServer::start().unwrap();
/// # let fleet = ddorg_fake::Fleet::generate(3);
/// # fake.set_fleet(&fleet);
/// # let parent = &fleet.orgs()[0];
/// // A parent org's key pair:
/// let client = ddorg_core::Client::builder()
///     .api_key(&parent.api_key).app_key(&parent.app_key)
///     .base_url(fake.base_url())
///     .build()?;
/// let options = ddorg_audit::FleetOptions::default();
/// let report = ddorg_audit::audit_managed(&client, &parent.public_id, &Default::default(), &options)?;
/// assert_eq!(report.orgs.len(), 3);
/// assert_eq!(report.orgs[1].via.as_ref().unwrap().public_id, parent.public_id);
/// # Ok::<(), ddorg_core::Error>(())
/// ```
pub fn audit_managed(
    client: &Client,
    public_id: &str,
    policy: &Policy,
    options: &FleetOptions,
) -> Result<Report, Error> {
    check_concurrency(options.concurrency)?;
    if public_id.trim().is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "public_id must not be empty",
        ));
    }
    let t = options.now.unwrap_or_else(now);
    let (orgs, list_error) = if stopped(options.stop.as_ref()) {
        (Vec::new(), None)
    } else {
        match listed(client) {
            Ok(orgs) => (orgs, None),
            Err(e) => (Vec::new(), Some(e)),
        }
    };
    let mut labels = Labels::new(std::iter::once(public_id), std::iter::once(public_id));
    let via = Via::new(public_id, public_id);
    let through = |name: String, id: &str, via: Option<Via>| {
        Queued::new(Member::Through(Through {
            client,
            name,
            public_id: id.to_string(),
            via,
            parent: None,
        }))
    };
    let mut queue = vec![through(public_id.to_string(), public_id, None)];
    queue[0].list_error = list_error;
    for listed in &orgs {
        if let Some(name) = labels.take(listed) {
            queue.push(through(name, &listed.0, Some(via.clone())));
        }
    }
    let reports = run_queue(&queue, None, policy, options, &Pacer::new(), t);
    Ok(Report::new(policy.clone(), reports, format_rfc3339(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, name: Option<&str>) -> Listed {
        (id.to_string(), name.map(str::to_string))
    }

    #[test]
    fn labels_are_unique_and_orgs_already_in_the_report_are_skipped() {
        let mut l = Labels::new(["prod", "abc"].into_iter(), ["abc"].into_iter());
        assert_eq!(l.take(&listed("abc", Some("Parent"))), None);
        assert_eq!(
            l.take(&listed("c1", Some("Child"))).as_deref(),
            Some("Child")
        );
        assert_eq!(l.take(&listed("c1", Some("Again"))), None);
        assert_eq!(
            l.take(&listed("c2", Some("prod"))).as_deref(),
            Some("prod (c2)")
        );
        assert_eq!(l.take(&listed("c3", None)).as_deref(), Some("c3"));
        // A name taken in both forms (a fleet org named `Child (c4)`):
        l.names.insert("Child (c4)".into());
        assert_eq!(
            l.take(&listed("c4", Some("Child"))).as_deref(),
            Some("Child (c4) #2")
        );
    }
}
