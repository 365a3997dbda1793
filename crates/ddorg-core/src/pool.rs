//! One connection pool per process: a client inherited across `fork()` never uses a connection
//! opened by another process.
//!
//! After `fork()` the parent and the child hold the same keep-alive sockets. If both send on one,
//! each may read the answer to the other's request, as a normal success: one organization's
//! settings returned for another's id. Like urllib3 and redis-py, the client remembers the
//! process that created its pool and, when a call runs in another process, builds a new pool
//! there. The creating process keeps its pool and never takes a lock for this.

use std::borrow::Cow;
#[cfg(test)]
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};

/// Builds an agent with an empty pool (the client's configuration, connector and resolver).
pub(crate) type AgentFactory = Box<dyn Fn() -> ureq::Agent + Send + Sync>;

/// The agent of the process that built the client, and the one of the current process if it is
/// another (a forked child, or a grandchild).
pub(crate) struct ProcessPool {
    owner_pid: u32,
    owner: ureq::Agent,
    /// Only ever locked in a process other than the owner, so a fork while the owner's threads
    /// are busy cannot leave it locked in the child.
    forked: Mutex<Option<(u32, ureq::Agent)>>,
    new_agent: AgentFactory,
}

impl ProcessPool {
    pub(crate) fn new(new_agent: AgentFactory) -> ProcessPool {
        ProcessPool {
            owner_pid: std::process::id(),
            owner: new_agent(),
            forked: Mutex::new(None),
            new_agent,
        }
    }

    /// The agent whose connections belong to the calling process.
    pub(crate) fn agent(&self) -> Cow<'_, ureq::Agent> {
        let pid = std::process::id();
        if pid == self.owner_pid {
            return Cow::Borrowed(&self.owner);
        }
        let mut slot = self.forked.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((slot_pid, agent)) = &*slot {
            if *slot_pid == pid {
                return Cow::Owned(agent.clone());
            }
        }
        log::debug!(target: "ddorg", "running in process {pid}, forked from the client's process: opening a new connection pool");
        let agent = (self.new_agent)();
        // The replaced agent was inherited from an ancestor process; dropping it closes only this
        // process's copies of its sockets (ureq sends nothing on drop, no TLS close_notify and no
        // shutdown), so the process that opened them keeps using them undisturbed.
        *slot = Some((pid, agent.clone()));
        Cow::Owned(agent)
    }
}

/// A lock of process-wide state (the registry of pools, the TLS configurations) that a forked
/// child never waits for forever.
///
/// `fork()` copies a mutex as it is: one that a thread of the parent held at that moment stays
/// locked in the child, where that thread does not exist. [`ForkSafeMutex::lock`] then gives
/// `None` instead of blocking, and the caller does without the shared state (a pool or a
/// configuration of its own: slower, never wrong).
pub(crate) struct ForkSafeMutex<T> {
    inner: Mutex<T>,
    /// The process whose thread holds the lock, 0 when none does.
    holder: std::sync::atomic::AtomicU32,
}

/// The lock of a [`ForkSafeMutex`], released on drop.
pub(crate) struct ForkSafeGuard<'a, T> {
    guard: Option<std::sync::MutexGuard<'a, T>>,
    holder: &'a std::sync::atomic::AtomicU32,
}

impl<T> ForkSafeMutex<T> {
    pub(crate) const fn new(value: T) -> ForkSafeMutex<T> {
        ForkSafeMutex {
            inner: Mutex::new(value),
            holder: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The lock, waiting for another thread of this process if one holds it; `None` if a
    /// thread of another process (the parent this one was forked from) held it at the fork.
    pub(crate) fn lock(&self) -> Option<ForkSafeGuard<'_, T>> {
        use std::sync::atomic::Ordering;
        use std::sync::TryLockError;
        let pid = std::process::id();
        // A thread of ours says it holds the lock right after taking it and stops saying so
        // right before letting it go: if no thread of ours says so for 50 ms (far longer than a
        // busy machine keeps a thread off the CPU between the two), none holds it. Only a child
        // forked at the wrong moment ever waits that long, once per client built or dropped.
        let patience = std::time::Instant::now() + std::time::Duration::from_millis(50);
        let guard = loop {
            match self.inner.try_lock() {
                Ok(guard) => break guard,
                Err(TryLockError::Poisoned(e)) => break e.into_inner(),
                Err(TryLockError::WouldBlock) if self.holder.load(Ordering::SeqCst) == pid => {
                    break self.inner.lock().unwrap_or_else(PoisonError::into_inner);
                }
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < patience => {
                    std::thread::yield_now();
                }
                // Held since a fork by a thread that does not exist here: do without.
                Err(TryLockError::WouldBlock) => return None,
            }
        };
        self.holder.store(pid, Ordering::SeqCst);
        Some(ForkSafeGuard {
            guard: Some(guard),
            holder: &self.holder,
        })
    }
}

impl<T> std::ops::Deref for ForkSafeGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.guard.as_deref().expect("held until dropped")
    }
}

impl<T> std::ops::DerefMut for ForkSafeGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_deref_mut().expect("held until dropped")
    }
}

impl<T> Drop for ForkSafeGuard<'_, T> {
    fn drop(&mut self) {
        self.holder.store(0, std::sync::atomic::Ordering::SeqCst);
        self.guard = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn a_lock_held_at_a_fork_is_done_without_and_one_held_here_is_waited_for() {
        let m = ForkSafeMutex::new(0u32);
        *m.lock().unwrap() += 1;
        {
            let held = m.lock().unwrap();
            // What a child sees of a lock its parent's thread held when it forked.
            m.holder
                .store(std::process::id().wrapping_add(1), Ordering::SeqCst);
            assert!(m.lock().is_none());
            m.holder.store(std::process::id(), Ordering::SeqCst);
            drop(held);
        }
        let m = Arc::new(m);
        let guard = m.lock().unwrap();
        let other = {
            let m = Arc::clone(&m);
            std::thread::spawn(move || {
                *m.lock().expect("waits for this process's thread") += 1;
            })
        };
        drop(guard);
        other.join().unwrap();
        assert_eq!(*m.lock().unwrap(), 2);
    }
}
