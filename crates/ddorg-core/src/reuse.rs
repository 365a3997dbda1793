//! Re-sending a request that went out on a pooled connection the server had already closed.
//!
//! A server may close an idle keep-alive connection at any moment, and a request written just
//! before its close arrives sees the connection end without a response. That request never
//! reached the API, so, like curl and Go's net/http, the client sends it again at once, without
//! spending a retry, but only when the connection came from the pool: on a new connection the
//! same symptom is a real failure, reported and retried by the usual rules. A call re-sends at
//! most once: a server that drops every request must not receive one per pooled connection
//! (32 of them) for a single call, and each re-send counts as an attempt.

use std::cell::Cell;
use std::io;

use ureq::unversioned::transport::{ConnectionDetails, Connector};

thread_local! {
    static OPENED: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the agent's connector chain, which ureq runs (on the calling thread) only when its pool
/// has no connection to give, to note that a new connection was opened.
#[derive(Debug)]
pub(crate) struct NoteNewConnections<C>(pub(crate) C);

impl<C: Connector<()>> Connector<()> for NoteNewConnections<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        OPENED.with(|o| o.set(true));
        self.0.connect(details, chained)
    }
}

/// Runs `send` (one request through an agent built with [`NoteNewConnections`]) and says whether
/// it went out on a pooled connection.
pub(crate) fn on_pooled_connection<T>(send: impl FnOnce() -> T) -> (T, bool) {
    OPENED.with(|o| o.set(false));
    let out = send();
    (out, !OPENED.with(Cell::get))
}

/// The one re-send a call may make.
#[derive(Debug, Default)]
pub(crate) struct Resend {
    used: bool,
}

impl Resend {
    /// Whether the request that failed with `e` goes out again now: only once per call, and
    /// only when it went out on a pooled connection that turned out to be closed.
    pub(crate) fn allowed(&mut self, pooled: bool, e: &ureq::Error) -> bool {
        let allowed = !self.used && pooled && is_closed_connection(e);
        self.used |= allowed;
        allowed
    }
}

/// Whether a request failed the way one does on a connection the server had closed.
fn is_closed_connection(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io) if matches!(
        io.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    ))
}
