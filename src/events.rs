//! What a region reports: counters that are always kept (a `Cell` increment each), and events
//! passed to a listener only when one is set, so an unobserved region pays nothing more.

use std::cell::Cell;
use std::rc::Rc;

use crate::error::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A fresh value was served.
    Hit,
    /// Nothing usable was stored: this caller creates or waits for a creation.
    Miss,
    /// A stale value was served while someone regenerates it.
    StaleServed,
    RegenerationStart,
    /// `ok` says whether the creator succeeded.
    RegenerationEnd,
    LeaseAcquired,
    /// Someone else holds the lease.
    LeaseContended,
    /// Waited `lockTimeout` for a lease and went ahead without it.
    LeaseTimeout,
    BackendError,
    CreatorError,
    /// A KV write held for KV's one write per key per second (counted by the JS layer's
    /// `KvWrites`, which writes a KV region's values; see docs/freshness.md).
    WriteDeferred,
    /// A KV write that got a 429, written again (the same or a newer value).
    WriteRetried,
    /// A KV write given up after its retries (or a held write that failed otherwise).
    WriteDropped,
}

impl EventKind {
    /// Every kind, in the order the JS API lists them.
    pub const ALL: [EventKind; 13] = [
        EventKind::Hit,
        EventKind::Miss,
        EventKind::StaleServed,
        EventKind::RegenerationStart,
        EventKind::RegenerationEnd,
        EventKind::LeaseAcquired,
        EventKind::LeaseContended,
        EventKind::LeaseTimeout,
        EventKind::BackendError,
        EventKind::CreatorError,
        EventKind::WriteDeferred,
        EventKind::WriteRetried,
        EventKind::WriteDropped,
    ];

    /// The event's name in the JS API (`region.on(name, …)`).
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Hit => "hit",
            EventKind::Miss => "miss",
            EventKind::StaleServed => "stale",
            EventKind::RegenerationStart => "regenerationStart",
            EventKind::RegenerationEnd => "regenerationEnd",
            EventKind::LeaseAcquired => "leaseAcquired",
            EventKind::LeaseContended => "leaseContended",
            EventKind::LeaseTimeout => "leaseTimeout",
            EventKind::BackendError => "backendError",
            EventKind::CreatorError => "creatorError",
            EventKind::WriteDeferred => "writeDeferred",
            EventKind::WriteRetried => "writeRetried",
            EventKind::WriteDropped => "writeDropped",
        }
    }
}

pub struct Event<'a> {
    pub kind: EventKind,
    /// The backend key (mangled).
    pub key: &'a str,
    pub error: Option<&'a Error>,
    /// For `RegenerationEnd`: whether the creation succeeded.
    pub ok: bool,
}

pub type Listener = Rc<dyn Fn(&Event<'_>)>;

/// Running totals for a region.
#[derive(Default)]
pub struct Stats {
    hits: Cell<u64>,
    misses: Cell<u64>,
    stale_served: Cell<u64>,
    regenerations: Cell<u64>,
    creator_errors: Cell<u64>,
    backend_errors: Cell<u64>,
    lease_waits: Cell<u64>,
    lease_timeouts: Cell<u64>,
    deferred_writes: Cell<u64>,
    retried_writes: Cell<u64>,
    dropped_writes: Cell<u64>,
}

/// A copy of [`Stats`] at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub hits: u64,
    pub misses: u64,
    pub stale_served: u64,
    pub regenerations: u64,
    pub creator_errors: u64,
    pub backend_errors: u64,
    /// Callers that had to wait for another holder's lease at least once.
    pub lease_waits: u64,
    pub lease_timeouts: u64,
    /// KV writes held, retried after a 429, and dropped (see [`EventKind::WriteDeferred`]).
    pub deferred_writes: u64,
    pub retried_writes: u64,
    pub dropped_writes: u64,
}

fn bump(c: &Cell<u64>) {
    c.set(c.get().saturating_add(1));
}

impl StatsSnapshot {
    /// The counters by their names in the JS API (`region.stats()`), in order: the one list
    /// the JS layer, its types and its docs are checked against.
    pub fn named(&self) -> [(&'static str, u64); 11] {
        [
            ("hits", self.hits),
            ("misses", self.misses),
            ("staleServed", self.stale_served),
            ("regenerations", self.regenerations),
            ("creatorErrors", self.creator_errors),
            ("backendErrors", self.backend_errors),
            ("leaseWaits", self.lease_waits),
            ("leaseTimeouts", self.lease_timeouts),
            ("deferredWrites", self.deferred_writes),
            ("retriedWrites", self.retried_writes),
            ("droppedWrites", self.dropped_writes),
        ]
    }
}

impl Stats {
    pub fn count(&self, kind: EventKind) {
        match kind {
            EventKind::Hit => bump(&self.hits),
            EventKind::Miss => bump(&self.misses),
            EventKind::StaleServed => bump(&self.stale_served),
            EventKind::RegenerationStart => bump(&self.regenerations),
            EventKind::CreatorError => bump(&self.creator_errors),
            EventKind::BackendError => bump(&self.backend_errors),
            EventKind::LeaseTimeout => bump(&self.lease_timeouts),
            EventKind::WriteDeferred => bump(&self.deferred_writes),
            EventKind::WriteRetried => bump(&self.retried_writes),
            EventKind::WriteDropped => bump(&self.dropped_writes),
            EventKind::RegenerationEnd | EventKind::LeaseAcquired | EventKind::LeaseContended => {}
        }
    }

    pub fn lease_waited(&self) {
        bump(&self.lease_waits);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            hits: self.hits.get(),
            misses: self.misses.get(),
            stale_served: self.stale_served.get(),
            regenerations: self.regenerations.get(),
            creator_errors: self.creator_errors.get(),
            backend_errors: self.backend_errors.get(),
            lease_waits: self.lease_waits.get(),
            lease_timeouts: self.lease_timeouts.get(),
            deferred_writes: self.deferred_writes.get(),
            retried_writes: self.retried_writes.get(),
            dropped_writes: self.dropped_writes.get(),
        }
    }

    pub fn reset(&self) {
        for c in [
            &self.hits,
            &self.misses,
            &self.stale_served,
            &self.regenerations,
            &self.creator_errors,
            &self.backend_errors,
            &self.lease_waits,
            &self.lease_timeouts,
            &self.deferred_writes,
            &self.retried_writes,
            &self.dropped_writes,
        ] {
            c.set(0);
        }
    }
}
