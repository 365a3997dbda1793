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
//! - a CA bundle file: its bytes, read once per process. A fleet of 1,000 clients stats the
//!   file instead: while its length, modification and status-change times, inode and device
//!   stay what they were when it was read, it is not read again. Any write changes them (an
//!   update in place moves the times, a replacement by rename the inode), so a changed file is
//!   read and parsed anew by the next client built. Like git's index, a file whose times are
//!   less than [`SETTLED`] old when it is read is not trusted to its stat (two writes within
//!   one tick of the file system's clock can leave the same times): it is read again for every
//!   client until it has settled. The same bytes under another name are the same roots. An
//!   unreadable or unusable bundle fails the build with the same error every time (errors are
//!   not kept).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::ClientConfig;

use crate::error::Error;
use crate::pool::ForkSafeMutex;
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

static CACHE: ForkSafeMutex<Vec<(RootsKey, Arc<ClientConfig>)>> = ForkSafeMutex::new(Vec::new());

/// How old a bundle's times must be for its stat to stand for its contents: more than any file
/// system's timestamp granularity (FAT's is 2 s).
const SETTLED: Duration = Duration::from_secs(3);

/// What a bundle file looked like, as far as a stat tells: any write changes one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            unix: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        })
    }

    /// Whether the file's times were at least [`SETTLED`] old at `now`, so that a later write
    /// cannot leave the same ones.
    fn settled_at(&self, now: SystemTime) -> bool {
        let old = |t: SystemTime| now.duration_since(t).is_ok_and(|age| age >= SETTLED);
        #[cfg(unix)]
        let changed = {
            let (secs, nanos) = (self.unix.2, self.unix.3);
            u64::try_from(secs).ok().map(|s| {
                SystemTime::UNIX_EPOCH + Duration::new(s, nanos.clamp(0, 999_999_999) as u32)
            })
        };
        #[cfg(not(unix))]
        let changed = self.modified;
        self.modified.is_some_and(old) && changed.is_some_and(old)
    }
}

/// The bundles read so far, by path, as they were when read, with the configuration of their
/// roots (most recently used first, at most [`MAX_ENTRIES`]).
static READ: ForkSafeMutex<Vec<(PathBuf, FileStamp, Arc<ClientConfig>)>> =
    ForkSafeMutex::new(Vec::new());

