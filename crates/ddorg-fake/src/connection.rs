//! The transport side of the fake: accepting connections, reading requests, writing replies and
//! playing their [`Fault`]s on the wire.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::control::{control, CONTROL_PREFIX};
use crate::http::{self, ReadError};
use crate::latency::Delayed;
use crate::listen::{self, Kind};
use crate::reply::Fault;
use crate::routes::{handle_api, Answer};
use crate::state::Shared;
use crate::wire::Prepared;

/// Accepts connections until the server shuts down (or `stop`, for an extra listener), each
/// served on its own thread as `kind` says.
pub(crate) fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    kind: Kind,
    stop: Option<Arc<AtomicBool>>,
) {
    for conn in listener.incoming() {
        let stopped = stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst));
        if shared.shutdown.load(Ordering::SeqCst) || stopped {
            break;
        }
        let stream = match conn {
            Ok(s) => s,
            Err(_) => {
                // E.g. out of file descriptors: back off instead of spinning.
                thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        let id = shared.connections.fetch_add(1, Ordering::SeqCst);
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        shared
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, handle);
        let conn_shared = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name("ddorg-fake-conn".into())
            .spawn(move || {
                let served = listen::serve(&conn_shared, kind, stream);
                let handle = conn_shared
                    .live
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                match handle {
                    Some(handle) if is_reset_request(&served) => reset(handle),
                    Some(handle) => {
                        // Our own handles are gone; this sends the FIN now.
                        let _ = handle.shutdown(Shutdown::Both);
                    }
                    None => {}
                }
            });
        if spawned.is_err() {
            let handle = shared
                .live
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            drop(handle);
        }
    }
}

fn is_rate_limit_header(line: &[u8]) -> bool {
    const PREFIX: &[u8] = b"x-ratelimit-";
    line.len() > PREFIX.len() && line[..PREFIX.len()].eq_ignore_ascii_case(PREFIX)
}

/// What `write_reply` returns to have the connection reset rather than closed.
fn reset_request() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "reset_after_headers")
}

fn is_reset_request(served: &io::Result<()>) -> bool {
    matches!(served, Err(e) if e.kind() == io::ErrorKind::ConnectionReset && e.to_string() == "reset_after_headers")
}

/// Closes the last handle of a connection with `SO_LINGER` 0: the kernel then sends a TCP RST
/// instead of a FIN, which the client reads as "connection reset by peer".
fn reset(handle: TcpStream) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid socket descriptor (owned by `handle`) and a correctly sized option.
        unsafe {
            libc::setsockopt(
                handle.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                std::ptr::addr_of!(linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(unix))]
    let _ = handle.shutdown(Shutdown::Both);
    drop(handle);
}

/// Serves requests on one plain connection until either side closes it.
pub(crate) fn serve_connection(shared: &Arc<Shared>, stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let reader = BufReader::with_capacity(16 * 1024, stream.try_clone()?);
    let delayed = Delayed::new(stream, Arc::clone(&shared.latency));
    let writer = BufWriter::with_capacity(16 * 1024, delayed);
    serve_http(shared, reader, writer)
}

/// Serves HTTP requests (the API and the control API) on one connection, plain or TLS, until
/// either side closes it.
pub(crate) fn serve_http<R: Read, W: Write>(
    shared: &Arc<Shared>,
    mut reader: BufReader<R>,
    mut writer: BufWriter<W>,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(256);
    loop {
        let req = match http::read_request(&mut reader, &mut line) {
            Ok(req) => req,
            Err(_) => return writer.flush(),
        };
        if shared.shutdown.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = req.target.split('?').next().unwrap_or("");
        let is_control = path.starts_with(CONTROL_PREFIX);
        if req.expect_continue && req.has_body() {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        let body = match http::read_body(&mut reader, &req, is_control, http::MAX_CONTROL_BODY) {
            Ok(body) => body,
            Err(ReadError::Eof | ReadError::Bad) => return writer.flush(),
        };
        let client_close = req.close;
        let head_only = req.method == "HEAD";
        let Answer { reply, rate_limit } = if is_control {
            Answer {
                reply: control(shared, &req, &body),
                rate_limit: None,
            }
        } else {
            handle_api(shared, req)
        };
        let close = client_close || reply.close;
        let rate_limit = rate_limit.as_deref();
        if !write_reply(&mut writer, &reply, rate_limit, head_only, close)? || close {
            return writer.flush();
        }
    }
}

/// Writes and flushes one reply (or its fault), with `rate_limit`'s header lines in place of
/// its own `x-ratelimit-*` ones when given. Returns whether the connection may carry on.
fn write_reply<W: Write>(
    w: &mut BufWriter<W>,
    p: &Prepared,
    rate_limit: Option<&[u8]>,
    head_only: bool,
    close: bool,
) -> io::Result<bool> {
    if let Some(d) = p.delay {
        w.flush()?;
        thread::sleep(d);
    }
    let write_head = |w: &mut BufWriter<W>, close: bool| -> io::Result<()> {
        match rate_limit {
            None => w.write_all(&p.head)?,
            Some(lines) => {
                for line in p.head.split_inclusive(|&b| b == b'\n') {
                    if !is_rate_limit_header(line) {
                        w.write_all(line)?;
                    }
                }
                w.write_all(lines)?;
            }
        }
        if close && !p.close {
            w.write_all(b"connection: close\r\n")?;
        }
        w.write_all(b"\r\n")
    };
    if p.raw {
        w.write_all(&p.body)?;
        w.flush()?;
        return Ok(false);
    }
    let body: &[u8] = if head_only { &[] } else { &p.body };
    match p.fault {
        None => {
            write_head(w, close)?;
            if let Some(d) = p.body_delay {
                w.flush()?;
                thread::sleep(d);
            }
            w.write_all(body)?;
            w.flush()?;
            return Ok(true);
        }
        Some(Fault::CloseWithoutResponse) => {}
        Some(Fault::ResetMidHeaders) => w.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty")?,
        Some(Fault::ResetMidBody) => {
            write_head(w, close)?;
            w.write_all(&body[..body.len() / 2])?;
        }
        Some(Fault::TruncatedBody) => {
            write_head(w, close)?;
            w.write_all(&body[..body.len().saturating_sub(5)])?;
        }
        Some(Fault::CloseAfterResponse) => {
            write_head(w, false)?;
            w.write_all(body)?;
        }
        Some(Fault::CloseAfterStatusLine) => w.write_all(b"HTTP/1.1 200 OK\r\n")?,
        Some(Fault::ResetAfterHeaders) => {
            write_head(w, close)?;
            w.flush()?;
            return Err(reset_request());
        }
    }
    w.flush()?;
    Ok(false)
}
