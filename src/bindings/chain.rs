//! A region backend made of JS objects: the outermost `ProxyBackend` of a `wrap: [...]` chain (or
//! any object with get/set/delete...). What comes back up the chain is read here: a
//! `CachedValue` object, or bytes in the MessagePack envelope (decoded once, at the top), or
//! `NO_VALUE`. Anything else is reported and read as a miss.

use futures::FutureExt;
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::latest_key::LatestKey;

use super::callbacks::settle_method;
use super::errors::{cached_value_from_js, cached_value_to_js, from_backend_js, is_no_value};
use super::js_codec;
use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::rc::Rc;

/// Where unreadable items are reported: the region's own reporter, set once it exists.
pub type Reporter = Rc<RefCell<Option<Box<dyn Fn(&str, &Error)>>>>;

#[wasm_bindgen]
extern "C" {
    /// The object at the top of a chain (a proxy, a custom backend, `KvWrites`), called
    /// structurally: each method by name, as the object defines it.
    pub type JsBackend;
    #[wasm_bindgen(method, catch, js_name = get)]
    fn get(this: &JsBackend, key: &JsValue) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = set)]
    fn set(this: &JsBackend, key: &str, item: &JsValue, options: &JsValue) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = delete)]
    fn delete(this: &JsBackend, key: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getMulti)]
    fn get_multi(this: &JsBackend, keys: &Array) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setMulti)]
    fn set_multi(this: &JsBackend, mapping: &Object, options: &JsValue) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteMulti)]
    fn delete_multi(this: &JsBackend, keys: &Array) -> std::result::Result<JsValue, JsValue>;
    /// `this[name]`, read only after a call threw: was the method missing?
    #[wasm_bindgen(method, structural, indexing_getter)]
    fn member(this: &JsBackend, name: &str) -> JsValue;

    /// The `setMulti` mapping (key → item) and the `{ ttl }` options of writes.
    type Fields;
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn put(this: &Fields, key: &str, value: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_ttl(this: &Fields, seconds: f64);
}

/// How the chain answered a read the JS layer made itself. Cloned cheaply: a peek decodes a
/// copy, so that no borrow of the slot is held while JS runs.
#[derive(Clone)]
pub enum Prefetched {
    /// What a byte store returned, already copied into wasm.
    Bytes(Rc<Vec<u8>>),
    /// Anything else it returned (a CachedValue, NO_VALUE, …).
    Item(JsValue),
    /// What the read threw or rejected with.
    Failed(JsValue),
}

impl Prefetched {
    /// The answer as a region value (`None`: nothing stored); an error for an unreadable answer
    /// or a failed read (whose own error `get` reports instead).
    fn decoded(&self) -> Result<Option<CachedValue<JsValue>>> {
        match self {
            Prefetched::Bytes(bytes) => js_codec::decode(bytes).map(Some),
            Prefetched::Item(item) => decode(item),
            Prefetched::Failed(_) => Err(Error::backend("the read failed")),
        }
    }
}

pub struct ChainBackend {
    target: JsBackend,
    reporter: Reporter,
    /// The latest call's key: a read of it hands the chain the caller's own JS string.
    latest: LatestKey,
    /// What the JS layer read itself for the call under way (see `RegionCore::get_or_create_read`):
    /// the next get of that key takes it instead of calling the chain.
    prefetched: RefCell<Option<(String, Prefetched)>>,
}

impl ChainBackend {
    pub fn new(target: JsValue, reporter: Reporter) -> Self {
        ChainBackend {
            target: target.unchecked_into(),
            reporter,
            latest: LatestKey::default(),
            prefetched: RefCell::default(),
        }
    }

    /// Hands the next get of `key` how the chain answered a read the JS layer made itself.
    pub fn prefetch(&self, key: String, answer: Prefetched) {
        *self.prefetched.borrow_mut() = Some((key, answer));
    }

    /// Forgets a prefetched answer nobody took (the call joined another read).
    pub fn clear_prefetch(&self) {
        self.prefetched.borrow_mut().take();
    }

    /// A write of `key` makes a prefetched answer for it out of date (a listener or a value check
    /// may write the key during the call that holds it).
    fn drop_prefetched(&self, key: &str) {
        let mut slot = self.prefetched.borrow_mut();
        if slot.as_ref().is_some_and(|(k, _)| k == key) {
            *slot = None;
        }
    }

    fn take_prefetched(&self, key: &str) -> Option<Prefetched> {
        let mut slot = self.prefetched.borrow_mut();
        match slot.take() {
            Some((k, item)) if k == key => Some(item),
            other => {
                *slot = other;
                None
            }
        }
    }

    /// The key of a call about to reach the chain (before any mangling).
    pub fn remember(&self, key: &str, js: &JsValue) {
        self.latest.remember(key, js.clone());
    }

    fn js_key(&self, key: &str) -> JsValue {
        self.latest.js(key)
    }

