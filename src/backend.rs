//! The async backend trait. Backends store [`CachedValue`]s under string keys and never decide
//! expiry. No `Send` bound: a Worker isolate is single-threaded and JS values are not `Send`.

use std::task::Poll;

use futures::future::{self, LocalBoxFuture};
use futures::FutureExt;

use crate::api::{CachedValue, Ttl};
use crate::error::Result;

pub type BackendFuture<'a, T> = LocalBoxFuture<'a, Result<T>>;
/// Which entries a reader can use (see [`Backend::get_usable`]).
pub type Usable<'a, P> = &'a dyn Fn(&CachedValue<P>) -> bool;

/// What a backend can do, so shared tests skip by capability rather than by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Values written can be read back (false for the null backend).
    pub persists: bool,
    /// [`Backend::peek`] answers synchronously (values live in this isolate).
    pub sync_reads: bool,
    /// Old entries are dropped when the backend is full.
    pub bounded: bool,
}

pub trait Backend<P: 'static> {
    fn capabilities(&self) -> Capabilities;

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>>;

    /// `ttl` is the region's expiration for the value: a hint for stores that reclaim space
    /// physically (KV's `expirationTtl`). It must never make a value vanish before the region
    /// considers it stale.
    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, ttl: Ttl) -> BackendFuture<'a, ()>;

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()>;

    /// Drops what this backend keeps of `key` in the isolate (a tier's L1 copy) without touching
    /// shared storage: the region's value check rejected or replaced what was read.
    fn forget(&self, _key: &str) {}

    /// Whether reads from shared storage are kept in the isolate (a tier's L1) as they are read:
    /// `false` for a region that checks what it reads, which has what passed kept instead
    /// ([`Backend::remember`]).
    fn keep_reads(&self, _keep: bool) {}

    /// Keeps `value`, read from shared storage and passed by the region's check, in the isolate
    /// (a tier's L1), unless something is kept for `key` already.
    fn remember(&self, _key: &str, _value: &CachedValue<P>) {}

    /// Synchronous read for backends whose values live in the isolate: `None` when the backend
    /// cannot answer without I/O. This is what keeps a memory hit off the async path.
    fn peek(&self, _key: &str) -> Option<Option<CachedValue<P>>> {
        None
    }

    /// `get` for a caller that can only use some entries (the region: fresh ones). A backend
    /// with a tier in the isolate returns an entry from there only if `usable` accepts it, and
    /// otherwise reads its shared tier, which another isolate may have written since.
    fn get_usable<'a>(&'a self, key: &'a str, _usable: Usable<'a, P>) -> BackendFuture<'a, Option<CachedValue<P>>> {
        self.get(key)
    }

    /// `get_multi` as [`Backend::get_usable`] is `get`.
    fn get_multi_usable<'a>(
        &'a self,
        keys: &'a [String],
        _usable: Usable<'a, P>,
    ) -> BackendFuture<'a, Vec<Option<CachedValue<P>>>> {
        self.get_multi(keys)
    }

    fn get_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, Vec<Option<CachedValue<P>>>> {
        try_join(keys.iter().map(|k| self.get(k)).collect())
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<P>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            for (k, v) in items {
                self.set(&k, v, ttl).await?;
            }
            Ok(())
        }
        .boxed_local()
    }

    fn delete_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, ()> {
        try_join(keys.iter().map(|k| self.delete(k)).collect()).map(|r| r.map(drop)).boxed_local()
    }
}

/// Runs `ops` concurrently: their results in order, or the first error (the others are dropped).
/// What `futures::future::try_join_all` does, without its ordered-stream machinery, which cost
/// the wasm module several KB; every pending operation is polled again on each wake.
fn try_join<'a, T: 'a>(ops: Vec<BackendFuture<'a, T>>) -> BackendFuture<'a, Vec<T>> {
    let mut pending: Vec<Option<BackendFuture<'a, T>>> = ops.into_iter().map(Some).collect();
    let mut done: Vec<Option<T>> = pending.iter().map(|_| None).collect();
    future::poll_fn(move |cx| {
        let mut finished = true;
        for (slot, out) in pending.iter_mut().zip(done.iter_mut()) {
            let Some(op) = slot else { continue };
            match op.as_mut().poll(cx) {
                Poll::Ready(Ok(v)) => {
                    *out = Some(v);
                    *slot = None;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => finished = false,
            }
        }
        if finished {
            Poll::Ready(Ok(done.iter_mut().filter_map(Option::take).collect()))
        } else {
            Poll::Pending
        }
    })
    .boxed_local()
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use futures::FutureExt;

    use super::{try_join, BackendFuture};
    use crate::error::Error;

    /// Pending once (waking itself), then ready: an operation that waits on I/O.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    fn op<'a>(log: &'a RefCell<Vec<String>>, name: &'static str, fails: bool) -> BackendFuture<'a, &'static str> {
        async move {
            log.borrow_mut().push(format!("start {name}"));
            YieldOnce(false).await;
            log.borrow_mut().push(format!("end {name}"));
            if fails {
                return Err(Error::backend(name));
            }
            Ok(name)
        }
        .boxed_local()
    }

    #[test]
    fn runs_every_operation_at_once_and_answers_in_order() {
        let log = RefCell::new(Vec::new());
        let joined = try_join(vec![op(&log, "a", false), op(&log, "b", false), op(&log, "c", false)]);
        assert_eq!(futures::executor::block_on(joined).ok(), Some(vec!["a", "b", "c"]));
        assert_eq!(log.into_inner(), ["start a", "start b", "start c", "end a", "end b", "end c"]);
    }

    #[test]
    fn the_first_error_wins_and_the_rest_are_dropped() {
        let log = RefCell::new(Vec::new());
        let joined = try_join(vec![op(&log, "a", false), op(&log, "b", true), op(&log, "c", false)]);
        let err = futures::executor::block_on(joined).err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains('b')), "{err:?}");
        // "c" was not polled again after "b" failed.
        assert_eq!(log.into_inner(), ["start a", "start b", "start c", "end a", "end b"]);
    }

    #[test]
    fn no_operations_is_an_empty_answer() {
        let joined = try_join::<()>(Vec::new());
        assert_eq!(futures::executor::block_on(joined).ok(), Some(Vec::new()));
    }
}
