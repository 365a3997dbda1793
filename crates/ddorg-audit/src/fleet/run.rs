//! Auditing a fleet: its orgs `concurrency` at a time, reported in fleet order.
//!
//! The queue holds fleet orgs (each audited with a client of its own) and orgs audited through a
//! client already built (managed orgs through their parent's key); `managed.rs` fills it.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ddorg_core::{Client, ClientBuilder, Error, Pacer};

use super::{config, Fleet, FleetOrg, MAX_CONCURRENCY};
use crate::audit::{audit_org_at, audit_through, location};
use crate::policy::Policy;
use crate::report::{OrgError, OrgReport, OrgStatus, Report, Via};
use crate::source::SourceLocation;
use crate::stop::{not_started, stopped, Stop, StopSleeper};
use crate::timestamp::{format_rfc3339, now, UnixSeconds};

/// Progress of a fleet audit, reported after each org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Orgs finished so far.
    pub done: usize,
    /// Orgs in the fleet.
    pub total: usize,
    /// Orgs finished with `status: "error"` so far.
    pub errors: usize,
}

/// Changes every org's client builder after the fleet file's settings (so these win).
pub type Configure = Arc<dyn Fn(ClientBuilder) -> ClientBuilder + Send + Sync>;
/// Called after each org with the progress so far (from the worker threads, one call at a time
/// and in order of `done`, so keep it quick: the other workers wait to record their orgs).
pub type OnProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// How a fleet is audited.
#[derive(Clone)]
#[non_exhaustive]
pub struct FleetOptions {
    /// How many orgs are audited at once, each by its own client. Defaults to 8; at most
    /// [`MAX_CONCURRENCY`].
    pub concurrency: usize,
    /// Applied to every org's client builder last (user agent, timeouts, a sleeper…). Defaults to
    /// none.
    pub configure: Option<Configure>,
    /// Called after each org. Defaults to none.
    pub on_progress: Option<OnProgress>,
    /// The time the audit compares dates with. Defaults to now.
    pub now: Option<UnixSeconds>,
    /// Set it to stop the audit early (Ctrl-C, a deadline for the whole fleet): no further org
    /// is started, and the retry waits of the orgs in flight end (their requests end by their
    /// timeouts). The report then has every org, those not started as errors (`timeout`, "the
    /// fleet audit was stopped"), so it exits 9 as an incomplete audit does. With it, each org's
    /// client waits with a sleeper that watches the flag, unless `configure` sets its own.
    /// Defaults to none.
    pub stop: Option<Stop>,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            concurrency: 8,
            configure: None,
            on_progress: None,
            now: None,
            stop: None,
        }
    }
}

impl fmt::Debug for FleetOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetOptions")
            .field("concurrency", &self.concurrency)
            .field("configure", &self.configure.is_some())
            .field("on_progress", &self.on_progress.is_some())
            .field("now", &self.now)
            .field("stop", &self.stop)
            .finish()
    }
}

/// What one worker audits.
pub(super) enum Member<'a> {
    /// An org of the fleet file, audited with a client of its own built from the file's
    /// settings.
    Own(&'a FleetOrg),
    /// An org audited through a client already built.
    Through(Through<'a>),
}

/// An org audited through a client already built: a managed org through its parent's key, or
/// the parent of [`audit_managed`](super::audit_managed).
pub(super) struct Through<'a> {
    pub client: &'a Client,
    pub name: String,
    pub public_id: String,
    /// The parent, for a managed org.
    pub via: Option<Via>,
    /// The fleet org whose key this is, for a managed org of a fleet: its tags and fleet-file
    /// line are the managed org's.
    pub parent: Option<&'a FleetOrg>,
}

/// A member of the queue, and why the orgs its key manages could not be listed (its error, as
/// its audit is then incomplete, unless the audit itself failed first).
pub(super) struct Queued<'a> {
    pub member: Member<'a>,
    pub list_error: Option<OrgError>,
}

