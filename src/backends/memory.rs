//! A bounded LRU in the isolate: no serialization, synchronous reads. As a region backend it
//! holds `CachedValue`s of live values; under a proxy chain it holds whatever the innermost
//! proxy hands it (bytes from a codec, say), as the terminal store.

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::num::NonZeroUsize;

use futures::future::{ready, FutureExt};
use lru::LruCache;

use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};

/// Entries kept when `maxEntries` is not given.
pub const DEFAULT_MAX_ENTRIES: usize = 10_000;

pub struct MemoryStore<V> {
    // std's hasher, as the region's own maps use: one hasher in the wasm module, not two.
    entries: RefCell<LruCache<String, V, RandomState>>,
}

/// The memory backend of a region: live values with their metadata.
pub type MemoryBackend<P> = MemoryStore<CachedValue<P>>;

impl<V: Clone> MemoryStore<V> {
    /// At most `max_entries` values (0 is read as 1); the least recently used go first.
    pub fn new(max_entries: usize) -> Self {
        let cap = NonZeroUsize::new(max_entries).unwrap_or(NonZeroUsize::MIN);
        MemoryStore { entries: RefCell::new(LruCache::with_hasher(cap, RandomState::new())) }
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

    /// The entry for `key`, marking it recently used.
    pub fn read(&self, key: &str) -> Option<V> {
        self.entries.borrow_mut().get(key).cloned()
    }

    pub fn write(&self, key: &str, value: V) {
        self.entries.borrow_mut().put(key.to_owned(), value);
    }

    pub fn remove(&self, key: &str) {
        self.entries.borrow_mut().pop(key);
    }
}

impl<V: Clone> Default for MemoryStore<V> {
    fn default() -> Self {
        MemoryStore::new(DEFAULT_MAX_ENTRIES)
    }
}

impl<P: Clone + 'static> Backend<P> for MemoryStore<CachedValue<P>> {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: true, bounded: true }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>> {
        ready(Ok(self.read(key))).boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, _ttl: Ttl) -> BackendFuture<'a, ()> {
        self.write(key, value);
        ready(Ok(())).boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        self.remove(key);
        ready(Ok(())).boxed_local()
    }

    fn peek(&self, key: &str) -> Option<Option<CachedValue<P>>> {
        Some(self.read(key))
    }
}
