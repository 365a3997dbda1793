//! [`Pacer`]: requests wait for their rate-limit window to reset instead of being sent into a
//! 429, from the `x-ratelimit-*` headers of the answers before them.
//!
//! Datadog limits each key on each endpoint to `limit` requests per window of `period` seconds
//! (<https://docs.datadoghq.com/api/latest/rate-limits/>). A budget (budget.rs) per key, base URL
//! and endpoint counts what the last answers said is left, minus the requests in flight; a
//! request takes a slot from it before it is sent and gives it back with its answer.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{seconds, Error, ErrorKind};
use crate::rate_limit::RateLimit;
use crate::retry::Sleeper;

mod budget;

use budget::{Budget, Decision};

/// Paces requests by Datadog's rate-limit headers, for every client it is given to.
///
/// Before a request is sent it takes a slot of its key's budget on its endpoint; when the
/// window's budget is spent (what the last answer said remains, minus the requests still in
/// flight) it waits, with the client's [`Sleeper`], until the window resets, instead of being
/// sent and refused with a 429. Until the first answer tells the budget, one request at a time
/// is sent. Every answer updates the budget; answers without the headers turn pacing off for
/// that endpoint.
///
/// Budgets are kept per API key, base URL and endpoint, so one pacer can be given to many
/// clients ([`ClientBuilder::pacer`](crate::ClientBuilder::pacer)): those with the same key and
/// base URL share their budgets, as Datadog counts them, and the others do not. Keys are told
/// apart by a keyed hash (random keys per pacer); the pacer holds no copy of any key. Cheap to
/// clone: clones share the budgets.
///
/// ```
/// use ddorg_core::{Client, Pacer};
///
/// let fake = ddorg_fake::FakeServer::start()?; // a local stand-in for Datadog
/// let pacer = Pacer::new();
/// let one = Client::builder().api_key("k").app_key("a").base_url(fake.base_url()).pacer(pacer.clone()).build()?;
/// let two = Client::builder().api_key("k").app_key("b").base_url(fake.base_url()).pacer(pacer).build()?;
/// one.get_org("abcdef12345")?; // both clients now draw on one budget per endpoint
/// two.get_org("abcdef12345")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

struct Shared {
    /// Whether a key's first request on an endpoint goes out alone (see [`Pacer::new`]).
    probe_first: bool,
    /// The process the budgets are counted in: after `fork()` the child's requests are its own,
    /// and its copy of the budgets may hold the parent's requests in flight, or a lock taken by
    /// one of the parent's threads (see pool.rs for the same rule about connections).
    owner_pid: u32,
    /// Keys each pacer's fingerprints of the API keys.
    hasher: std::collections::hash_map::RandomState,
    budgets: Mutex<HashMap<BudgetKey, Budget>>,
    /// Notified whenever a request gives its slot back.
    answered: Condvar,
    /// The budgets of the current process when it is not the owner. Only ever locked in such a
    /// process, so a fork while the owner's threads are busy cannot leave it locked in the child.
    forked: Mutex<Option<(u32, Pacer)>>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::with_probe(true)
    }
}

