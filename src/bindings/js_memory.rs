//! The memory backend of a JS region, as the core sees it. Its values live on the JS side
//! (`src/js/memory-store.js`), where the region's hit path reads them without entering wasm;
//! the core reaches them here for everything else (misses, stale values, writes).

use futures::future::{ready, FutureExt};
use wasm_bindgen::prelude::*;

use super::latest_key::LatestKey;
use super::tags::{tags_from_js, tags_to_js};
use crate::api::{CachedValue, Metadata, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};
use crate::backends::L1Store;

#[wasm_bindgen]
extern "C" {
    /// A `MemoryStore` of the JS layer: a bounded LRU of entries (memory-store.js).
    pub type JsMemoryStore;
    /// The entry for `key` (marking it recently used), or `undefined`; also `undefined` when
    /// `now` is past the time the entry was written with (an L1 entry's).
    #[wasm_bindgen(method, js_name = readEntry)]
    fn read_entry(this: &JsMemoryStore, key: &JsValue, now: f64) -> Option<JsEntry>;
    #[wasm_bindgen(method, js_name = writeEntry)]
    #[allow(clippy::too_many_arguments)]
    fn write_entry(
        this: &JsMemoryStore,
        key: &JsValue,
        payload: &JsValue,
        ct: f64,
        v: u32,
        until: Option<f64>,
        tags: &JsValue,
        value_version: u32,
        d: Option<f64>,
    );
    #[wasm_bindgen(method, js_name = removeEntry)]
    fn remove_entry(this: &JsMemoryStore, key: &JsValue);
    #[wasm_bindgen(method, getter)]
    fn dropped(this: &JsMemoryStore) -> f64;

    /// A stored entry: a CachedValue's payload and metadata fields, flattened (memory-store.js
    /// `Entry`); the store checked them when they were written.
    type JsEntry;
    #[wasm_bindgen(method, getter)]
    fn payload(this: &JsEntry) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn ct(this: &JsEntry) -> f64;
    #[wasm_bindgen(method, getter)]
    fn v(this: &JsEntry) -> f64;
    #[wasm_bindgen(method, getter)]
    fn tags(this: &JsEntry) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = valueVersion)]
    fn value_version(this: &JsEntry) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn d(this: &JsEntry) -> Option<f64>;
}

pub struct JsMemory {
    store: JsMemoryStore,
    /// The latest call's key: the store is called with the caller's own JS string.
    latest: LatestKey,
}

impl JsMemory {
    pub fn new(store: JsMemoryStore) -> Self {
        JsMemory { store, latest: LatestKey::default() }
    }

    /// The key of a call about to reach the store (before any mangling).
    pub fn remember(&self, key: &str, js: JsValue) {
        self.latest.remember(key, js);
    }

    fn js_key(&self, key: &str) -> JsValue {
        self.latest.js(key)
    }

    fn read(&self, key: &str, now: f64) -> Option<CachedValue<JsValue>> {
        let entry = self.store.read_entry(&self.js_key(key), now)?;
        // A version that is not a u32 cannot be ours: it reads as another version (a miss).
        let version =
            |v: f64| if (0.0..=u32::MAX as f64).contains(&v) && v.fract() == 0.0 { v as u32 } else { u32::MAX };
        let metadata =
            Metadata { ct: entry.ct(), v: version(entry.v()), value_version: entry.value_version().map_or(0, version) };
        let tags = tags_from_js(&entry.tags());
        Some(CachedValue { payload: entry.payload(), metadata, tags, duration: entry.d() })
    }
}

impl Backend<JsValue> for JsMemory {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: true, bounded: true }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<JsValue>>> {
        ready(Ok(self.read(key, f64::NEG_INFINITY))).boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<JsValue>, _ttl: Ttl) -> BackendFuture<'a, ()> {
        let m = &value.metadata;
        let tags = tags_to_js(&value.tags);
        self.store.write_entry(
            &self.js_key(key),
            &value.payload,
            m.ct,
            m.v,
            None,
            &tags,
            m.value_version,
            value.duration,
        );
        ready(Ok(())).boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        self.store.remove_entry(&self.js_key(key));
        ready(Ok(())).boxed_local()
    }

    fn peek(&self, key: &str) -> Option<Option<CachedValue<JsValue>>> {
        Some(self.read(key, f64::NEG_INFINITY))
    }
}

/// As the L1 of a tiered region.
impl L1Store<JsValue> for JsMemory {
    fn read(&self, key: &str, now: f64) -> Option<CachedValue<JsValue>> {
        JsMemory::read(self, key, now)
    }

    fn write(&self, key: &str, value: CachedValue<JsValue>, until: f64) {
        let m = &value.metadata;
        let tags = tags_to_js(&value.tags);
        self.store.write_entry(
            &self.js_key(key),
            &value.payload,
            m.ct,
            m.v,
            // The core's "no bound" is infinite; the store's is no `until` at all.
            Some(until).filter(|u| u.is_finite()),
            &tags,
            m.value_version,
            value.duration,
        );
    }

    fn remove(&self, key: &str) {
        self.store.remove_entry(&self.js_key(key));
    }

    fn dropped(&self) -> u64 {
        self.store.dropped() as u64
    }
}
