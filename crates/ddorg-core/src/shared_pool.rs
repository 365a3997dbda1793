//! One connection pool per process for every set of clients whose connections are the same: a
//! fleet of 1,000 orgs on one site (each org a client with its own keys) shares one pool, so it
//! opens as many TLS connections as it makes calls at once, not one or more per org.
//!
//! Keys are request headers, never connection state (and every connection's sent bytes are
//! wiped, see wipe.rs), so clients with different keys can take turns on one connection, as
//! browsers and Go's `http.DefaultTransport` do for different users' cookies. What must never be
//! mixed is what decides the connection itself, so all of it is the [`TransportKey`]: the host
//! (scheme and authority), the proxy (and its credentials: a tunnel opened with one is not lent
//! to another), the TLS setup (the very configuration, so the same trusted roots, see
//! tls_cache.rs), the connect timeout and the user agent (sent on a proxy's `CONNECT`). Two
//! clients that differ in any of these get pools of their own.
//!
//! A pool outlives its last client by [`LINGER`], so that clients made one after another (a
//! fleet audited one org at a time, a script that makes a client per call) reuse the
//! connections of the one before. It is closed by the first client built or dropped after
//! that: until then it holds what a client kept alive would hold, its idle connections (whose
//! sent bytes were wiped, so no key). The process id is part of the key, so a client built in
//! a forked child never gets a pool of its parent (the fork rule, see pool.rs); the clients a
//! child inherited keep theirs, which open the child's own connections.

use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::ClientConfig;

use crate::pool::{AgentFactory, ForkSafeMutex, ProcessPool};

/// Everything that decides a client's connections; equal keys, interchangeable connections.
pub(crate) struct TransportKey {
    pub(crate) pid: u32,
    /// `scheme://host:port` of the base URL, host lowercased.
    pub(crate) origin: String,
    pub(crate) proxy: Option<ureq::Proxy>,
    /// Compared by identity: one configuration per set of roots (tls_cache.rs), and a
    /// configuration that is not the same object is never assumed to verify the same way.
    pub(crate) tls: Arc<ClientConfig>,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
}

impl PartialEq for TransportKey {
    fn eq(&self, other: &TransportKey) -> bool {
        self.pid == other.pid
            && self.origin == other.origin
            && self.proxy == other.proxy
            && Arc::ptr_eq(&self.tls, &other.tls)
            && self.connect_timeout == other.connect_timeout
            && self.user_agent == other.user_agent
    }
}

/// How long a pool is kept after its last client is gone, and a connection in it unused (the
/// agents' `max_idle_age`, ureq's default): a pool kept longer would hold none worth having.
pub(crate) const LINGER: Duration = Duration::from_secs(15);

/// At most this many pools are kept without a client (oldest dropped first), so that a process
/// that makes clients with ever new settings does not keep their pools.
const MAX_UNUSED: usize = 8;

struct Entry {
    key: TransportKey,
    pool: Arc<ProcessPool>,
    /// When a client last took or gave back a share of the pool.
    touched: Instant,
}

/// The pools of the process: one per key, with at least one client or released less than
/// [`LINGER`] ago. A process uses a handful (one per site, proxy and roots it talks to). In a
/// child forked while a thread of its parent held the lock, clients do without it: each gets a
/// pool of its own.
static REGISTRY: ForkSafeMutex<Vec<Entry>> = ForkSafeMutex::new(Vec::new());

/// A client's share of its pool; giving it back (on drop) starts the pool's [`LINGER`] if it
/// was the last.
pub(crate) struct PoolShare(Arc<ProcessPool>);

impl Deref for PoolShare {
    type Target = ProcessPool;

    fn deref(&self) -> &ProcessPool {
        &self.0
    }
}

impl Drop for PoolShare {
    fn drop(&mut self) {
        let now = Instant::now();
        let Some(mut registry) = REGISTRY.lock() else {
            return;
        };
        if let Some(e) = registry.iter_mut().find(|e| Arc::ptr_eq(&e.pool, &self.0)) {
            e.touched = now;
        }
        sweep(&mut registry, now);
    }
}

/// Closes the pools no client has used for [`LINGER`], and the oldest unused beyond
/// [`MAX_UNUSED`]. Dropping a pool (under the lock: it sends nothing, see pool.rs) closes its
/// connections.
fn sweep(registry: &mut Vec<Entry>, now: Instant) {
    // Only the registry holds an unused pool; a share being given back still counts as one.
    let unused = |e: &Entry| Arc::strong_count(&e.pool) == 1;
    registry.retain(|e| !unused(e) || now.saturating_duration_since(e.touched) < LINGER);
    while registry.iter().filter(|e| unused(e)).count() > MAX_UNUSED {
        let oldest = registry
            .iter()
            .enumerate()
            .filter(|(_, e)| unused(e))
            .min_by_key(|(_, e)| e.touched)
            .map(|(i, _)| i);
        match oldest {
            Some(i) => drop(registry.remove(i)),
            None => break,
        }
    }
}

