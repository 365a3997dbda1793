//! `ddorg.testing.FakeServer`'s engine: the ddorg-fake library, compiled into the extension so
//! users' tests need no binary. The Python side (`python/ddorg/testing`) turns keyword arguments
//! into the fake's reply JSON, whose one definition is `ddorg_fake::Reply::from_json`; listener
//! names are parsed by `ddorg_fake::TlsCert::parse` / `ProxyMode::parse`.

use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use std::time::Duration;

use ddorg_fake::{Endpoint, Fault, Listen, ProxyMode, Reply, TlsCert, UnknownOrgs};

use crate::errors::config_error;

/// The request headers that carry keys: `requests()` shows them as `***` (or empty when the
/// client sent them empty), so no test log or assertion message ever prints a key.
const KEY_HEADERS: [&str; 2] = ["dd-api-key", "dd-application-key"];

/// One received request: method, raw target, headers (names lowercased, keys redacted).
type Recorded = (String, String, Vec<(String, String)>);

/// A fake Datadog on a free loopback port, running in this process.
#[pyclass(frozen, module = "ddorg.testing", name = "_FakeServer")]
pub(crate) struct FakeServer {
    /// `None` once closed.
    inner: Mutex<Option<ddorg_fake::FakeServer>>,
    base_url: String,
    port: u16,
}

fn reply(json: &str) -> PyResult<Reply> {
    Reply::from_json(json).map_err(PyValueError::new_err)
}

/// A recorded request as a tuple, its key headers redacted.
fn recorded(r: ddorg_fake::RecordedRequest) -> Recorded {
    let headers = r
        .headers
        .into_iter()
        .map(|(name, value)| {
            if KEY_HEADERS.contains(&name.as_str()) && !value.is_empty() {
                (name, "***".to_string())
            } else {
                (name, value)
            }
        })
        .collect();
    (r.method, r.path, headers)
}

fn fake_error(what: &str, e: std::io::Error) -> PyErr {
    config_error(format!("{what}: {e}"))
}

impl FakeServer {
    fn lock(&self) -> MutexGuard<'_, Option<ddorg_fake::FakeServer>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&ddorg_fake::FakeServer) -> T) -> PyResult<T> {
        match &*self.lock() {
            Some(server) => Ok(f(server)),
            None => Err(config_error("this FakeServer is closed")),
        }
    }
}

