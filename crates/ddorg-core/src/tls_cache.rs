//! One TLS configuration per process for each distinct set of trusted roots, so that a fleet of
//! clients with the same CA bundle parses it once, not once per client.
//!
//! A fleet audit builds a client per org (each has its own keys); parsing a 200 KB bundle of
//! 150 CAs for each of them was most of the CPU time of a 200-org audit at concurrency 1. The
//! configuration holds no key (keys are request headers, wiped as wipe.rs says, never connection
//! state), so clients with different keys can share it. It carries rustls's TLS session cache
//! too: a client may resume a session another client of the process opened with the same host,
//! verified against the very same roots, which saves the handshake's certificate checks.
//!
//! What decides "the same roots":
//! - the bundled Mozilla roots: always the same;
//! - the system's store: read once per process (as Go's crypto/x509 does), again only if
//!   `SSL_CERT_FILE` or `SSL_CERT_DIR`, which rustls-native-certs honours, changes;
//! - a CA bundle file: its bytes. The file is read on every build (a read is cheap; parsing is
//!   what costs), so a changed file is parsed anew at once, whatever its size or modification
//!   time say; an unreadable or unusable one fails the build with the same error every time
//!   (errors are not cached).

use std::ffi::OsString;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::ClientConfig;

use crate::error::Error;
use crate::trust::{self, TrustSource};

/// How many configurations are kept (most recently used first): a process uses one or two;
/// the bound keeps one that builds clients from ever new bundles from growing without end.
const MAX_ENTRIES: usize = 16;

/// What a configuration's roots were made from: equal keys, equal roots.
#[derive(Debug, PartialEq, Eq)]
enum RootsKey {
    Bundled,
    System {
        cert_file: Option<OsString>,
        cert_dir: Option<OsString>,
    },
    /// The bundle's whole contents, compared byte for byte (no hash that two files could share).
    Bundle(Vec<u8>),
}

static CACHE: Mutex<Vec<(RootsKey, Arc<ClientConfig>)>> = Mutex::new(Vec::new());

#[cfg(test)]
thread_local! {
    /// Configurations built (roots parsed) by this thread: tests count their own builds only.
    pub(crate) static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The configuration for `source`'s roots: the process's copy if one was built from the same
/// roots, else a new one (kept for the next client).
pub(crate) fn shared_config(source: &TrustSource) -> Result<Arc<ClientConfig>, Error> {
    let key = match source {
        TrustSource::Bundled => RootsKey::Bundled,
        TrustSource::System => RootsKey::System {
            cert_file: std::env::var_os("SSL_CERT_FILE"),
            cert_dir: std::env::var_os("SSL_CERT_DIR"),
        },
        TrustSource::File { path, from } => RootsKey::Bundle(trust::read_bundle(path, from)?),
    };
    // Held while a missing configuration is built, so that the 32 clients a fleet starts at once
    // wait for one parse instead of making 32.
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(i) = cache.iter().position(|(k, _)| *k == key) {
        let entry = cache.remove(i);
        let config = Arc::clone(&entry.1);
        cache.insert(0, entry);
        return Ok(config);
    }
    let roots = match (&key, source) {
        (RootsKey::Bundle(pem), TrustSource::File { path, from }) => {
            trust::bundle_roots(pem, path, from)?
        }
        (RootsKey::System { .. }, _) => trust::system_roots()?,
        _ => trust::bundled_roots(),
    };
    let config = crate::tls::client_config(Arc::new(roots))?;
    #[cfg(test)]
    BUILT.with(|n| n.set(n.get() + 1));
    cache.insert(0, (key, Arc::clone(&config)));
    cache.truncate(MAX_ENTRIES);
    Ok(config)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::error::ErrorKind;

    fn built() -> usize {
        BUILT.with(|n| n.get())
    }

    fn bundle(path: &Path) -> TrustSource {
        TrustSource::File {
            path: path.to_path_buf(),
            from: "the CA bundle option",
        }
    }

    /// A fresh CA of its own (the fake's, generated at start), so no other test shares it.
    fn new_ca_pem() -> String {
        ddorg_fake::FakeServer::start_tls()
            .unwrap()
            .ca_pem()
            .unwrap()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ddorg-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_bundle_is_parsed_once_for_every_client_that_trusts_it() {
        let dir = temp_dir("tls-cache-once");
        let path = dir.join("ca.pem");
        std::fs::write(&path, new_ca_pem()).unwrap();
        let before = built();
        let first = shared_config(&bundle(&path)).unwrap();
        for _ in 0..50 {
            assert!(Arc::ptr_eq(&first, &shared_config(&bundle(&path)).unwrap()));
        }
        assert_eq!(built() - before, 1);
        // The same bytes under another name are the same roots.
        let copy = dir.join("copy.pem");
        std::fs::copy(&path, &copy).unwrap();
        assert!(Arc::ptr_eq(&first, &shared_config(&bundle(&copy)).unwrap()));
        assert_eq!(built() - before, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_changed_bundle_is_parsed_again() {
        let dir = temp_dir("tls-cache-changed");
        let path = dir.join("ca.pem");
        std::fs::write(&path, new_ca_pem()).unwrap();
        let before = built();
        let old = shared_config(&bundle(&path)).unwrap();
        std::fs::write(&path, new_ca_pem()).unwrap();
        let new = shared_config(&bundle(&path)).unwrap();
        assert!(!Arc::ptr_eq(&old, &new));
        assert_eq!(built() - before, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_bundle_fails_every_time_with_the_same_error_and_a_fixed_one_then_works() {
        let dir = temp_dir("tls-cache-bad");
        let path = dir.join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let first = shared_config(&bundle(&path)).unwrap_err();
        let again = shared_config(&bundle(&path)).unwrap_err();
        assert_eq!(first.kind(), ErrorKind::Config);
        assert_eq!(first.message(), again.message());
        assert!(
            first.message().contains("holds no PEM certificate"),
            "{first}"
        );
        std::fs::write(&path, new_ca_pem()).unwrap();
        assert!(shared_config(&bundle(&path)).is_ok());
        std::fs::remove_file(&path).unwrap();
        let gone = shared_config(&bundle(&path)).unwrap_err();
        assert!(gone.message().contains("cannot be read"), "{gone}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_bundled_roots_are_shared() {
        let a = shared_config(&TrustSource::Bundled).unwrap();
        let b = shared_config(&TrustSource::Bundled).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