    /// The outcome of one method call on the target, settled. A call that throws because the
    /// target has no such method is reported as that, not as a failure of the backend.
    async fn settle(&self, name: &str, called: std::result::Result<JsValue, JsValue>) -> Result<JsValue> {
        settle_method("backend", name, |n| self.target.member(n).is_function(), called).await
    }

    /// What the chain returned, as a region value. Unreadable items are misses, reported.
    fn read(&self, key: &str, item: &JsValue) -> Option<CachedValue<JsValue>> {
        self.reported(key, decode(item))
    }

    /// A decoded read; an unreadable one is a miss, reported.
    fn reported(&self, key: &str, decoded: Result<Option<CachedValue<JsValue>>>) -> Option<CachedValue<JsValue>> {
        match decoded {
            Ok(cv) => cv,
            Err(e) => {
                if let Some(report) = self.reporter.borrow().as_ref() {
                    report(key, &e);
                }
                None
            }
        }
    }
}

/// What the chain returned, as a region value (`None`: nothing stored).
fn decode(item: &JsValue) -> Result<Option<CachedValue<JsValue>>> {
    // Bytes first: what a byte store (KV) returns on a hit, told apart in one call.
    if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
        js_codec::decode(&bytes.to_vec()).map(Some)
    } else if is_no_value(item) || item.is_undefined() {
        Ok(None)
    } else if item.is_instance_of::<js_sys::ArrayBuffer>() {
        js_codec::decode(&Uint8Array::new(item).to_vec()).map(Some)
    } else {
        cached_value_from_js(item).map(Some).ok_or_else(|| {
            Error::backend(
                "the backend returned something that is neither a CachedValue, MessagePack bytes nor NO_VALUE",
            )
        })
    }
}

impl Backend<JsValue> for ChainBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: false, bounded: false }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<JsValue>>> {
        if let Some(answer) = self.take_prefetched(key) {
            let read = match answer {
                Prefetched::Failed(error) => Err(from_backend_js(error)),
                answer => Ok(self.reported(key, answer.decoded())),
            };
            return futures::future::ready(read).boxed_local();
        }
        async move { Ok(self.read(key, &self.settle("get", self.target.get(&self.js_key(key))).await?)) }.boxed_local()
    }

    /// A value the JS layer has just read for this call (see `prefetch`), left in place for the
    /// get that follows when the region cannot serve it as it is. Anything else needs I/O.
    fn peek(&self, key: &str) -> Option<Option<CachedValue<JsValue>>> {
        // Decoded outside the borrow: reading an item runs JS (its getters), which may write the
        // key, and that write drops the answer from the slot.
        let answer = match self.prefetched.borrow().as_ref()? {
            (k, answer) if k == key => answer.clone(),
            _ => return None,
        };
        // Unreadable or failed: the get reports it.
        answer.decoded().ok()
    }

    /// The third argument, `{ ttl }` in seconds (-1: never), lets stores that reclaim space
    /// physically (KV, the Cache API) keep values long enough to serve them stale.
    fn set<'a>(&'a self, key: &'a str, value: CachedValue<JsValue>, ttl: Ttl) -> BackendFuture<'a, ()> {
        self.drop_prefetched(key);
        async move {
            let called = self.target.set(key, &cached_value_to_js(&value), &ttl_options(ttl));
            self.settle("set", called).await.map(drop)
        }
        .boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        self.drop_prefetched(key);
        async move { self.settle("delete", self.target.delete(key)).await.map(drop) }.boxed_local()
    }

    fn get_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, Vec<Option<CachedValue<JsValue>>>> {
        async move {
            let arr: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
            let out = self.settle("getMulti", self.target.get_multi(&arr)).await?;
            if !Array::is_array(&out) {
                return Err(Error::validation("getMulti() must return an array"));
            }
            let out = Array::from(&out);
            Ok(keys.iter().zip(0u32..).map(|(k, i)| self.read(k, &out.get(i))).collect())
        }
        .boxed_local()
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<JsValue>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        items.iter().for_each(|(k, _)| self.drop_prefetched(k));
        async move {
            // A null-prototype object: keys such as "__proto__" stay plain entries.
            let mapping: Object = Object::create(&JsValue::NULL.unchecked_into::<Object>());
            for (k, v) in &items {
                mapping.unchecked_ref::<Fields>().put(k, &cached_value_to_js(v));
            }
            self.settle("setMulti", self.target.set_multi(&mapping, &ttl_options(ttl))).await.map(drop)
        }
        .boxed_local()
    }

    fn delete_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, ()> {
        keys.iter().for_each(|k| self.drop_prefetched(k));
        async move {
            let arr: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
            self.settle("deleteMulti", self.target.delete_multi(&arr)).await.map(drop)
        }
        .boxed_local()
    }
}

fn ttl_options(ttl: Ttl) -> JsValue {
    let opts = Object::new();
    opts.unchecked_ref::<Fields>().set_ttl(ttl.as_seconds().unwrap_or(-1.0));
    opts.into()
}
