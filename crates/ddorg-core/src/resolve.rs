//! Host name resolution that costs nothing on a call that reuses a pooled connection.
//!
//! ureq 3 resolves the host on every request, before it looks in its connection pool, and when a
//! timeout is set (ddorg always sets one) its default resolver spawns a thread for each lookup.
//! That thread (and a `getaddrinfo` for a name) was most of a call's client-side cost. This
//! resolver keeps the last answer per host for [`TTL`] and asks the default resolver, timeout
//! included, only when it has none; failures are never kept.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long an answer is reused: curl's default DNS cache timeout. Addresses are only used to open
/// a new connection, so this bounds how long a changed DNS record takes to reach new connections.
const TTL: Duration = Duration::from_secs(60);

/// A client talks to one host (its base URL), so a handful of entries is plenty.
const MAX_ENTRIES: usize = 8;

/// Wraps `R` (ureq's [`DefaultResolver`] in the client; a counting one in the tests).
#[derive(Default)]
pub(crate) struct CachingResolver<R = DefaultResolver> {
    inner: R,
    cache: Mutex<Vec<Entry>>,
}

struct Entry {
    scheme: String,
    authority: String,
    resolved_at: Instant,
    addrs: ResolvedSocketAddrs,
}

impl<R> fmt::Debug for CachingResolver<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver").finish_non_exhaustive()
    }
}

impl<R: Resolver> Resolver for CachingResolver<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // The scheme is part of the key: it gives the port when the authority has none.
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let authority = authority.as_str();
        let matches = |e: &Entry| e.scheme == scheme && e.authority == authority;
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = cache.iter().find(|e| matches(e)) {
                if now.saturating_duration_since(e.resolved_at) < TTL {
                    return Ok(e.addrs.clone());
                }
            }
        }
        // The system resolver's own failure (getaddrinfo's "Name or service not known") is an
        // I/O error to ureq; it is the host not being found, said once as such (see
        // transport_error.rs).
        let addrs = self
            .inner
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(_) => ureq::Error::HostNotFound,
                other => other,
            })?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|e| !matches(e));
        if cache.len() >= MAX_ENTRIES {
            cache.remove(0);
        }
        cache.push(Entry {
            scheme: scheme.to_string(),
            authority: authority.to_string(),
            resolved_at: now,
            addrs: addrs.clone(),
        });
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers 127.0.0.1 with the URI's port (or fails for host `fail`), counting its lookups.
    #[derive(Debug, Default)]
    struct Counting(AtomicUsize);

    impl Resolver for Counting {
        fn resolve(
            &self,
            uri: &Uri,
            _: &Config,
            _: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            self.0.fetch_add(1, Ordering::SeqCst);
            if uri.host() == Some("fail") {
                return Err(ureq::Error::HostNotFound);
            }
            let port = uri.port_u16().unwrap_or(443);
            let mut addrs = self.empty();
            addrs.push(SocketAddr::from(([127, 0, 0, 1], port)));
            Ok(addrs)
        }
    }

    fn lookup(r: &CachingResolver<Counting>, url: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().unwrap();
        let addrs = r.resolve(&uri, &Config::default(), NextTimeout::default())?;
        Ok(addrs.iter().copied().collect())
    }

    #[test]
    fn repeated_calls_to_one_host_resolve_it_once() {
        let r = CachingResolver::<Counting>::default();
        for path in ["/api/v1/org/a", "/api/v1/org/b", "/api/v2/x"] {
            let url = format!("http://127.0.0.1:8126{path}");
            assert_eq!(
                lookup(&r, &url).unwrap(),
                [SocketAddr::from(([127, 0, 0, 1], 8126))]
            );
        }
        assert_eq!(r.inner.0.load(Ordering::SeqCst), 1);
        lookup(&r, "https://127.0.0.1:8126/").unwrap();
        lookup(&r, "http://127.0.0.1:9000/").unwrap();
        assert_eq!(
            r.inner.0.load(Ordering::SeqCst),
            3,
            "scheme and port are part of the key"
        );
    }

    #[test]
    fn failed_lookups_are_not_kept() {
        let r = CachingResolver::<Counting>::default();
        assert!(lookup(&r, "https://fail/").is_err());
        assert!(lookup(&r, "https://fail/").is_err());
        assert_eq!(r.inner.0.load(Ordering::SeqCst), 2);
    }
}
