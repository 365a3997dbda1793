//! Simulated network latency ([`FakeServer::set_latency`](crate::FakeServer::set_latency)): a
//! delay line on each connection, so every flight the server sends reaches the client one
//! latency later, as on a real network.
//!
//! One latency is one round trip: the client's bytes arrive at once (loopback) and the server's
//! answer is held back by the whole latency. Bytes are queued with the time they are due and sent
//! by the connection's own sender thread, so the server keeps reading meanwhile, and flights
//! the client does not wait for (TLS 1.3 session tickets, sent after the handshake while the
//! request is already on its way) overlap the next one instead of adding to it, as they do on a
//! wire. A userspace server cannot hold back the kernel's SYN-ACK, so the TCP handshake's round
//! trip is charged to the connection's first flight: it is due no earlier than two latencies
//! after the connection was accepted, which is when it would reach a client that had to wait
//! for its `connect` first. For a client that speaks first (HTTP, TLS) the arrival times are the
//! same as on a network with that round trip:
//!
//! - a request on a kept-alive connection costs one latency;
//! - a new plain connection costs two (the TCP handshake, then the request);
//! - a new TLS connection costs three (the TCP handshake, the TLS handshake's one round trip,
//!   then the request).
//!
//! Each connection has its own delay line, so parallel connections pay their latencies at the
//! same time, never one after another.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The latency every connection of a server applies, changeable while it runs.
#[derive(Debug, Default)]
pub(crate) struct Latency {
    micros: AtomicU64,
}

impl Latency {
    pub(crate) fn set(&self, d: Duration) {
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.micros.store(micros, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> Duration {
        Duration::from_micros(self.micros.load(Ordering::Relaxed))
    }
}

/// The sender side of one connection's delay line.
struct Line {
    /// Bytes to write and when; `None` once the connection is done.
    queue: Option<Sender<(Instant, Vec<u8>)>>,
    thread: Option<JoinHandle<()>>,
    /// Set by the sender thread when a write failed (the client went away).
    broken: Arc<AtomicBool>,
}

/// A server connection's socket whose writes go through a delay line while the server has a
/// latency (and straight to the socket while it has none and nothing is queued).
pub(crate) struct Delayed {
    stream: TcpStream,
    latency: Arc<Latency>,
    /// When serving began: the TCP handshake's round trip counts from here.
    accepted: Instant,
    /// Nothing was written yet.
    first: bool,
    line: Option<Line>,
}

impl Delayed {
    pub(crate) fn new(stream: TcpStream, latency: Arc<Latency>) -> Delayed {
        Delayed {
            stream,
            latency,
            accepted: Instant::now(),
            first: true,
            line: None,
        }
    }

    fn line(&mut self) -> io::Result<&mut Line> {
        if self.line.is_none() {
            let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
            let mut out = self.stream.try_clone()?;
            let broken = Arc::new(AtomicBool::new(false));
            let thread_broken = Arc::clone(&broken);
            let thread = thread::Builder::new()
                .name("ddorg-fake-latency".into())
                .spawn(move || {
                    for (due, bytes) in rx {
                        let now = Instant::now();
                        if due > now {
                            thread::sleep(due - now);
                        }
                        if out.write_all(&bytes).is_err() {
                            thread_broken.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                })?;
            self.line = Some(Line {
                queue: Some(tx),
                thread: Some(thread),
                broken,
            });
        }
        Ok(self.line.as_mut().expect("the line was just made"))
    }
}

impl Read for Delayed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.read(buf)
    }
}

impl Write for Delayed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let latency = self.latency.get();
        let first = std::mem::replace(&mut self.first, false);
        if latency.is_zero() && self.line.is_none() {
            return self.stream.write(buf);
        }
        let mut due = Instant::now() + latency;
        if first {
            due = due.max(self.accepted + latency * 2);
        }
        let line = self.line()?;
        let sent = match (&line.queue, line.broken.load(Ordering::Relaxed)) {
            (Some(queue), false) => queue.send((due, buf.to_vec())).is_ok(),
            _ => false,
        };
        if sent {
            Ok(buf.len())
        } else {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    /// Queued bytes count as sent: they are on the (simulated) wire.
    fn flush(&mut self) -> io::Result<()> {
        match &self.line {
            None => self.stream.flush(),
            Some(_) => Ok(()),
        }
    }
}

impl Drop for Delayed {
    /// Waits until every queued byte was sent, so that closing or resetting the connection
    /// afterwards happens after the reply reached the client, as the server meant.
    fn drop(&mut self) {
        if let Some(line) = &mut self.line {
            line.queue = None;
            if let Some(thread) = line.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