#[cfg(test)]
thread_local! {
    /// Configurations built (roots parsed) by this thread: tests count their own builds only.
    pub(crate) static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Bundle files read by this thread.
    pub(crate) static READS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The configuration for `source`'s roots: the process's copy if one was built from the same
/// roots, else a new one (kept for the next client).
pub(crate) fn shared_config(source: &TrustSource) -> Result<Arc<ClientConfig>, Error> {
    shared_config_at(source, SystemTime::now())
}

/// [`shared_config`] as of `now` (tests move it forward instead of waiting for a file to settle).
fn shared_config_at(source: &TrustSource, now: SystemTime) -> Result<Arc<ClientConfig>, Error> {
    let TrustSource::File { path, from } = source else {
        return roots_config(source, None);
    };
    let before = FileStamp::of(path);
    if let (Some(stamp), Some(mut read)) =
        (before.as_ref().filter(|s| s.settled_at(now)), READ.lock())
    {
        if let Some(i) = read.iter().position(|(p, s, _)| p == path && s == stamp) {
            let entry = read.remove(i);
            let config = Arc::clone(&entry.2);
            read.insert(0, entry);
            return Ok(config);
        }
    }
    #[cfg(test)]
    READS.with(|n| n.set(n.get() + 1));
    let pem = trust::read_bundle(path, from)?;
    let config = roots_config(source, Some(pem))?;
    // Kept only if the file did not change while it was read and cannot change unseen.
    let unchanged = before.filter(|s| s.settled_at(now) && FileStamp::of(path).as_ref() == Some(s));
    if let (Some(stamp), Some(mut read)) = (unchanged, READ.lock()) {
        read.retain(|(p, _, _)| p != path);
        read.insert(0, (path.clone(), stamp, Arc::clone(&config)));
        read.truncate(MAX_ENTRIES);
    }
    Ok(config)
}

/// The configuration for these roots (`pem`: a bundle file's bytes), built if no client of the
/// process built it yet.
fn roots_config(source: &TrustSource, pem: Option<Vec<u8>>) -> Result<Arc<ClientConfig>, Error> {
    let key = match (source, pem) {
        (TrustSource::System, _) => RootsKey::System {
            cert_file: std::env::var_os("SSL_CERT_FILE"),
            cert_dir: std::env::var_os("SSL_CERT_DIR"),
        },
        (TrustSource::File { .. }, Some(pem)) => RootsKey::Bundle(pem),
        _ => RootsKey::Bundled,
    };
    // Held while a missing configuration is built, so that the 32 clients a fleet starts at once
    // wait for one parse instead of making 32 (`None` in a child forked while it was held: the
    // configuration is then the client's own).
    let mut cache = CACHE.lock();
    if let Some(cache) = cache.as_mut() {
        if let Some(i) = cache.iter().position(|(k, _)| *k == key) {
            let entry = cache.remove(i);
            let config = Arc::clone(&entry.1);
            cache.insert(0, entry);
            return Ok(config);
        }
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
    if let Some(cache) = cache.as_mut() {
        cache.insert(0, (key, Arc::clone(&config)));
        cache.truncate(MAX_ENTRIES);
    }
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

    fn reads() -> usize {
        READS.with(|n| n.get())
    }

    /// Long enough after now for a file written now to have settled.
    fn later() -> SystemTime {
        SystemTime::now() + SETTLED * 2
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
    fn a_settled_bundle_is_read_once_for_every_client_that_trusts_it() {
        let dir = temp_dir("tls-cache-read-once");
        let path = dir.join("ca.pem");
        std::fs::write(&path, new_ca_pem()).unwrap();
        let (read_before, built_before) = (reads(), built());
        let first = shared_config_at(&bundle(&path), later()).unwrap();
        for _ in 0..50 {
            let again = shared_config_at(&bundle(&path), later()).unwrap();
            assert!(Arc::ptr_eq(&first, &again));
        }
        assert_eq!((reads() - read_before, built() - built_before), (1, 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bundle_written_just_now_is_read_again_until_it_settles() {
        let dir = temp_dir("tls-cache-racy");
        let path = dir.join("ca.pem");
        std::fs::write(&path, new_ca_pem()).unwrap();
        let before = reads();
        shared_config(&bundle(&path)).unwrap();
        shared_config(&bundle(&path)).unwrap();
        assert_eq!(reads() - before, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_settled_bundle_that_changes_is_read_and_parsed_again() {
        let dir = temp_dir("tls-cache-settled-change");
        let path = dir.join("ca.pem");
        let pem = new_ca_pem();
        std::fs::write(&path, &pem).unwrap();
        let (read_before, built_before) = (reads(), built());
        let old = shared_config_at(&bundle(&path), later()).unwrap();
        // Written in place (another length, the same inode): the same roots, read again.
        std::fs::write(&path, format!("{pem}\n")).unwrap();
        let same_roots = shared_config_at(&bundle(&path), later()).unwrap();
        assert!(!Arc::ptr_eq(&old, &same_roots), "other bytes, parsed again");
        assert_eq!(reads() - read_before, 2);
        // Replaced by a rename, as package managers update bundles: read and parsed again.
        let next = dir.join("next.pem");
        std::fs::write(&next, new_ca_pem()).unwrap();
        std::fs::rename(&next, &path).unwrap();
        let new = shared_config_at(&bundle(&path), later()).unwrap();
        assert!(!Arc::ptr_eq(&same_roots, &new));
        assert_eq!((reads() - read_before, built() - built_before), (3, 3));
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
