//! Stores nothing: every read misses. For turning caching off without changing call sites.

use futures::future::{ready, FutureExt};

use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};

#[derive(Clone, Copy, Debug, Default)]
pub struct NullBackend;

impl<P: 'static> Backend<P> for NullBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: false, sync_reads: true, bounded: false }
    }

    fn get<'a>(&'a self, _key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>> {
        ready(Ok(None)).boxed_local()
    }

    fn set<'a>(&'a self, _key: &'a str, _value: CachedValue<P>, _ttl: Ttl) -> BackendFuture<'a, ()> {
        ready(Ok(())).boxed_local()
    }

    fn delete<'a>(&'a self, _key: &'a str) -> BackendFuture<'a, ()> {
        ready(Ok(())).boxed_local()
    }

    fn peek(&self, _key: &str) -> Option<Option<CachedValue<P>>> {
        Some(None)
    }
}