/// A share of the pool of the clients with this key: the process's one if there is one, else
/// a new one made with `new_agent`.
pub(crate) fn pool_for(key: TransportKey, new_agent: impl FnOnce() -> AgentFactory) -> PoolShare {
    let now = Instant::now();
    // A short critical section without I/O (making an agent opens no connection).
    let Some(mut registry) = REGISTRY.lock() else {
        return PoolShare(Arc::new(ProcessPool::new(new_agent())));
    };
    sweep(&mut registry, now);
    if let Some(e) = registry.iter_mut().find(|e| e.key == key) {
        e.touched = now;
        return PoolShare(Arc::clone(&e.pool));
    }
    let pool = Arc::new(ProcessPool::new(new_agent()));
    registry.push(Entry {
        key,
        pool: Arc::clone(&pool),
        touched: now,
    });
    PoolShare(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(origin: &str, tls: &Arc<ClientConfig>) -> TransportKey {
        TransportKey {
            pid: std::process::id(),
            origin: origin.into(),
            proxy: None,
            tls: Arc::clone(tls),
            connect_timeout: Duration::from_secs(10),
            user_agent: "ddorg/test".into(),
        }
    }

    fn factory() -> AgentFactory {
        Box::new(|| ureq::Agent::config_builder().build().new_agent())
    }

    fn tls() -> Arc<ClientConfig> {
        crate::tls::client_config(Arc::new(crate::trust::bundled_roots())).unwrap()
    }

    #[test]
    fn equal_keys_share_a_pool_and_any_difference_gets_its_own() {
        let tls = tls();
        let origin = "https://shared-pool-test.invalid:443";
        let first = pool_for(key(origin, &tls), factory);
        let again = pool_for(key(origin, &tls), factory);
        assert!(Arc::ptr_eq(&first.0, &again.0));

        let proxy = ureq::Proxy::new("http://proxy.invalid:3128").unwrap();
        let other_keys = [
            key("https://other-host.invalid:443", &tls),
            TransportKey {
                proxy: Some(proxy),
                ..key(origin, &tls)
            },
            // The same roots, but another configuration object.
            key(origin, &self::tls()),
            TransportKey {
                connect_timeout: Duration::from_secs(11),
                ..key(origin, &tls)
            },
            TransportKey {
                user_agent: "other/1".into(),
                ..key(origin, &tls)
            },
            TransportKey {
                pid: std::process::id().wrapping_add(1),
                ..key(origin, &tls)
            },
        ];
        // Held to the end, so they are not unused pools that other tests' sweeps count.
        let others: Vec<_> = other_keys
            .into_iter()
            .map(|k| pool_for(k, factory))
            .collect();
        for other in &others {
            assert!(!Arc::ptr_eq(&first.0, &other.0));
        }
    }

    #[test]
    fn a_pool_outlives_its_last_client_for_the_next_one() {
        let tls = tls();
        let origin = "https://shared-pool-linger.invalid:443";
        let first = pool_for(key(origin, &tls), factory);
        let weak = Arc::downgrade(&first.0);
        drop(first);
        let next = pool_for(key(origin, &tls), factory);
        assert!(std::ptr::eq(Arc::as_ptr(&next.0), weak.as_ptr()));
    }

    #[test]
    fn unused_pools_close_after_the_linger_and_beyond_the_most_kept() {
        let tls = tls();
        let now = Instant::now();
        let entry = |name: &str, age: Duration| Entry {
            key: key(&format!("https://{name}.invalid:443"), &tls),
            pool: Arc::new(ProcessPool::new(factory())),
            touched: now - age,
        };
        let in_use = entry("in-use", LINGER * 4);
        let held = Arc::clone(&in_use.pool);
        let mut registry = vec![in_use, entry("old", LINGER), entry("recent", LINGER / 2)];
        sweep(&mut registry, now);
        let names = |r: &[Entry]| r.iter().map(|e| e.key.origin.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&registry),
            ["https://in-use.invalid:443", "https://recent.invalid:443"]
        );

        for i in 0..MAX_UNUSED {
            registry.push(entry(&format!("n{i}"), Duration::from_millis(i as u64)));
        }
        sweep(&mut registry, now);
        assert_eq!(registry.len(), 1 + MAX_UNUSED);
        assert!(!names(&registry).contains(&"https://recent.invalid:443".to_string()));
        drop(held);
    }
}
