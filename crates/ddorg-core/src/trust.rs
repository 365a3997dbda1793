//! Which certificate authorities the client trusts: the bundled Mozilla roots, the operating
//! system's store, or a CA bundle file, resolved and checked once, when the client is built.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

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
                format!("unknown TLS roots {s:?}: expected \"bundled\" or \"system\""),
            )),
        }
    }
}

/// The trust settings a builder holds; resolved by [`root_store`].
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

/// Resolves the settings (the builder's, then `DDORG_CA_BUNDLE`, then `SSL_CERT_FILE`) and loads
/// the roots. A bundle that cannot be read, or holds no usable certificate, is a
/// [`ErrorKind::Config`] error naming the path and what named it.
pub(crate) fn root_store(
    setting: &TrustSetting,
) -> Result<(Arc<RootCertStore>, TrustSource), Error> {
    let config = |m: String| Error::new(ErrorKind::Config, m);
    let source = match (&setting.ca_bundle, setting.roots) {
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
    };
    let store = match &source {
        TrustSource::Bundled => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
        TrustSource::System => system_roots()?,
        TrustSource::File { path, from } => bundle_roots(path, from)?,
    };
    Ok((Arc::new(store), source))
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

fn bundle_roots(path: &Path, from: &str) -> Result<RootCertStore, Error> {
    let shown = path.display();
    let config = |why: String| {
        Error::new(
            ErrorKind::Config,
            format!("the CA bundle {shown} (from {from}) {why}"),
        )
    };
    let pem = std::fs::read(path).map_err(|e| config(format!("cannot be read: {e}")))?;
    let mut store = RootCertStore::empty();
    let mut unusable = 0usize;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        match cert
            .map_err(|_| ())
            .and_then(|c| store.add(c).map_err(|_| ()))
        {
            Ok(()) => {}
            Err(()) => unusable += 1,
        }
    }
    if store.is_empty() {
        return Err(config(if unusable > 0 {
            format!("holds {unusable} certificate(s), none of them usable as a CA")
        } else {
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string()
        }));
    }
    if unusable > 0 {
        log::warn!(target: crate::LOG_TARGET, "the CA bundle {shown} (from {from}): {unusable} certificate(s) skipped, {} used", store.len());
    }
    Ok(store)
}

fn system_roots() -> Result<RootCertStore, Error> {
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
            let err = root_store(&setting).unwrap_err();
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
        assert_eq!(root_store(&setting).unwrap_err().kind(), ErrorKind::Config);
    }
}
