//! Waiting for and giving back the cross-isolate lease of a key.

use super::Inner;
use crate::error::{Error, ErrorKind};
use crate::events::EventKind;
use crate::lease::backoff;

impl<P: Clone + 'static> Inner<P> {
    /// Polls the lease with backoff until it is ours or the lock timeout passes: then the
    /// caller creates anyway (a dead holder must not block anyone longer). Returns the token,
    /// if any, and whether we had to wait.
    pub(super) async fn wait_for_lease(&self, key: &str) -> (Option<String>, bool) {
        let Some(lease) = &self.lease else { return (None, false) };
        let deadline = self.now() + lease.lock_timeout;
        let mut attempt = 0;
        loop {
            match self.io(lease.leases.acquire(key, lease.ttl)).await {
                Ok(Some(token)) => {
                    self.emit(EventKind::LeaseAcquired, key);
                    return (Some(token), attempt > 0);
                }
                Ok(None) if attempt == 0 => {
                    self.emit(EventKind::LeaseContended, key);
                    self.stats.lease_waited();
                }
                Ok(None) => {}
                Err(e) => {
                    self.report(key, &e);
                    return (None, attempt > 0);
                }
            }
            let left = deadline - self.now();
            if left <= 0.0 {
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
                return (None, true);
            }
            let Some(sleep) = &self.sleep else { return (None, true) };
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
