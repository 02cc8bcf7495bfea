//! Leases: the cross-isolate half of the dogpile lock (dogpile's distributed mutex).
//!
//! A lease is held for a key by whoever got a token from [`Leases::acquire`]; it always
//! expires after its TTL (a dead holder cannot block anyone for longer), and only the token's
//! holder can release it early. Exactness depends on the store behind it: a Durable Object
//! gives mutual exclusion, Workers KV only a best effort.

use std::rc::Rc;

use futures::future::LocalBoxFuture;

use crate::error::Result;

/// Seconds a lease is held when the region does not say (`leaseTtl`).
pub const DEFAULT_LEASE_TTL: f64 = 30.0;
/// Seconds a caller waits for another holder's lease when the region does not say (`lockTimeout`).
pub const DEFAULT_LOCK_TIMEOUT: f64 = 10.0;

pub trait Leases {
    /// Takes the lease on `key` for `ttl` seconds if nobody holds it: `Some(token)`, else `None`.
    fn acquire<'a>(&'a self, key: &'a str, ttl: f64) -> LocalBoxFuture<'a, Result<Option<String>>>;

    /// Gives the lease back if `token` still holds it; a no-op otherwise.
    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> LocalBoxFuture<'a, Result<()>>;
}

/// Waits `seconds` (a timer in a Worker; injectable so tests do not sleep).
pub type Sleep = Rc<dyn Fn(f64) -> LocalBoxFuture<'static, ()>>;

/// How a region uses its leases. Waiting between attempts uses the region's timer
/// (`RegionBuilder::sleep`); without one, a contended lease is not waited for.
#[derive(Clone)]
pub struct LeaseConfig {
    pub leases: Rc<dyn Leases>,
    /// Lifetime of a lease, seconds: longer than any creation, short enough to recover from a
    /// holder that died (Workers cut `waitUntil` work ~30 s after the response).
    pub ttl: f64,
    /// How long a caller with nothing to serve waits for another holder before creating the
    /// value itself, seconds.
    pub lock_timeout: f64,
}

/// The backoff between attempts to take a contended lease: 25 ms doubling to 1 s.
pub fn backoff(attempt: u32) -> f64 {
    (0.025 * f64::from(1u32 << attempt.min(6))).min(1.0)
}
