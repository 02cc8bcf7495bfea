//! The key of the latest call as both a Rust and a JS string. A store or chain called with that
//! key is handed the caller's own JS string rather than one decoded anew from wasm memory
//! (decoding the same key back was a third of a miss's time in the boundary).

use std::cell::RefCell;

use wasm_bindgen::JsValue;

pub struct LatestKey(RefCell<(String, JsValue)>);

impl Default for LatestKey {
    fn default() -> Self {
        LatestKey(RefCell::new((String::new(), JsValue::UNDEFINED)))
    }
}

impl LatestKey {
    /// The key of a call about to reach the store (before any mangling), as the caller passed it.
    pub fn remember(&self, key: &str, js: JsValue) {
        let mut latest = self.0.borrow_mut();
        latest.0.clear();
        latest.0.push_str(key);
        latest.1 = js;
    }

    /// `key` as a JS string: the caller's own when it is the latest key.
    pub fn js(&self, key: &str) -> JsValue {
        let latest = self.0.borrow();
        if latest.0 == key {
            latest.1.clone()
        } else {
            JsValue::from_str(key)
        }
    }
}