impl Pacer {
    fn with_probe(probe_first: bool) -> Pacer {
        Pacer {
            shared: Arc::new(Shared {
                probe_first,
                owner_pid: std::process::id(),
                hasher: Default::default(),
                budgets: Mutex::default(),
                answered: Condvar::new(),
                forked: Mutex::new(None),
            }),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct BudgetKey {
    key: u64,
    base_url: Arc<str>,
    endpoint: &'static str,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `try_lock`: never wait in `Debug` (a forked child may hold a copy locked by another thread).
        let budgets = self.shared.budgets.try_lock().map(|b| b.len()).ok();
        f.debug_struct("Pacer").field("budgets", &budgets).finish()
    }
}

impl Pacer {
    /// A pacer with no budget known yet. Until a first answer of a key on an endpoint tells its
    /// budget, that key's requests to the endpoint go out one at a time, so a burst of many
    /// clients starting together costs at most one 429 per key and window.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// The pacer a client makes for itself when given none: its first requests go out together
    /// (a new client's concurrent calls are not held back) until an answer tells the budget.
    pub(crate) fn of_one_client() -> Pacer {
        Pacer::with_probe(false)
    }

    /// The pacing of one client: its key (by fingerprint) and base URL.
    pub(crate) fn for_client(&self, api_key: &[u8], base_url: &str) -> ClientPacing {
        ClientPacing {
            pacer: self.clone(),
            key: self.shared.hasher.hash_one(api_key),
            base_url: base_url.into(),
        }
    }

    /// The pacer whose budgets the calling process counts: this one in the process that made
    /// it, a fresh one (made once per process) in a forked child.
    fn here(&self) -> Pacer {
        let pid = std::process::id();
        if pid == self.shared.owner_pid {
            return self.clone();
        }
        let mut slot = self.shared.forked.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some((slot_pid, pacer)) if *slot_pid == pid => pacer.clone(),
            _ => {
                let pacer = Pacer::with_probe(self.shared.probe_first);
                *slot = Some((pid, pacer.clone()));
                pacer
            }
        }
    }

    fn budgets(&self) -> MutexGuard<'_, HashMap<BudgetKey, Budget>> {
        self.shared
            .budgets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

/// One client's view of its pacer.
pub(crate) struct ClientPacing {
    pacer: Pacer,
    key: u64,
    base_url: Arc<str>,
}

/// How one call waits for a slot.
pub(crate) struct Wait<'a> {
    /// The call's deadline, and its length for messages.
    pub(crate) deadline: Instant,
    pub(crate) timeout: Duration,
    /// The longest wait for a window to reset ([`RetryPolicy::max_rate_limit_wait`](crate::RetryPolicy::max_rate_limit_wait)): past
    /// it, the request is sent anyway and the server decides.
    pub(crate) max_wait: Duration,
    pub(crate) sleeper: &'a dyn Sleeper,
    /// The retry policy has just waited out a 429 for this request: send it without waiting again.
    pub(crate) after_rate_limit_wait: bool,
    /// When the call's waits so far end: a sleeper that does not really sleep (tests) moves
    /// this clock on, not the real one.
    pub(crate) clock: Instant,
}

impl ClientPacing {
    /// Takes a slot for a request to `endpoint`, waiting as its budget says. A wait that would
    /// pass the deadline, or that the sleeper interrupts, is a [`ErrorKind::RateLimited`] error
    /// and nothing is sent.
    pub(crate) fn slot(&self, endpoint: &'static str, wait: &mut Wait<'_>) -> Result<Slot, Error> {
        let key = BudgetKey {
            key: self.key,
            base_url: Arc::clone(&self.base_url),
            endpoint,
        };
        let pacer = self.pacer.here();
        let mut budgets = pacer.budgets();
        if wait.after_rate_limit_wait {
            budgets
                .entry(key.clone())
                .or_insert_with(|| Budget::new(pacer.shared.probe_first))
                .force();
            return Ok(slot_of(&pacer, key));
        }
        loop {
            let now = Instant::now().max(wait.clock);
            let budget = budgets
                .entry(key.clone())
                .or_insert_with(|| Budget::new(pacer.shared.probe_first));
            match budget.admit(now) {
                Decision::Send => return Ok(slot_of(&pacer, key)),
                Decision::WaitForAnswer => {
                    let left = wait.deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Error::new(
                            ErrorKind::Timeout,
                            format!(
                                "not sent: the call's {} deadline passed while the first \
                                 request to GET {endpoint} learned its rate limit",
                                seconds(wait.timeout)
                            ),
                        ));
                    }
                    budgets = match pacer.shared.answered.wait_timeout(budgets, left) {
                        Ok((guard, _)) => guard,
                        Err(e) => e.into_inner().0,
                    };
                }
                Decision::WaitUntil(resets_at) => {
                    let rate_limit = budget.rate_limit(now);
                    let full = resets_at.saturating_duration_since(now);
                    let pause = full.min(wait.max_wait);
                    if now + pause >= wait.deadline {
                        let why = format!(
                            "its window resets in {}, after the call's {} deadline",
                            seconds(full),
                            seconds(wait.timeout)
                        );
                        return Err(not_sent(endpoint, &why, rate_limit));
                    }
                    drop(budgets);
                    log::info!(target: crate::LOG_TARGET, "GET {endpoint}: the rate limit is spent; waiting {} for its window to reset", seconds(pause));
                    if wait.sleeper.sleep(pause).is_break() {
                        return Err(not_sent(
                            endpoint,
                            "the wait for its window to reset was interrupted",
                            rate_limit,
                        ));
                    }
                    wait.clock = now + pause;
                    budgets = pacer.budgets();
                    if pause < full {
                        // Waited as long as the policy allows: the server decides.
                        budgets
                            .entry(key.clone())
                            .or_insert_with(|| Budget::new(pacer.shared.probe_first))
                            .force();
                        return Ok(slot_of(&pacer, key));
                    }
                }
            }
        }
    }
}

fn slot_of(pacer: &Pacer, key: BudgetKey) -> Slot {
    Slot {
        pacer: pacer.clone(),
        key,
        done: false,
    }
}

/// The error of a request the pacer did not send.
fn not_sent(endpoint: &str, why: &str, rate_limit: Option<RateLimit>) -> Error {
    Error::new(
        ErrorKind::RateLimited,
        format!("not sent: the rate limit of GET {endpoint} is spent and {why}"),
    )
    .with_rate_limit(rate_limit)
}

/// A request's hold on its budget, given back with what its answer said (or, dropped, as a
/// request that got no answer).
pub(crate) struct Slot {
    pacer: Pacer,
    key: BudgetKey,
    done: bool,
}

impl Slot {
    /// The request ended: with an HTTP answer (`answered`) carrying `rate_limit`, or without one.
    pub(crate) fn finish(mut self, rate_limit: Option<&RateLimit>, answered: bool) {
        self.give_back(rate_limit, answered);
    }

    fn give_back(&mut self, rate_limit: Option<&RateLimit>, answered: bool) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        let mut budgets = self.pacer.budgets();
        if let Some(budget) = budgets.get_mut(&self.key) {
            budget.finish(Instant::now(), rate_limit, answered);
        }
        drop(budgets);
        self.pacer.shared.answered.notify_all();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.give_back(None, false);
    }
}
