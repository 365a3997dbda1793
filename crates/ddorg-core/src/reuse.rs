//! Re-sending a request that went out on a pooled connection the server had already closed.
//!
//! A server may close an idle keep-alive connection at any moment, and a request written just
//! before its close arrives sees the connection end without a response. That request never
//! reached the API, so, like curl and Go's net/http, the client sends it again at once, without
//! spending a retry, but only when the connection came from the pool: on a new connection the
//! same symptom is a real failure, reported and retried by the usual rules. A call re-sends at
//! most once: a server that drops every request must not receive one per pooled connection
//! (32 of them) for a single call, and each re-send counts as an attempt.
//!
//! A re-send is only safe when not one byte of a response arrived: a server that sent a status
//! line (or part of its headers) and then closed had read the request and begun to answer it,
//! so sending it again would make the call twice behind the caller's back (`max_retries = 0`
//! must mean one request). Like urllib3 and Go's net/http, the transport link at the end of the
//! chain ([`NoteResponseBytes`]) notes whether the attempt read any byte, and a connection that
//! closes after one is a failure of the attempt, retried (or not) by the retry policy.

use std::cell::Cell;
use std::io;

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

thread_local! {
    static OPENED: Cell<bool> = const { Cell::new(false) };
    /// Whether the current attempt read any byte of a response.
    static ANSWERED: Cell<bool> = const { Cell::new(false) };
    /// Whether a read of the current attempt failed with a connection reset (ureq reports a
    /// reset while a body is read as the peer having disconnected, see [`reset_seen`]).
    static RESET: Cell<bool> = const { Cell::new(false) };
}

/// Whether the connection of this thread's latest attempt was reset by the peer (TCP RST), so
/// its error message can say so even where ureq reports only "Peer disconnected".
pub(crate) fn reset_seen() -> bool {
    RESET.with(Cell::get)
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

/// The last link of the connector chain: wraps each connection in a [`NotingTransport`]. ureq
/// drives the transport on the calling thread, so a thread-local flag is the attempt's own.
#[derive(Debug)]
pub(crate) struct NoteResponseBytes;

impl<In: Transport> Connector<In> for NoteResponseBytes {
    type Out = NotingTransport<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(NotingTransport))
    }
}

/// A transport that notes when a read brought bytes in (see [`ANSWERED`]) or met a reset.
#[derive(Debug)]
pub(crate) struct NotingTransport<T: Transport>(T);

impl<T: Transport> Transport for NotingTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let before = self.0.buffers().input().len();
        let read = self.0.await_input(timeout);
        if self.0.buffers().input().len() > before {
            ANSWERED.with(|a| a.set(true));
        }
        if matches!(&read, Err(ureq::Error::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset) {
            RESET.with(|r| r.set(true));
        }
        read
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// How one request went out: on a pooled connection or a new one, and whether any byte of a
/// response came back before it ended.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sent {
    pub(crate) pooled: bool,
    pub(crate) answered: bool,
}

/// Runs `send` (one request through an agent built with [`NoteNewConnections`] and
/// [`NoteResponseBytes`]) and says how it went out.
pub(crate) fn on_pooled_connection<T>(send: impl FnOnce() -> T) -> (T, Sent) {
    OPENED.with(|o| o.set(false));
    ANSWERED.with(|a| a.set(false));
    RESET.with(|r| r.set(false));
    let out = send();
    let sent = Sent {
        pooled: !OPENED.with(Cell::get),
        answered: ANSWERED.with(Cell::get),
    };
    (out, sent)
}

/// The one re-send a call may make.
#[derive(Debug, Default)]
pub(crate) struct Resend {
    used: bool,
}

impl Resend {
    /// Whether the request that failed with `e` goes out again now: only once per call, and
    /// only when it went out on a pooled connection that turned out to be closed before a byte
    /// of a response came back.
    pub(crate) fn allowed(&mut self, sent: Sent, e: &ureq::Error) -> bool {
        let allowed = !self.used && sent.pooled && !sent.answered && is_closed_connection(e);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn eof() -> ureq::Error {
        ureq::Error::Io(io::Error::from(io::ErrorKind::UnexpectedEof))
    }

    #[test]
    fn resent_once_and_only_before_any_byte_of_an_answer() {
        let pooled = Sent {
            pooled: true,
            answered: false,
        };
        let answered = Sent {
            answered: true,
            ..pooled
        };
        let fresh = Sent {
            pooled: false,
            ..pooled
        };
        assert!(!Resend::default().allowed(answered, &eof()));
        assert!(!Resend::default().allowed(fresh, &eof()));
        let timeout = ureq::Error::Timeout(ureq::Timeout::Global);
        assert!(!Resend::default().allowed(pooled, &timeout));
        let mut once = Resend::default();
        assert!(once.allowed(pooled, &eof()));
        assert!(!once.allowed(pooled, &eof()));
    }
}
