//! The last link of the connector chain: every connection's output buffer is wiped as soon as its
//! bytes are sent, so a request's keys do not stay behind in it.
//!
//! ureq writes each request (its `DD-API-KEY` and `DD-APPLICATION-KEY` headers included) into the
//! connection's output buffer and then asks the transport to send it; the buffer lives as long as
//! the pooled connection and is freed without being cleared. With 32 busy threads that was 32
//! more copies of each key, most of them still readable in freed memory after the client was
//! gone. Over TLS the buffer wiped here is the plaintext one; rustls encrypts in place, so the
//! plaintext is not left in its own buffers.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use zeroize::Zeroize;

/// Wraps whatever the chain before it built (TCP, TLS, a tunnel) in a [`WipingTransport`].
#[derive(Debug)]
pub(crate) struct WipeSent;

impl<In: Transport> Connector<In> for WipeSent {
    type Out = WipingTransport<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(WipingTransport))
    }
}

/// A transport whose output buffer holds nothing once sent (and nothing when dropped).
#[derive(Debug)]
pub(crate) struct WipingTransport<T: Transport>(T);

impl<T: Transport> Transport for WipingTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let sent = self.0.transmit_output(amount, timeout);
        // Sent or not, the bytes are not needed again: a failed request is written anew.
        self.0.buffers().output()[..amount].zeroize();
        sent
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

impl<T: Transport> Drop for WipingTransport<T> {
    fn drop(&mut self) {
        // A request written but never handed to `transmit_output` (ureq gave up in between).
        self.0.buffers().output().zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use ureq::unversioned::transport::LazyBuffers;

    /// Records what was sent and keeps a view of its own output buffer after each send.
    #[derive(Debug)]
    struct Recording {
        buffers: LazyBuffers,
        sent: Arc<Mutex<Vec<u8>>>,
        left_in_buffer: Arc<Mutex<Vec<u8>>>,
    }

    impl Transport for Recording {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            let out = self.buffers.output()[..amount].to_vec();
            self.sent.lock().unwrap().extend_from_slice(&out);
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            true
        }
    }

    impl Drop for Recording {
        fn drop(&mut self) {
            let all = self.buffers.output().to_vec();
            *self.left_in_buffer.lock().unwrap() = all;
        }
    }

    #[test]
    fn what_is_sent_is_sent_whole_and_then_wiped() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let left = Arc::new(Mutex::new(Vec::new()));
        let mut t = WipingTransport(Recording {
            buffers: LazyBuffers::new(64, 64),
            sent: sent.clone(),
            left_in_buffer: left.clone(),
        });
        let request = b"GET / HTTP/1.1\r\nDD-API-KEY: sekrit\r\n\r\n";
        t.buffers().output()[..request.len()].copy_from_slice(request);
        t.transmit_output(request.len(), NextTimeout::default())
            .unwrap();
        assert_eq!(sent.lock().unwrap().as_slice(), request);
        assert!(t.buffers().output().iter().all(|&b| b == 0));

        // Written but never sent: wiped when the connection is dropped.
        t.buffers().output()[..6].copy_from_slice(b"sekrit");
        drop(t);
        let left = left.lock().unwrap();
        assert_eq!(left.len(), 64);
        assert!(left.iter().all(|&b| b == 0), "{left:?}");
    }
}
