//! `StoreHandle`: the terminal backend of a proxy chain as JS sees it (`region.actualBackend`,
//! and the `proxied` of the innermost proxy). Synchronous, since its stores live in the isolate.
//! (A region's memory backend without proxies lives on the JS side: `src/js/memory-store.js`.)
//!
//! - `items`: the memory store under a proxy chain; it keeps exactly what the innermost proxy
//!   hands it (a `CachedValue`, or a codec's bytes or text) and returns it unchanged.
//! - `null`: keeps nothing.

use std::rc::Rc;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::errors::{no_value, to_js};
use crate::backends::MemoryStore;
use crate::error::Error;

#[derive(Clone)]
enum Store {
    Items(Rc<MemoryStore<JsValue>>),
    Null,
}

#[wasm_bindgen]
pub struct StoreHandle {
    store: Store,
}

#[wasm_bindgen]
impl StoreHandle {
    /// A bounded LRU of a proxy chain's items.
    pub fn memory(max_entries: u32) -> StoreHandle {
        StoreHandle { store: Store::Items(Rc::new(MemoryStore::new(max_entries as usize))) }
    }

    pub fn null() -> StoreHandle {
        StoreHandle { store: Store::Null }
    }

    pub fn get(&self, key: &str) -> JsValue {
        match &self.store {
            Store::Items(m) => m.read(key),
            Store::Null => None,
        }
        .unwrap_or_else(no_value)
    }

    pub fn set(&self, key: &str, item: JsValue) -> Result<(), JsValue> {
        match &self.store {
            Store::Items(m) => m.write(key, item),
            Store::Null => {}
        }
        Ok(())
    }

    pub fn delete(&self, key: &str) {
        match &self.store {
            Store::Items(m) => m.remove(key),
            Store::Null => {}
        }
    }

    #[wasm_bindgen(js_name = getMulti)]
    pub fn get_multi(&self, keys: Array) -> Result<Array, JsValue> {
        keys.iter().map(|k| Ok(self.get(&key_of(&k)?))).collect()
    }

    /// `mapping`: an object of key → item.
    #[wasm_bindgen(js_name = setMulti)]
    pub fn set_multi(&self, mapping: Object) -> Result<(), JsValue> {
        for entry in Object::entries(&mapping).iter() {
            let pair = Array::from(&entry);
            self.set(&key_of(&pair.get(0))?, pair.get(1))?;
        }
        Ok(())
    }

    #[wasm_bindgen(js_name = deleteMulti)]
    pub fn delete_multi(&self, keys: Array) -> Result<(), JsValue> {
        for k in keys.iter() {
            self.delete(&key_of(&k)?);
        }
        Ok(())
    }

    /// The stored keys, most recently used first.
    pub fn keys(&self) -> Array {
        let keys = match &self.store {
            Store::Items(m) => m.keys(),
            Store::Null => Vec::new(),
        };
        keys.into_iter().map(JsValue::from).collect()
    }
}

fn key_of(k: &JsValue) -> Result<String, JsValue> {
    k.as_string().ok_or_else(|| to_js(Error::validation("keys must be strings")))
}
