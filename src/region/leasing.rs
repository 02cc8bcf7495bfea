//! Waiting for and giving back the cross-isolate lease of a key.

use super::Inner;
use crate::error::{Error, ErrorKind, Result};
use crate::events::EventKind;
use crate::lease::backoff;

/// Seconds between looks for the value while waiting for another holder's lease.
const LOOK_EVERY: f64 = 1.0;

/// How a wait for the lease ended.
pub(super) enum Waited<P> {
    /// The token (none: the lease could not be had) and whether the caller waited for it.
    Lease(Option<String>, bool),
    /// The value, fresh, stored meanwhile by whoever holds the lease.
    Found(P),
    /// The creation's own time (creatorTimeout, counted from its start) ran out first.
    Expired,
}

impl<P: Clone + 'static> Inner<P> {
    /// Polls the lease with backoff until it is ours or the lock timeout passes: then the
    /// caller creates anyway (a dead holder must not block anyone longer). Returns the token,
    /// if any, and whether we had to wait; or the value `look` found.
    ///
    /// While it waits, it looks for the value once a second: a holder may have stored it and
    /// still hold the lease (KV refuses a lease key's delete within a second of its write; a
    /// holder can die between its write and its release), and waiting for the lease then
    /// would cost lockTimeout and a second creation.
    /// `until`: when the creation's own time runs out (region clock), if it has a limit.
    pub(super) async fn wait_for_lease<F: std::future::Future<Output = Result<Option<P>>>>(
        &self,
        key: &str,
        look: impl Fn() -> F,
        until: f64,
    ) -> Waited<P> {
        let Some(lease) = &self.lease else { return Waited::Lease(None, false) };
        let deadline = self.now() + lease.lock_timeout;
        let mut looked = self.now();
        let mut attempt = 0;
        loop {
            match self.io(lease.leases.acquire(key, lease.ttl)).await {
                Ok(Some(token)) => {
                    self.emit(EventKind::LeaseAcquired, key);
                    return Waited::Lease(Some(token), attempt > 0);
                }
                Ok(None) if attempt == 0 => {
                    self.emit(EventKind::LeaseContended, key);
                    self.stats.lease_waited();
                }
                Ok(None) => {}
                Err(e) => {
                    self.report(key, &e);
                    return Waited::Lease(None, attempt > 0);
                }
            }
            if self.now() - looked >= LOOK_EVERY {
                looked = self.now();
                // A failed look is no answer: the wait goes on, and the read after it reports.
                if let Ok(Some(value)) = look().await {
                    return Waited::Found(value);
                }
            }
            if until <= self.now() {
                return Waited::Expired;
            }
            let left = deadline.min(until) - self.now();
            if deadline <= self.now() {
                self.report(
                    key,
                    &Error::new(
                        ErrorKind::LockTimeout,
                        // Whole milliseconds and the key quoted as is: formatting an f64, or a str
                        // with Debug, would pull float printing or escaping tables into the module.
                        format!(
                            "waited {} ms for another creator of \"{key}\"; creating it here",
                            (lease.lock_timeout * 1000.0) as u64
                        ),
                    ),
                );
                return Waited::Lease(None, true);
            }
            let Some(sleep) = &self.sleep else { return Waited::Lease(None, true) };
            sleep(backoff(attempt).min(left)).await;
            attempt += 1;
        }
    }

    pub(super) async fn release(&self, key: &str, token: Option<String>) {
        if let (Some(lease), Some(token)) = (&self.lease, token) {
            if let Err(e) = self.io(lease.leases.release(key, &token)).await {
                self.report(key, &e);
            }
        }
    }
}