#[pymethods]
impl FakeServer {
    /// `tls`: `None` for plain HTTP, else the name of the certificate its HTTPS presents.
    #[new]
    #[pyo3(signature = (tls=None))]
    fn new(py: Python<'_>, tls: Option<&str>) -> PyResult<Self> {
        let cert = tls
            .map(TlsCert::parse)
            .transpose()
            .map_err(PyValueError::new_err)?;
        let server = py
            .detach(|| match cert {
                None => ddorg_fake::FakeServer::start(),
                Some(cert) => ddorg_fake::FakeServer::start_tls_on("127.0.0.1:0", cert),
            })
            .map_err(|e| fake_error("could not start the fake server", e))?;
        Ok(FakeServer {
            base_url: server.base_url(),
            port: server.port(),
            inner: Mutex::new(Some(server)),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    fn enqueue(&self, reply_json: &str) -> PyResult<()> {
        let r = reply(reply_json)?;
        self.with(|s| s.enqueue(r))
    }

    fn set_org(&self, public_id: &str, reply_json: &str) -> PyResult<()> {
        let r = reply(reply_json)?;
        self.with(|s| s.set_org(public_id, r))
    }

    fn set_org_list(&self, reply_json: &str) -> PyResult<()> {
        let r = reply(reply_json)?;
        self.with(|s| s.set_org_list(r))
    }

    fn set_orgs(&self, orgs: Vec<(String, String)>) -> PyResult<()> {
        let pairs: Vec<(&str, &str)> = orgs.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
        self.with(|s| s.set_orgs(&pairs))
    }

    fn set_salesforce(&self, reply_json: &str) -> PyResult<()> {
        let r = reply(reply_json)?;
        self.with(|s| s.set_salesforce(r))
    }

    fn require_keys(&self, api_key: &str, app_key: &str) -> PyResult<()> {
        self.with(|s| s.require_keys(api_key, app_key))
    }

    /// `answer`: `"not_found"` or `"example"` ([`UnknownOrgs::name`]).
    fn set_unknown_orgs(&self, answer: &str) -> PyResult<()> {
        let answer = UnknownOrgs::from_name(answer).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown_orgs must be 'not_found' or 'example', got {answer:?}"
            ))
        })?;
        self.with(|s| s.set_unknown_orgs(answer))
    }

    /// `seconds`: the simulated round trip, 0 or more (0 turns it off).
    fn set_latency(&self, seconds: f64) -> PyResult<()> {
        let latency = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|d| *d <= Duration::from_secs(3600))
            .ok_or_else(|| {
                PyValueError::new_err(format!("latency must be 0 to 3600 seconds, got {seconds}"))
            })?;
        self.with(|s| s.set_latency(latency))
    }

    #[getter]
    fn latency(&self) -> PyResult<f64> {
        self.with(|s| s.latency().as_secs_f64())
    }

    /// `endpoint`: `None` for every rate-limited endpoint, else one's name.
    #[pyo3(signature = (limit, period, endpoint=None))]
    fn set_rate_limit(&self, limit: u64, period: u64, endpoint: Option<&str>) -> PyResult<()> {
        if period == 0 {
            return Err(PyValueError::new_err("period must be at least 1 second"));
        }
        let endpoint = endpoint
            .map(Endpoint::parse)
            .transpose()
            .map_err(PyValueError::new_err)?;
        self.with(|s| match endpoint {
            Some(endpoint) => s.set_endpoint_rate_limit(endpoint, limit, period),
            None => s.set_rate_limit(limit, period),
        })
    }

    fn clear_rate_limits(&self) -> PyResult<()> {
        self.with(|s| s.clear_rate_limits())
    }

    #[getter]
    fn rate_limited_count(&self) -> PyResult<usize> {
        self.with(|s| s.rate_limited_count())
    }

    fn reset(&self) -> PyResult<()> {
        self.with(|s| s.reset())
    }

    fn requests(&self) -> PyResult<Vec<Recorded>> {
        self.with(|s| s.requests().into_iter().map(recorded).collect())
    }

    fn proxy_requests(&self) -> PyResult<Vec<Recorded>> {
        self.with(|s| s.proxy_requests().into_iter().map(recorded).collect())
    }

    fn ca_pem(&self, py: Python<'_>) -> PyResult<String> {
        let pem = self.with(|s| py.detach(|| s.ca_pem()))?;
        pem.map_err(|e| fake_error("could not make the fake's CA", e))
    }

    /// Opens an extra listener: exactly one of `tls` (a certificate name) and `proxy` (a proxy
    /// mode name). Returns its `(port, url)`.
    #[pyo3(signature = (*, tls=None, proxy=None))]
    fn listen(
        &self,
        py: Python<'_>,
        tls: Option<&str>,
        proxy: Option<&str>,
    ) -> PyResult<(u16, String)> {
        let how = match (tls, proxy) {
            (Some(cert), None) => Listen::Tls(TlsCert::parse(cert).map_err(PyValueError::new_err)?),
            (None, Some(mode)) => {
                Listen::Proxy(ProxyMode::parse(mode).map_err(PyValueError::new_err)?)
            }
            _ => return Err(PyValueError::new_err("pass exactly one of tls= and proxy=")),
        };
        let listening = self.with(|s| py.detach(|| s.listen(how)))?;
        let listening = listening.map_err(|e| fake_error("could not open the listener", e))?;
        Ok((listening.port, listening.url))
    }

    #[getter]
    fn request_count(&self) -> PyResult<usize> {
        self.with(|s| s.request_count())
    }

    #[getter]
    fn connection_count(&self) -> PyResult<usize> {
        self.with(|s| s.connection_count())
    }

    #[getter]
    fn tls_handshake_count(&self) -> PyResult<usize> {
        self.with(|s| s.tls_handshake_count())
    }

    #[getter]
    fn closed(&self) -> bool {
        self.lock().is_none()
    }

    /// Stops the server (its threads end once open connections close). Closing twice is fine.
    fn close(&self, py: Python<'_>) {
        let server = self.lock().take();
        py.detach(move || drop(server));
    }
}

/// Adds `_FakeServer`, the fake's default bodies (Datadog's documented examples, as JSON text)
/// and the names of its faults, certificates, proxy modes and rate-limited endpoints to the
/// module, as private names: `setattr`, because `add` would list them in `__all__`.
pub(crate) fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.setattr("_FakeServer", py.get_type::<FakeServer>())?;
    m.setattr("_ORG_EXAMPLE", ddorg_fake::ORG_EXAMPLE)?;
    m.setattr("_ORG_LIST_EXAMPLE", ddorg_fake::ORG_LIST_EXAMPLE)?;
    m.setattr("_SALESFORCE_EXAMPLE", ddorg_fake::SALESFORCE_EXAMPLE)?;
    m.setattr("_FAULTS", names(py, Fault::ALL, Fault::name)?)?;
    m.setattr("_TLS_CERTS", names(py, TlsCert::ALL, TlsCert::name)?)?;
    m.setattr("_PROXY_MODES", names(py, ProxyMode::ALL, ProxyMode::name)?)?;
    m.setattr(
        "_RATE_LIMIT_ENDPOINTS",
        names(py, Endpoint::ALL, Endpoint::name)?,
    )?;
    Ok(())
}

/// The names of every value of one of the fake's enums, as a tuple.
fn names<'py, T: Copy>(
    py: Python<'py>,
    all: &[T],
    name: fn(T) -> &'static str,
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, all.iter().map(|&v| name(v)))
}
