//! What [`ClientBuilder::build`] checks, in one place: the keys, the base URL, the limits, the
//! proxy and the trusted roots.

use std::sync::Arc;

use super::{ClientBuilder, ENV_API_KEY, ENV_APP_KEY};
use crate::base_url::BaseUrl;
use crate::error::{Error, ErrorKind};
use crate::limits::{self, TimeoutKind};
use crate::secret::{KeyHeader, Secret};
use crate::transport::Target;

impl ClientBuilder {
    /// Checks every option, in one place, and resolves what needs resolving (the base URL, the
    /// proxy). The first problem is a [`ErrorKind::Config`] error naming it. The keys are moved
    /// out of the builder (which `build` consumes), so building makes no copy of them.
    pub(crate) fn validate(&mut self) -> Result<Validated, Error> {
        if let (Some(message), None) = (&self.bad_env_site, &self.base_url) {
            return Err(Error::new(ErrorKind::Config, message.clone()));
        }
        let base = self.resolved_base_url()?;
        let api_key = ClientBuilder::checked_key(self.api_key.take(), "API key", ENV_API_KEY)?;
        let app_key =
            ClientBuilder::checked_key(self.app_key.take(), "application key", ENV_APP_KEY)?;
        limits::check_timeout(TimeoutKind::Overall, self.timeout)?;
        limits::check_timeout(TimeoutKind::Connect, self.connect_timeout)?;
        limits::check_max_body_size(self.max_body_size)?;
        limits::check_user_agent(&self.user_agent)?;
        let target = Target::of(&base.url);
        let proxy = crate::proxy::choose(&self.proxy, &target.host, base.loopback)?;
        let (tls, trust) = crate::trust::tls_config(&self.trust)?;
        log::debug!(target: crate::LOG_TARGET, "trusted roots: {trust}; proxy: {}", proxy.as_ref().map_or("none", |p| p.shown.as_str()));
        Ok(Validated {
            base,
            api_key,
            app_key,
            target: target.with_proxy(proxy.as_ref().map(|p| p.shown.clone())),
            proxy: proxy.map(|p| p.proxy),
            tls,
        })
    }

    /// The base URL this builder resolves to, validated.
    pub(crate) fn resolved_base_url(&self) -> Result<BaseUrl, Error> {
        match &self.base_url {
            Some(url) => BaseUrl::parse(url),
            None => Ok(BaseUrl {
                url: self.site.unwrap_or_default().api_base_url(),
                loopback: false,
            }),
        }
    }

    /// Checks a key: present, non-empty, printable ASCII only (a header cannot carry more, and a
    /// CR/LF could smuggle a second header), and turns it, without copying, into the client's
    /// one copy: the header value every request shares. The message names the variable, never
    /// the value.
    pub(crate) fn checked_key(
        key: Option<Secret>,
        what: &str,
        env: &str,
    ) -> Result<KeyHeader, Error> {
        let config = |msg: String| Error::new(ErrorKind::Config, msg);
        match key {
            None => Err(config(format!(
                "{what} is missing: set {env} or pass it to the client"
            ))),
            Some(k) if k.expose().trim().is_empty() => {
                Err(config(format!("{what} is empty: check {env}")))
            }
            Some(k) if k.expose().bytes().any(|b| b.is_ascii_control()) => Err(config(format!(
                "{what} contains a control character (such as CR or LF): check {env}"
            ))),
            Some(k) if !k.expose().is_ascii() => Err(config(format!(
                "{what} contains a non-ASCII character: check {env}"
            ))),
            Some(k) => k
                .into_header()
                .map_err(|_| config(format!("{what} cannot be sent in a header: check {env}"))),
        }
    }
}

/// What [`ClientBuilder::validate`] found valid and resolved.
pub(crate) struct Validated {
    pub(crate) base: BaseUrl,
    pub(crate) api_key: KeyHeader,
    pub(crate) app_key: KeyHeader,
    pub(crate) proxy: Option<ureq::Proxy>,
    /// Who calls talk to (the API host and the proxy), for messages.
    pub(crate) target: Target,
    /// The TLS setup for the trusted roots, shared by the process's clients that trust them.
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base_url::redact_userinfo;

    #[test]
    fn keys_are_checked_without_showing_them() {
        let check = |k: Option<&str>| {
            ClientBuilder::checked_key(k.map(Secret::from), "API key", ENV_API_KEY).map(|_| ())
        };
        assert!(check(Some("abc123")).is_ok());
        for bad in [
            None,
            Some(""),
            Some("  "),
            Some("ab\r\nX-Evil: 1"),
            Some("key\0"),
            Some("clé"),
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.to_string().contains("DD_API_KEY"));
            assert!(!err.to_string().contains("X-Evil"));
        }
    }

    #[test]
    fn debug_never_shows_keys_or_proxy_passwords() {
        let b = ClientBuilder::new()
            .api_key("sekrit-api")
            .app_key("sekrit-app")
            .proxy("http://bob:pw123@proxy:3128");
        let dbg = format!("{b:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(!dbg.contains("pw123"), "{dbg}");
        assert!(dbg.contains("http://***@proxy:3128"), "{dbg}");
    }

    #[test]
    fn redaction_leaves_an_at_sign_in_the_path_alone() {
        let b = ClientBuilder::new().proxy("http://proxy:3128/p@th");
        assert!(
            format!("{b:?}").contains("\"http://proxy:3128/p@th\""),
            "{b:?}"
        );
        assert_eq!(
            redact_userinfo("https://u:pw@host/a@b"),
            "https://***@host/a@b"
        );
    }
}
