//! Which certificate authorities the client trusts: the bundled Mozilla roots, the operating
//! system's store, or a CA bundle file, resolved and checked when the client is built (and
//! parsed once per process for all the clients that trust the same ones: tls_cache.rs).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::error::{Error, ErrorKind};

/// Environment variable naming a CA bundle (PEM) that replaces the built-in roots.
pub const ENV_CA_BUNDLE: &str = "DDORG_CA_BUNDLE";
/// The conventional variable for a CA bundle, read when [`ENV_CA_BUNDLE`] is unset.
pub const ENV_SSL_CERT_FILE: &str = "SSL_CERT_FILE";

/// Which root certificates verify the server, when no CA bundle is given.
///
/// A CA bundle ([`ClientBuilder::ca_bundle`](crate::ClientBuilder::ca_bundle), `DDORG_CA_BUNDLE`
/// or `SSL_CERT_FILE`) replaces these roots altogether, as curl's `--cacert` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsRoots {
    /// The Mozilla root program's CAs, compiled into ddorg (webpki-roots): the same on every
    /// machine, whatever is installed. The default.
    #[default]
    Bundled,
    /// The operating system's trust store (on Linux the distribution's CA file or directory,
    /// which also honours `SSL_CERT_FILE` and `SSL_CERT_DIR`; the keychain on macOS; the
    /// certificate store on Windows). Use it when a company installs its CAs there.
    System,
}

impl TlsRoots {
    /// `"bundled"` or `"system"`, the names the Python, C and CLI options take.
    pub const fn as_str(self) -> &'static str {
        match self {
            TlsRoots::Bundled => "bundled",
            TlsRoots::System => "system",
        }
    }
}

impl std::str::FromStr for TlsRoots {
    type Err = Error;

    /// Parses `"bundled"` or `"system"` (any case); anything else is a [`ErrorKind::Config`] error.
    fn from_str(s: &str) -> Result<TlsRoots, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bundled" => Ok(TlsRoots::Bundled),
            "system" => Ok(TlsRoots::System),
            _ => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "unknown TLS roots {s:?}{}: expected \"bundled\" or \"system\"",
                    crate::suggest::did_you_mean(s.trim(), ["bundled", "system"])
                ),
            )),
        }
    }
}

/// The trust settings a builder holds; resolved by [`tls_config`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TrustSetting {
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) roots: Option<TlsRoots>,
}

/// Where the roots came from, for messages and `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TrustSource {
    Bundled,
    System,
    /// A bundle file and what named it (the option or an environment variable).
    File {
        path: PathBuf,
        from: &'static str,
    },
}

/// As `-v` logs it: what a person needs to know about the roots, never a Rust `Debug` form.
impl std::fmt::Display for TrustSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrustSource::Bundled => f.write_str("the Mozilla roots built in"),
            TrustSource::System => f.write_str("this machine's trust store"),
            TrustSource::File { path, from } => write!(
                f,
                "the CA bundle {} (from {from})",
                crate::text::escape_controls(&path.to_string_lossy())
            ),
        }
    }
}

/// Resolves the settings (the builder's, then `DDORG_CA_BUNDLE`, then `SSL_CERT_FILE`) and gives
/// the TLS configuration for those roots, shared with every other client of the process that
/// trusts the same ones (see tls_cache.rs). A bundle that cannot be read, or holds no usable
/// certificate, is a [`ErrorKind::Config`] error naming the path and what named it.
pub(crate) fn tls_config(
    setting: &TrustSetting,
) -> Result<(Arc<ClientConfig>, TrustSource), Error> {
    let source = resolve(setting)?;
    let config = crate::tls_cache::shared_config(&source)?;
    Ok((config, source))
}

/// Which roots the settings name: the builder's, then `DDORG_CA_BUNDLE`, then `SSL_CERT_FILE`.
fn resolve(setting: &TrustSetting) -> Result<TrustSource, Error> {
    let config = |m: String| Error::new(ErrorKind::Config, m);
    Ok(match (&setting.ca_bundle, setting.roots) {
        (Some(_), Some(TlsRoots::System)) => {
            return Err(config(
                "a CA bundle replaces the trusted roots: give either the CA bundle or TLS roots \"system\", not both"
                    .into(),
            ))
        }
        (Some(path), _) => TrustSource::File {
            path: path.clone(),
            from: "the CA bundle option",
        },
        (None, Some(TlsRoots::System)) => TrustSource::System,
        (None, Some(TlsRoots::Bundled)) => TrustSource::Bundled,
        (None, None) => env_bundle().unwrap_or(TrustSource::Bundled),
    })
}