impl<'a> Queued<'a> {
    pub(super) fn new(member: Member<'a>) -> Queued<'a> {
        Queued {
            member,
            list_error: None,
        }
    }
}

/// The concurrency the fleet functions accept, or the config error they give.
pub(super) fn check_concurrency(concurrency: usize) -> Result<(), Error> {
    if concurrency == 0 || concurrency > MAX_CONCURRENCY {
        return Err(config(format!(
            "the concurrency must be between 1 and {MAX_CONCURRENCY}, got {concurrency}"
        )));
    }
    Ok(())
}

/// `work(i)` for every `i` below `n`, on `concurrency` threads, the results in order of `i`.
pub(super) fn parallel<R: Send>(
    n: usize,
    concurrency: usize,
    work: impl Fn(usize) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new((0..n).map(|_| None).collect::<Vec<Option<R>>>());
    std::thread::scope(|s| {
        for _ in 0..concurrency.min(n) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let r = work(i);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    // A worker that panicked has re-raised its panic at the end of the scope: all are here.
    results.into_iter().flatten().collect()
}

/// The client of a fleet org: its settings, the fleet's pacer, the stop flag's sleeper, then
/// the caller's `configure`.
pub(super) fn member_client(
    org: &FleetOrg,
    options: &FleetOptions,
    pacer: &Pacer,
) -> Result<Client, Error> {
    org.client(Some(&|b: ClientBuilder| {
        let b = b.pacer(pacer.clone());
        let b = match &options.stop {
            Some(stop) => b.sleeper(StopSleeper(Arc::clone(stop))),
            None => b,
        };
        match &options.configure {
            Some(configure) => configure(b),
            None => b,
        }
    }))
}

/// Audits one member of the queue; its source location is its fleet org's (or its parent's).
fn audit_queued(
    q: &Queued<'_>,
    path: Option<&str>,
    policy: &Policy,
    options: &FleetOptions,
    pacer: &Pacer,
    t: UnixSeconds,
) -> OrgReport {
    let (mut report, line) = match &q.member {
        Member::Own(org) => (audit_member(org, policy, options, pacer, t), org.line),
        Member::Through(th) => {
            let tags = th.parent.map_or(&[][..], |p| &p.tags[..]);
            let mut report = if stopped(options.stop.as_ref()) {
                let (site, base_url) = location(th.client);
                let mut failed = OrgReport::failed(
                    &th.name,
                    &th.public_id,
                    site,
                    base_url,
                    OrgError::from_error(&not_started(), None),
                );
                failed.via = th.via.clone();
                failed
            } else {
                let own = policy.for_tags(tags);
                audit_through(th.client, &th.name, &th.public_id, th.via.as_ref(), &own, t)
            };
            report.set_tags(tags, policy);
            (report, th.parent.and_then(|p| p.line))
        }
    };
    if let (Some(path), Some(line)) = (path, line) {
        report.source = Some(SourceLocation::new(path, line));
    }
    if let (None, Some(e)) = (&report.error, &q.list_error) {
        report.status = OrgStatus::Error;
        report.error = Some(e.clone());
    }
    report
}

/// Audits one fleet org: builds its client (its own keys, the fleet's pacer), then the audit.
fn audit_member(
    org: &FleetOrg,
    policy: &Policy,
    options: &FleetOptions,
    pacer: &Pacer,
    t: UnixSeconds,
) -> OrgReport {
    let client = if stopped(options.stop.as_ref()) {
        Err(not_started())
    } else {
        member_client(org, options, pacer)
    };
    let own = policy.for_tags(&org.tags);
    let mut report = match client {
        Ok(client) => audit_org_at(&client, &org.name, &org.public_id, &own, t),
        Err(e) => {
            let (site, base_url) = org.location();
            OrgReport::failed(
                &org.name,
                &org.public_id,
                site,
                base_url,
                OrgError::from_error(&e, None),
            )
        }
    };
    report.set_tags(&org.tags, policy);
    report
}

/// Audits the queue `options.concurrency` at a time, reporting progress after each org; the
/// reports in queue order.
pub(super) fn run_queue(
    queue: &[Queued<'_>],
    path: Option<&str>,
    policy: &Policy,
    options: &FleetOptions,
    pacer: &Pacer,
    t: UnixSeconds,
) -> Vec<OrgReport> {
    let total = queue.len();
    let counts = Mutex::new((0usize, 0usize));
    parallel(total, options.concurrency, |i| {
        let report = audit_queued(&queue[i], path, policy, options, pacer, t);
        let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
        c.0 += 1;
        c.1 += usize::from(report.error.is_some());
        // Under the lock, so the calls come in order: a counter never steps back, and the last
        // call is the one with `done == total`.
        if let Some(cb) = &options.on_progress {
            cb(Progress {
                done: c.0,
                total,
                errors: c.1,
            });
        }
        report
    })
}

/// Audits every org of a fleet, `options.concurrency` at a time, and reports them in fleet order.
///
/// Each org gets its own client, and the clients share one [`Pacer`]: orgs audited with the
/// same API key and base URL (a parent's key for its managed orgs, or the same key file or
/// variable value given to several orgs) draw on one rate-limit budget per endpoint, as Datadog
/// counts it, so their workers wait for a spent window to reset instead of each being refused
/// with a 429; orgs with other keys carry on. Memory holds the finished orgs' reports and, per
/// worker, one org's responses. An org that cannot be audited (a key not set, a call failing)
/// is an error in the report; the rest are still audited. Only a concurrency of 0 or above
/// [`MAX_CONCURRENCY`] is an error. [`FleetOptions::stop`] ends it early.
///
/// An org with `managed = true` is first asked for the orgs its key manages
/// (`GET /api/v1/org`, all parents `concurrency` at a time); each listed org that is not in the
/// fleet file (or listed by an earlier parent) is then audited through that key, right after
/// its parent and with its tags and fleet-file line, as [`audit_managed`](super::audit_managed)
/// does. Progress counts the orgs found.
pub fn audit_fleet(
    fleet: &Fleet,
    policy: &Policy,
    options: &FleetOptions,
) -> Result<Report, Error> {
    check_concurrency(options.concurrency)?;
    let t = options.now.unwrap_or_else(now);
    let pacer = Pacer::new();
    let listings = super::managed::list_parents(fleet, options, &pacer);
    let queue = super::managed::fleet_queue(fleet, &listings);
    let orgs = run_queue(&queue, fleet.path(), policy, options, &pacer, t);
    Ok(Report::new(policy.clone(), orgs, format_rfc3339(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fleet(text: &str) -> Result<Fleet, Error> {
        Fleet::from_toml_str(text, Path::new("/etc/ddorg"))
    }

    #[test]
    fn a_missing_key_is_an_error_of_that_org_only() {
        let f = fleet(
            r#"
            [[orgs]]
            name = "no-key"
            public_id = "x"
            base_url = "http://127.0.0.1:9"
            api_key_env = "DDORG_AUDIT_TEST_SURELY_UNSET"
            app_key_file = "/nonexistent/ddorg/app-key"
            "#,
        )
        .unwrap();
        let r = audit_fleet(&f, &Policy::default(), &FleetOptions::default()).unwrap();
        let e = r.orgs[0].error.as_ref().unwrap();
        assert_eq!(e.kind, "config");
        assert!(
            e.message
                .contains("DDORG_AUDIT_TEST_SURELY_UNSET is not set"),
            "{}",
            e.message
        );
        assert_eq!(r.exit_code(), crate::EXIT_INCOMPLETE);
    }

    #[test]
    fn progress_is_reported_once_per_org_in_order() {
        let mut text = String::new();
        for i in 0..64 {
            text.push_str(&format!(
                "[[orgs]]\npublic_id = \"x{i}\"\napi_key_env = \"DDORG_AUDIT_TEST_SURELY_UNSET\"\n"
            ));
        }
        let f = fleet(&text).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let o = FleetOptions {
            concurrency: 16,
            on_progress: Some(Arc::new(move |p: Progress| {
                record.lock().unwrap().push((p.done, p.errors, p.total))
            })),
            ..FleetOptions::default()
        };
        audit_fleet(&f, &Policy::default(), &o).unwrap();
        let expected: Vec<_> = (1..=64).map(|n| (n, n, 64)).collect();
        assert_eq!(*seen.lock().unwrap(), expected);
    }

    #[test]
    fn concurrency_out_of_range_is_refused() {
        let f = fleet("[[orgs]]\npublic_id = \"x\"\n").unwrap();
        for n in [0, MAX_CONCURRENCY + 1] {
            let o = FleetOptions {
                concurrency: n,
                ..FleetOptions::default()
            };
            assert!(audit_fleet(&f, &Policy::default(), &o).is_err());
        }
    }
}
