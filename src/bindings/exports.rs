//! Free functions for the JS layer: the envelope codec (for codec and compression proxies) and
//! the digests behind the key manglers (in Rust because a mangler is synchronous and WebCrypto's
//! digest is not: see docs/keys.md).

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::errors::{cached_value_from_js, cached_value_to_js, to_js};
use super::js_codec;
use crate::error::Error;

/// A `CachedValue` as the MessagePack envelope byte stores keep.
#[wasm_bindgen(js_name = encodeCachedValue)]
pub fn encode_cached_value(cv: JsValue) -> Result<Uint8Array, JsValue> {
    let cv = cached_value_from_js(&cv).ok_or_else(|| to_js(Error::validation("expected a CachedValue")))?;
    let bytes = js_codec::encode(&cv).map_err(to_js)?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// The `CachedValue` in envelope bytes; a `BackendError` if they are not one.
#[wasm_bindgen(js_name = decodeCachedValue)]
pub fn decode_cached_value(bytes: &[u8]) -> Result<JsValue, JsValue> {
    js_codec::decode(bytes).map(|cv| cached_value_to_js(&cv)).map_err(to_js)
}

/// The SHA-1 of the key's UTF-8 bytes, as 40 hex digits (dogpile's `sha1_mangle_key`; not
/// collision-resistant).
#[wasm_bindgen(js_name = sha1MangleKey)]
pub fn sha1_mangle_key(key: &str) -> String {
    crate::keys::sha1_mangle_key(key)
}

/// The SHA-256 of the key's UTF-8 bytes, as 64 hex digits.
#[wasm_bindgen(js_name = sha256MangleKey)]
pub fn sha256_mangle_key(key: &str) -> String {
    crate::keys::sha256_mangle_key(key)
}

/// Bytes as binary-safe UTF-8 text, the form KV keeps bytes that start with NUL in (see
/// `binary_text`).
#[wasm_bindgen(js_name = wrapBinary)]
pub fn wrap_binary(bytes: &[u8]) -> Vec<u8> {
    crate::binary_text::wrap(bytes)
}

/// The bytes in binary-safe text, or `undefined` if it is not that.
#[wasm_bindgen(js_name = unwrapBinary)]
pub fn unwrap_binary(stored: &[u8]) -> Option<Vec<u8>> {
    crate::binary_text::unwrap(stored)
}

/// The envelope version this build writes; entries of any other read as missing.
#[wasm_bindgen(js_name = valueVersion)]
pub fn value_version() -> u32 {
    crate::api::VALUE_VERSION
}

/// The XFetch probability (see [`crate::xfetch::probability`]): the JS hit path draws against it.
#[wasm_bindgen(js_name = earlyRefreshProbability)]
pub fn early_refresh_probability(remaining: f64, delta: f64, beta: f64) -> f64 {
    crate::xfetch::probability(remaining, delta, beta)
}

/// The names and defaults of `crate::schema` as one object: `{ events, stats, errors,
/// degradation, defaults, limits, codes }` (`codes`: numbers the JS layer reads back from the
/// core's methods).
#[wasm_bindgen]
pub fn schema() -> JsValue {
    let list = |names: &[&str]| names.iter().map(|n| JsValue::from_str(n)).collect::<js_sys::Array>();
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    };
    set("events", &list(&crate::schema::events()));
    set("stats", &list(&crate::schema::stats()));
    set("errors", &list(&crate::schema::ERROR_CLASSES));
    set("degradation", &list(&crate::schema::DEGRADATION));
    let defaults = js_sys::Object::new();
    for (k, v) in crate::schema::defaults() {
        let _ = js_sys::Reflect::set(&defaults, &JsValue::from_str(k), &JsValue::from_f64(v));
    }
    set("defaults", &defaults);
    let limits = js_sys::Object::new();
    for (k, v) in crate::schema::limits() {
        let _ = js_sys::Reflect::set(&limits, &JsValue::from_str(k), &JsValue::from_f64(v));
    }
    set("limits", &limits);
    let codes = js_sys::Object::new();
    let failed = JsValue::from_f64(f64::from(super::region_core::JOINED_FAILED));
    let _ = js_sys::Reflect::set(&codes, &JsValue::from_str("sharedFailed"), &failed);
    set("codes", &codes);
    out.into()
}

/// `limits::physical_ttl` for the JS byte stores: seconds to keep a value whose expiration is
/// `ttl` (undefined or negative: forever, answered as undefined).
#[wasm_bindgen(js_name = physicalTtl)]
pub fn physical_ttl(ttl: Option<f64>, stale_ttl: Option<f64>, floor: f64) -> Option<f64> {
    crate::limits::physical_ttl(ttl, stale_ttl, floor)
}

/// `limits::kv_key_problem`: `"reserved"`, the key's length in bytes when it is too long, or
/// undefined when Workers KV takes it.
#[wasm_bindgen(js_name = kvKeyProblem)]
pub fn kv_key_problem(key: &str) -> JsValue {
    match crate::limits::kv_key_problem(key) {
        None => JsValue::UNDEFINED,
        Some(crate::limits::KvKeyProblem::Reserved) => JsValue::from_str("reserved"),
        Some(crate::limits::KvKeyProblem::TooLong(n)) => JsValue::from_f64(n as f64),
    }
}