/// The Mozilla roots compiled in.
pub(crate) fn bundled_roots() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// `DDORG_CA_BUNDLE`, else `SSL_CERT_FILE` (unset or empty variables are skipped).
fn env_bundle() -> Option<TrustSource> {
    [ENV_CA_BUNDLE, ENV_SSL_CERT_FILE]
        .into_iter()
        .find_map(|name| {
            let value = std::env::var_os(name).filter(|v| !v.is_empty())?;
            Some(TrustSource::File {
                path: PathBuf::from(value),
                from: name,
            })
        })
}

/// The bundle's bytes; a file that cannot be read is an error naming it and what named it.
pub(crate) fn read_bundle(path: &Path, from: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| bundle_error(path, from, format!("cannot be read: {e}")))
}

fn bundle_error(path: &Path, from: &str, why: String) -> Error {
    Error::new(
        ErrorKind::Config,
        format!("the CA bundle {} (from {from}) {why}", path.display()),
    )
}

/// The CAs of a bundle's bytes (read from `path`, which `from` named). None usable is an error.
pub(crate) fn bundle_roots(pem: &[u8], path: &Path, from: &str) -> Result<RootCertStore, Error> {
    let mut store = RootCertStore::empty();
    let mut unusable = 0usize;
    for cert in CertificateDer::pem_slice_iter(pem) {
        match cert
            .map_err(|_| ())
            .and_then(|c| store.add(c).map_err(|_| ()))
        {
            Ok(()) => {}
            Err(()) => unusable += 1,
        }
    }
    if store.is_empty() {
        return Err(bundle_error(
            path,
            from,
            if unusable > 0 {
                format!("holds {unusable} certificate(s), none of them usable as a CA")
            } else {
                "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string()
            },
        ));
    }
    if unusable > 0 {
        log::warn!(target: crate::LOG_TARGET, "the CA bundle {} (from {from}): {unusable} certificate(s) skipped, {} used", path.display(), store.len());
    }
    Ok(store)
}

pub(crate) fn system_roots() -> Result<RootCertStore, Error> {
    let found = rustls_native_certs::load_native_certs();
    for e in &found.errors {
        log::warn!(target: crate::LOG_TARGET, "reading the system's trust store: {e}");
    }
    let mut store = RootCertStore::empty();
    let (_, skipped) = store.add_parsable_certificates(found.certs);
    if skipped > 0 {
        log::debug!(target: crate::LOG_TARGET, "the system's trust store: {skipped} certificate(s) skipped");
    }
    if store.is_empty() {
        return Err(Error::new(
            ErrorKind::Config,
            "TLS roots \"system\": the operating system's trust store holds no usable certificate",
        ));
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_names_parse_and_unknown_ones_are_config_errors() {
        assert_eq!("system".parse::<TlsRoots>().unwrap(), TlsRoots::System);
        assert_eq!(" Bundled".parse::<TlsRoots>().unwrap(), TlsRoots::Bundled);
        assert_eq!(
            "webpki".parse::<TlsRoots>().unwrap_err().kind(),
            ErrorKind::Config
        );
    }

    #[test]
    fn unreadable_or_empty_bundles_are_config_errors_naming_the_path() {
        let dir = std::env::temp_dir().join(format!("ddorg-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let missing = dir.join("missing.pem");
        for path in [&empty, &missing] {
            let setting = TrustSetting {
                ca_bundle: Some(path.clone()),
                roots: None,
            };
            let err = tls_config(&setting).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.message().contains(&path.display().to_string()), "{err}");
            assert!(err.message().contains("the CA bundle option"), "{err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bundle_and_system_roots_together_are_refused() {
        let setting = TrustSetting {
            ca_bundle: Some("x.pem".into()),
            roots: Some(TlsRoots::System),
        };
        assert_eq!(tls_config(&setting).unwrap_err().kind(), ErrorKind::Config);
    }
}
