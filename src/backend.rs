//! The async backend trait. Backends store [`CachedValue`]s under string keys and never decide
//! expiry. No `Send` bound: a Worker isolate is single-threaded and JS values are not `Send`.

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
        future::try_join_all(keys.iter().map(|k| self.get(k))).boxed_local()
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
        async move {
            future::try_join_all(keys.iter().map(|k| self.delete(k))).await?;
            Ok(())
        }
        .boxed_local()
    }
}
