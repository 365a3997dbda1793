//! `ddorg.Client`: builds a core client from keyword arguments and the environment, and runs
//! each call with the GIL released and the retry waits interruptible.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::{RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyString, PyTuple};

use ddorg_core::{self as core, limits, ClientBuilder, Secret, Site, Sleeper};

use crate::errors::{config_error, to_pyerr};
use crate::models::{
    OrganizationListResponse, OrganizationResponse, SalesforceIncidentsOrganizationsResponse,
};
use crate::{interrupt, logging, VERSION};

thread_local! {
    /// The exception a signal handler raised during a retry wait on this thread, waiting to be
    /// raised once the core call has returned.
    static INTERRUPTED: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Waits between retries in short slices, running Python's signal handlers in between (they run
/// only on the main thread, whose calls go through [`interrupt::run`]): when one raises, the
/// retries are abandoned and that exception is what the caller sees. A call abandoned by its
/// caller ends its wait at once.
pub(crate) struct InterruptibleSleeper;

impl Sleeper for InterruptibleSleeper {
    fn sleep(&self, duration: Duration) -> ControlFlow<()> {
        let deadline = Instant::now() + duration;
        loop {
            if interrupt::abandoned() {
                return ControlFlow::Break(());
            }
            // `None`: the interpreter is shutting down, so nobody is waiting for the answer.
            match Python::try_attach(|py| py.check_signals()) {
                Some(Ok(())) => {}
                Some(Err(err)) => {
                    INTERRUPTED.with(|slot| *slot.borrow_mut() = Some(err));
                    return ControlFlow::Break(());
                }
                None => return ControlFlow::Break(()),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return ControlFlow::Continue(());
            }
            std::thread::sleep(left.min(interrupt::SIGNAL_CHECK_INTERVAL));
        }
    }
}

/// A client for Datadog's organization endpoints.
///
/// Arguments left out come from `DD_API_KEY`, `DD_APP_KEY`, `DD_SITE` and `DDORG_BASE_URL`, then
/// from the defaults (site `datadoghq.com`, 60 s timeout, 3 retries). Thread-safe: share one
/// client between threads; every call releases the GIL while it waits on the network.
#[pyclass(frozen, module = "ddorg", name = "Client")]
pub(crate) struct Client {
    /// `None` once closed. Calls clone the core client (an `Arc`) out of the lock, so closing
    /// never waits for a call in flight.
    inner: RwLock<Option<core::Client>>,
    site: Option<Site>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    max_body_size: u64,
    user_agent: String,
}

/// One keyword argument, converted, or a `TypeError` that names it (`api_key must be a str, not
/// int`); `None` and a missing argument both mean "not given".
fn arg<T>(name: &str, expected: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<T>>
where
    T: for<'a, 'py> FromPyObject<'a, 'py>,
{
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    // A bool is an int to Python, but never a timeout, a size or a count to a user.
    let extracted = if value.is_instance_of::<PyBool>() {
        None
    } else {
        value.extract::<T>().ok()
    };
    match extracted {
        Some(v) => Ok(Some(v)),
        None => Err(wrong_type(name, expected, value)?),
    }
}

/// The `TypeError` of every argument: `api_key must be a str, not int`.
fn wrong_type(name: &str, expected: &str, value: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    Ok(PyTypeError::new_err(format!(
        "{name} must be {expected}, not {}",
        value.get_type().name()?
    )))
}

/// A key argument, read one character at a time into the core's [`Secret`] (wiped when the
/// client is dropped). Extracting the `str` whole would, with the stable ABI this module is built
/// for (Python 3.9 and later), go through a temporary `bytes` object (`PyUnicode_AsUTF8String`)
/// that Python frees without wiping: a copy of the key left behind in freed memory. Iterating
/// yields one-character strings, which CPython caches, so no other copy of the key is made. A
/// character that is not valid Unicode (a lone surrogate) becomes U+FFFD, which the core then
/// refuses as it refuses every non-ASCII key.
fn key_arg(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Secret>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let Ok(text) = value.cast::<PyString>() else {
        return Err(wrong_type(name, "a str", value)?);
    };
    // Room for four bytes a character: the key is never moved (and copied) to grow.
    let mut key = String::with_capacity(4 * text.len()?);
    for c in text.try_iter()? {
        key.push(c?.extract::<char>().unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    Ok(Some(Secret::new(key)))
}

impl Client {
    fn lock(&self) -> RwLockReadGuard<'_, Option<core::Client>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn core(&self) -> PyResult<core::Client> {
        self.lock()
            .clone()
            .ok_or_else(|| config_error("this client is closed: create a new ddorg.Client"))
    }

    /// Runs one core call without the GIL; a signal handler's exception raised during a retry
    /// wait wins over the call's own result. On the main thread the call runs on a worker, so
    /// that Ctrl-C interrupts even a request in flight (see `interrupt.rs`).
    pub(crate) fn call<T: Send + 'static>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&core::Client) -> Result<T, core::Error> + Send + 'static,
    ) -> PyResult<T> {
        let client = self.core()?;
        logging::sync_level(py)?;
        let work = move || {
            let result = f(&client);
            (result, INTERRUPTED.with(|slot| slot.borrow_mut().take()))
        };
        let (result, interrupted) = if interrupt::on_main_thread(py)? {
            interrupt::run(py, work)?
        } else {
            py.detach(work)
        };
        match interrupted {
            Some(err) => Err(err),
            None => result.map_err(to_pyerr),
        }
    }
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        api_key=None, app_key=None, *, site=None, base_url=None, timeout=None, max_retries=None,
        user_agent=None, connect_timeout=None, max_body_size=None, append_user_agent=None,
        ca_bundle=None, tls_roots=None, proxy=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        api_key: Option<&Bound<'_, PyAny>>,
        app_key: Option<&Bound<'_, PyAny>>,
        site: Option<&Bound<'_, PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        user_agent: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        max_body_size: Option<&Bound<'_, PyAny>>,
        append_user_agent: Option<&Bound<'_, PyAny>>,
        ca_bundle: Option<&Bound<'_, PyAny>>,
        tls_roots: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (text, seconds, whole) = ("a str", "a number of seconds", "an int");
        let api_key = key_arg("api_key", api_key)?;
        let app_key = key_arg("app_key", app_key)?;
        let site: Option<String> = arg("site", text, site)?;
        let base_url: Option<String> = arg("base_url", text, base_url)?;
        let timeout: Option<f64> = arg("timeout", seconds, timeout)?;
        let max_retries: Option<i64> = arg("max_retries", whole, max_retries)?;
        let user_agent: Option<String> = arg("user_agent", text, user_agent)?;
        let connect_timeout: Option<f64> = arg("connect_timeout", seconds, connect_timeout)?;
        let max_body_size: Option<i64> = arg("max_body_size", whole, max_body_size)?;
        let append_user_agent: Option<String> = arg("append_user_agent", text, append_user_agent)?;
        let ca_bundle: Option<std::path::PathBuf> = arg("ca_bundle", "a path", ca_bundle)?;
        let tls_roots: Option<String> = arg("tls_roots", text, tls_roots)?;
        let proxy: Option<String> = arg("proxy", text, proxy)?;
        let mut b = ClientBuilder::from_env()
            .user_agent(format!("ddorg-python/{VERSION}"))
            .sleeper(InterruptibleSleeper);
        if let Some(key) = api_key {
            b = b.api_key(key);
        }
        if let Some(key) = app_key {
            b = b.app_key(key);
        }
        if let Some(site) = site {
            b = b.site(site.parse::<Site>().map_err(to_pyerr)?);
        }
        if let Some(url) = base_url {
            b = b.base_url(url);
        }
        // Every bound is the core's (`limits`, checked again by `build`); only what Python's
        // types allow and Rust's do not (a negative count) is refused here.
        if let Some(secs) = timeout {
            b = b.timeout(limits::timeout_from_secs(secs).map_err(to_pyerr)?);
        }
        if let Some(secs) = connect_timeout {
            b = b.connect_timeout(limits::connect_timeout_from_secs(secs).map_err(to_pyerr)?);
        }
        if let Some(bytes) = max_body_size {
            let bytes = u64::try_from(bytes).map_err(|_| {
                config_error(format!(
                    "max_body_size must be a number of bytes, got {bytes}"
                ))
            })?;
            b = b.max_body_size(bytes);
        }
        if let Some(n) = max_retries {
            let n = u32::try_from(n).map_err(|_| {
                config_error(format!(
                    "max_retries must be between 0 and {}, got {n}",
                    u32::MAX
                ))
            })?;
            b = b.max_retries(n);
        }
        if let Some(ua) = user_agent {
            b = b.user_agent(ua);
        }
        if let Some(path) = ca_bundle {
            b = b.ca_bundle(path);
        }
        if let Some(roots) = tls_roots {
            b = b.tls_roots(roots.parse().map_err(to_pyerr)?);
        }
        if let Some(url) = proxy {
            b = b.proxy(url);
        }
        if let Some(token) = append_user_agent {
            b = b.append_user_agent(token);
        }
        let client = py.detach(move || b.build()).map_err(to_pyerr)?;
        Ok(Client {
            site: client.site(),
            base_url: client.base_url().to_string(),
            timeout: client.timeout(),
            connect_timeout: client.connect_timeout(),
            max_retries: client.max_retries(),
            max_body_size: client.max_body_size(),
            user_agent: client.user_agent().to_string(),
            inner: RwLock::new(Some(client)),
        })
    }

    /// `GET /api/v1/org/{public_id}`: the organization's name, settings (SAML and more) and plan.
    fn get_org(
        &self,
        py: Python<'_>,
        public_id: &Bound<'_, PyString>,
    ) -> PyResult<OrganizationResponse> {
        // A str with a lone surrogate has no UTF-8 form: a bad argument, like bad UTF-8 in C.
        let public_id = public_id
            .to_cow()
            .map_err(|_| {
                to_pyerr(core::Error::new(
                    core::ErrorKind::InvalidArgument,
                    "public_id is not valid Unicode (it holds a lone surrogate)",
                ))
            })?
            .into_owned();
        let (value, meta) = self.call(py, move |c| c.get_org(&public_id))?.into_parts();
        Ok(OrganizationResponse::with_meta(value, meta))
    }

    /// `GET /api/v1/org`: the managed organizations, the key's own and, with a parent
    /// organization's keys, every child organization.
    fn list_orgs(&self, py: Python<'_>) -> PyResult<OrganizationListResponse> {
        let (value, meta) = self.call(py, |c| c.list_orgs())?.into_parts();
        Ok(OrganizationListResponse::with_meta(value, meta))
    }

    /// `GET /api/v2/integration/salesforce-incidents/organizations`: the Salesforce organizations
    /// connected through the Salesforce integration.
    fn list_salesforce_organizations(
        &self,
        py: Python<'_>,
    ) -> PyResult<SalesforceIncidentsOrganizationsResponse> {
        let (value, meta) = self
            .call(py, |c| c.list_salesforce_organizations())?
            .into_parts();
        Ok(SalesforceIncidentsOrganizationsResponse::with_meta(
            value, meta,
        ))
    }

    /// The Datadog site, e.g. `'datadoghq.com'`; `None` when a custom base URL is used.
    #[getter]
    fn site(&self) -> Option<&'static str> {
        self.site.map(Site::as_str)
    }

    /// The base URL requests go to, e.g. `'https://api.datadoghq.com'`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The overall deadline of one call, retries included, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.timeout.as_secs_f64()
    }

    /// The longest wait to establish a connection, in seconds.
    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.connect_timeout.as_secs_f64()
    }

    /// How many times a failed request is retried.
    #[getter]
    fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The largest response body accepted, in bytes after decompression.
    #[getter]
    fn max_body_size(&self) -> u64 {
        self.max_body_size
    }

    /// The `User-Agent` header sent with every request.
    #[getter]
    fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.lock().is_none()
    }

    /// Gives back its share of the connection pool (shared by the clients that connect the same
    /// way) once calls in flight end; later calls raise `ConfigError`.
    /// Closing twice is fine.
    fn close(&self) {
        let client = self.inner.write().unwrap_or_else(|e| e.into_inner()).take();
        drop(client);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> bool {
        self.close();
        false
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let site = match self.site {
            Some(site) => PyString::new(py, site.as_str()).repr()?.to_string(),
            None => "None".to_string(),
        };
        let base_url = PyString::new(py, &self.base_url).repr()?;
        let closed = if self.closed() { ", closed=True" } else { "" };
        Ok(format!("Client(site={site}, base_url={base_url}{closed})"))
    }
}
