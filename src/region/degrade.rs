//! Degradation: timeouts on backend operations and creations, and serving a stale value when
//! regenerating it fails or takes too long (see [`super::Degradation`]).

use std::future::Future;

use super::{Degradation, Inner};
use crate::api::Ttl;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Event, EventKind};

use super::inflight::Creation;

impl<P: Clone + 'static> Inner<P> {
    // `io` and `io_for` are plain functions returning `io_within`'s future: as `async fn`s each
    // would wrap it in a state machine of its own, code (and drop glue) in the wasm module.

    /// A backend operation, bounded by the backend timeout when one is set.
    pub(super) fn io<'a, T: 'a>(
        &'a self,
        op: crate::backend::BackendFuture<'a, T>,
    ) -> impl Future<Output = Result<T>> + 'a {
        self.io_within(self.degradation.backend_timeout, op)
    }

    /// A backend operation of a call, bounded by the call's backend timeout or the region's.
    pub(super) fn io_for<'a, T: 'a>(
        &'a self,
        call: &Degradation,
        op: crate::backend::BackendFuture<'a, T>,
    ) -> impl Future<Output = Result<T>> + 'a {
        self.io_within(call.backend_timeout.or(self.degradation.backend_timeout), op)
    }

    /// A backend operation, bounded by `timeout`.
    async fn io_within<T>(&self, timeout: Option<f64>, op: crate::backend::BackendFuture<'_, T>) -> Result<T> {
        match (timeout, &self.sleep) {
            (Some(secs), Some(sleep)) => match futures::future::select(op, sleep(secs)).await {
                futures::future::Either::Left((result, _)) => result,
                futures::future::Either::Right(_) => {
                    Err(Error::backend(format!("the backend did not answer within {} ms", (secs * 1000.0) as u64)))
                }
            },
            _ => op.await,
        }
    }

    /// `work`, or a `Timeout` error after `secs` (no limit without a timer).
    pub(super) async fn within<T>(
        &self,
        secs: Option<f64>,
        what: &str,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        match (secs, &self.sleep) {
            (Some(secs), Some(sleep)) => {
                let work = std::pin::pin!(work);
                match futures::future::select(work, sleep(secs)).await {
                    futures::future::Either::Left((result, _)) => result,
                    futures::future::Either::Right(_) => Err(timed_out(what, secs)),
                }
            }
            _ => work.await,
        }
    }

    /// The regenerating caller of a stale value: the new value; or, past the soft timeout, the
    /// stale one while the creation goes on; or, when the creation fails and the stale value is
    /// within the `stale_if_error` grace, the stale one and the failure reported.
    pub(super) async fn regenerate_or_stale(
        &self,
        key: &str,
        ttl: Ttl,
        d: Degradation,
        stale: P,
        ct: f64,
        regen: Creation<P>,
    ) -> Result<P> {
        let result = match (d.creator_soft_timeout, &self.sleep) {
            (Some(secs), Some(sleep)) => match futures::future::select(regen, sleep(secs)).await {
                futures::future::Either::Left((result, _)) => result,
                futures::future::Either::Right(_) => {
                    self.emit(EventKind::StaleServed, key);
                    return Ok(stale);
                }
            },
            _ => regen.await,
        };
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                // A creator's failure (or timeout) was counted where it happened; a backend's is
                // counted here.
                if !matches!(e.kind(), ErrorKind::Creator | ErrorKind::Timeout) {
                    self.event(Event { kind: EventKind::BackendError, key, error: Some(&e), ok: false });
                }
                let within_grace = d.stale_if_error.is_some_and(|grace| match ttl {
                    Ttl::Never => true,
                    Ttl::Seconds(s) => self.now() - ct <= s + grace,
                });
                if !within_grace {
                    return Err(e);
                }
                if let Some(sink) = &self.on_error {
                    sink(&e);
                }
                self.emit(EventKind::StaleServed, key);
                Ok(stale)
            }
        }
    }
}

/// `what` took longer than `secs` seconds: a `Timeout` error (whole milliseconds: formatting an f64
/// would pull float printing into the module).
pub(super) fn timed_out(what: &str, secs: f64) -> Error {
    Error::new(ErrorKind::Timeout, format!("{what} took longer than {} ms", (secs * 1000.0) as u64))
}
