//! One connection pool per process: a client inherited across `fork()` never uses a connection
//! opened by another process.
//!
//! After `fork()` the parent and the child hold the same keep-alive sockets. If both send on one,
//! each may read the answer to the other's request, as a normal success: one organization's
//! settings returned for another's id. Like urllib3 and redis-py, the client remembers the
//! process that created its pool and, when a call runs in another process, builds a new pool
//! there. The creating process keeps its pool and never takes a lock for this.

use std::borrow::Cow;
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
