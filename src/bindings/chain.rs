//! A region backend made of JS objects: the outermost `ProxyBackend` of a `wrap: [...]` chain (or
//! any object with get/set/delete...). What comes back up the chain is read here: a
//! `CachedValue` object, or bytes in the MessagePack envelope (decoded once, at the top), or
//! `NO_VALUE`. Anything else is reported and read as a miss.

use futures::FutureExt;
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::callbacks::settle;
use super::errors::{cached_value_from_js, cached_value_to_js, from_backend_js, is_no_value};
use super::js_codec;
use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::rc::Rc;

/// Where unreadable items are reported: the region's own reporter, set once it exists.
pub type Reporter = Rc<RefCell<Option<Box<dyn Fn(&str, &Error)>>>>;

pub struct ChainBackend {
    target: JsValue,
    reporter: Reporter,
}

impl ChainBackend {
    pub fn new(target: JsValue, reporter: Reporter) -> Self {
        ChainBackend { target, reporter }
    }

    async fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue> {
        let f = js_sys::Reflect::get(&self.target, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| Error::validation(format!("the backend has no {method}() method")))?;
        let out = f.apply(&self.target, &args.iter().collect::<Array>()).map_err(from_backend_js)?;
        settle(out).await.map_err(from_backend_js)
    }

    /// What the chain returned, as a region value. Unreadable items are misses, reported.
    fn read(&self, key: &str, item: JsValue) -> Option<CachedValue<JsValue>> {
        if is_no_value(&item) || item.is_undefined() {
            return None;
        }
        let decoded = if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
            js_codec::decode(&bytes.to_vec())
        } else if item.is_instance_of::<js_sys::ArrayBuffer>() {
            js_codec::decode(&Uint8Array::new(&item).to_vec())
        } else {
            cached_value_from_js(&item).ok_or_else(|| {
                Error::backend(
                    "the backend returned something that is neither a CachedValue, MessagePack bytes nor NO_VALUE",
                )
            })
        };
        match decoded {
            Ok(cv) => Some(cv),
            Err(e) => {
                if let Some(report) = self.reporter.borrow().as_ref() {
                    report(key, &e);
                }
                None
            }
        }
    }
}

impl Backend<JsValue> for ChainBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: false, bounded: false }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<JsValue>>> {
        async move { Ok(self.read(key, self.call("get", &[key.into()]).await?)) }.boxed_local()
    }

    /// The third argument, `{ ttl }` in seconds (-1: never), lets stores that reclaim space
    /// physically (KV, the Cache API) keep values long enough to serve them stale.
    fn set<'a>(&'a self, key: &'a str, value: CachedValue<JsValue>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move { self.call("set", &[key.into(), cached_value_to_js(&value), ttl_options(ttl)]).await.map(drop) }
            .boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        async move { self.call("delete", &[key.into()]).await.map(drop) }.boxed_local()
    }

    fn get_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, Vec<Option<CachedValue<JsValue>>>> {
        async move {
            let arr: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
            let out = self.call("getMulti", &[arr.into()]).await?;
            if !Array::is_array(&out) {
                return Err(Error::validation("getMulti() must return an array"));
            }
            let out = Array::from(&out);
            Ok(keys.iter().zip(0u32..).map(|(k, i)| self.read(k, out.get(i))).collect())
        }
        .boxed_local()
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<JsValue>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            // A null-prototype object: keys such as "__proto__" stay plain entries.
            let mapping: Object = Object::create(&JsValue::NULL.unchecked_into::<Object>());
            for (k, v) in &items {
                js_sys::Reflect::set(&mapping, &JsValue::from_str(k), &cached_value_to_js(v))
                    .map_err(|_| Error::validation("cannot build the setMulti mapping"))?;
            }
            self.call("setMulti", &[mapping.into(), ttl_options(ttl)]).await.map(drop)
        }
        .boxed_local()
    }

    fn delete_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, ()> {
        async move {
            let arr: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
            self.call("deleteMulti", &[arr.into()]).await.map(drop)
        }
        .boxed_local()
    }
}

fn ttl_options(ttl: Ttl) -> JsValue {
    let opts = Object::new();
    let _ = js_sys::Reflect::set(&opts, &"ttl".into(), &ttl.as_seconds().unwrap_or(-1.0).into());
    opts.into()
}
