//! A bounded LRU of live values in the isolate: no serialization, synchronous reads.

use std::cell::RefCell;
use std::num::NonZeroUsize;

use futures::future::{ready, FutureExt};
use lru::LruCache;

use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};

/// Entries kept when `maxEntries` is not given.
pub const DEFAULT_MAX_ENTRIES: usize = 10_000;

pub struct MemoryBackend<P> {
    entries: RefCell<LruCache<String, CachedValue<P>>>,
}

impl<P: Clone> MemoryBackend<P> {
    /// At most `max_entries` values (0 is read as 1); the least recently used go first.
    pub fn new(max_entries: usize) -> Self {
        let cap = NonZeroUsize::new(max_entries).unwrap_or(NonZeroUsize::MIN);
        MemoryBackend { entries: RefCell::new(LruCache::new(cap)) }
    }

    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored keys, most recently used first.
    pub fn keys(&self) -> Vec<String> {
        self.entries.borrow().iter().map(|(k, _)| k.clone()).collect()
    }

    fn read(&self, key: &str) -> Option<CachedValue<P>> {
        self.entries.borrow_mut().get(key).cloned()
    }
}

impl<P: Clone> Default for MemoryBackend<P> {
    fn default() -> Self {
        MemoryBackend::new(DEFAULT_MAX_ENTRIES)
    }
}

impl<P: Clone + 'static> Backend<P> for MemoryBackend<P> {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: true, bounded: true }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>> {
        ready(Ok(self.read(key))).boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, _ttl: Ttl) -> BackendFuture<'a, ()> {
        self.entries.borrow_mut().put(key.to_owned(), value);
        ready(Ok(())).boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        self.entries.borrow_mut().pop(key);
        ready(Ok(())).boxed_local()
    }

    fn peek(&self, key: &str) -> Option<Option<CachedValue<P>>> {
        Some(self.read(key))
    }
}
