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
//! The registry holds only weak references: a pool lives as long as a client uses it, and its
//! connections close with the last one. The process id is part of the key, so a client built
//! in a forked child never gets a pool of its parent (the fork rule, see pool.rs); the clients a
//! child inherited keep theirs, which open the child's own connections.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use rustls::ClientConfig;

use crate::pool::{AgentFactory, ProcessPool};

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

/// The pools of the live clients. A process uses a handful of keys (one per site, proxy and
/// roots it talks to); entries whose pool is gone are dropped at every lookup.
static REGISTRY: Mutex<Vec<(TransportKey, Weak<ProcessPool>)>> = Mutex::new(Vec::new());

/// The pool of the clients with this key: the live one if there is one, else a new one made
/// with `new_agent` (kept, weakly, for the next client with the same key).
pub(crate) fn pool_for(
    key: TransportKey,
    new_agent: impl FnOnce() -> AgentFactory,
) -> Arc<ProcessPool> {
    // A short critical section without I/O (making an agent opens no connection).
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    registry.retain(|(_, pool)| pool.strong_count() > 0);
    if let Some(pool) = registry
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, pool)| pool.upgrade())
    {
        return pool;
    }
    let pool = Arc::new(ProcessPool::new(new_agent()));
    registry.push((key, Arc::downgrade(&pool)));
    pool
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
    fn equal_keys_share_a_pool_while_it_lives_and_any_difference_gets_its_own() {
        let tls = tls();
        let origin = "https://shared-pool-test.invalid:443";
        let first = pool_for(key(origin, &tls), factory);
        let again = pool_for(key(origin, &tls), factory);
        assert!(Arc::ptr_eq(&first, &again));

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
        for other in other_keys {
            assert!(!Arc::ptr_eq(&first, &pool_for(other, factory)));
        }

        let weak = Arc::downgrade(&first);
        drop((first, again));
        assert!(weak.upgrade().is_none(), "the registry keeps no pool alive");
    }
}
