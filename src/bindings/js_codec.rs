//! The MessagePack envelope for JS payloads: encoded straight from the JS value (serde
//! transcoding, no intermediate tree), decoded into plain JS data. Same layout as `codec.rs`.

use js_sys::{Array, Object, Uint8Array};
use rmpv::Value;
use wasm_bindgen::prelude::*;

use crate::api::CachedValue;
use crate::error::{Error, Result};

/// Nesting allowed when decoding; the JS layer refuses deeper values before they are stored.
const MAX_DEPTH: usize = 300;

pub fn encode(cv: &CachedValue<JsValue>) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    let fail = |e: &dyn std::fmt::Display| Error::validation(format!("cannot encode the value as MessagePack: {e}"));
    rmp::encode::write_array_len(&mut out, 2).map_err(|e| fail(&e))?;
    write_js(&mut out, &cv.payload, 0)?;
    // [ct: f64, v: u32], [ct, v, [tags]] or [ct, v, [tags], δ: f32], as codec::encode writes it.
    let len = match (&cv.tags, cv.duration) {
        (_, Some(_)) => 4,
        (Some(_), None) => 3,
        (None, None) => 2,
    };
    rmp::encode::write_array_len(&mut out, len).map_err(|e| fail(&e))?;
    rmp::encode::write_f64(&mut out, cv.metadata.ct).map_err(|e| fail(&e))?;
    rmp::encode::write_uint(&mut out, u64::from(cv.metadata.v)).map_err(|e| fail(&e))?;
    if len > 2 {
        let tags: &[String] = cv.tags.as_deref().unwrap_or_default();
        rmp::encode::write_array_len(&mut out, tags.len() as u32).map_err(|e| fail(&e))?;
        for tag in tags.iter() {
            rmp::encode::write_str(&mut out, tag).map_err(|e| fail(&e))?;
        }
    }
    if let Some(d) = cv.duration {
        rmp::encode::write_f32(&mut out, d as f32).map_err(|e| fail(&e))?;
    }
    Ok(out)
}

/// Plain JS data → MessagePack, walking the value directly (no serde layer: smaller module).
/// Integers that are safe in JS become MessagePack integers, other numbers float64.
fn write_js(out: &mut Vec<u8>, v: &JsValue, depth: usize) -> Result<()> {
    use rmp::encode as w;
    let fail = |what: &str| Error::validation(format!("cannot encode {what} as MessagePack"));
    // Writing into a Vec cannot fail; the error types differ per call, hence a generic fn.
    fn io<E>(_: E) -> Error {
        Error::validation("cannot write MessagePack")
    }
    if depth > MAX_DEPTH {
        return Err(fail("a value this deeply nested"));
    }
    if v.is_null() || v.is_undefined() {
        w::write_nil(out).map_err(io)?;
    } else if let Some(b) = v.as_bool() {
        w::write_bool(out, b).map_err(io)?;
    } else if let Some(n) = v.as_f64() {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        if n.fract() == 0.0 && n.abs() <= SAFE && !(n == 0.0 && n.is_sign_negative()) {
            w::write_sint(out, n as i64).map_err(io)?;
        } else {
            w::write_f64(out, n).map_err(io)?;
        }
    } else if let Some(s) = v.as_string() {
        w::write_str(out, &s).map_err(io)?;
    } else if v.is_bigint() {
        let big = v.clone().unchecked_into::<js_sys::BigInt>();
        if let Ok(i) = i64::try_from(big.clone()) {
            w::write_sint(out, i).map_err(io)?;
        } else if let Ok(u) = u64::try_from(big) {
            w::write_uint(out, u).map_err(io)?;
        } else {
            return Err(fail("a BigInt outside 64 bits"));
        }
    } else if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        w::write_bin(out, &bytes.to_vec()).map_err(io)?;
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        w::write_bin(out, &Uint8Array::new(v).to_vec()).map_err(io)?;
    } else if let Some(arr) = v.dyn_ref::<Array>() {
        w::write_array_len(out, arr.length()).map_err(io)?;
        for item in arr.iter() {
            write_js(out, &item, depth + 1)?;
        }
    } else if v.is_object() {
        let entries = Object::entries(v.unchecked_ref::<Object>());
        w::write_map_len(out, entries.length()).map_err(io)?;
        for entry in entries.iter() {
            let pair = entry.unchecked_into::<Array>();
            let key = pair.get(0).as_string().ok_or_else(|| fail("a non-string key"))?;
            w::write_str(out, &key).map_err(io)?;
            write_js(out, &pair.get(1), depth + 1)?;
        }
    } else {
        return Err(fail("a function or symbol"));
    }
    Ok(())
}

pub fn decode(bytes: &[u8]) -> Result<CachedValue<JsValue>> {
    let (payload, parsed) = crate::codec::parse_envelope(bytes, MAX_DEPTH)?;
    let payload = to_js(payload)
        .ok_or_else(|| Error::backend("stored bytes are not an edgepile value: payload is not plain data"))?;
    Ok(CachedValue { payload, metadata: parsed.metadata, tags: parsed.tags, duration: parsed.duration })
}

/// MessagePack → plain JS data. Map keys must be strings; objects are built with
/// `Object.fromEntries`, so a key such as `__proto__` stays data and never becomes a prototype.
fn to_js(v: Value) -> Option<JsValue> {
    Some(match v {
        Value::Nil => JsValue::NULL,
        Value::Boolean(b) => JsValue::from_bool(b),
        Value::Integer(i) => {
            const SAFE: i64 = (1 << 53) - 1;
            match (i.as_i64(), i.as_u64()) {
                (Some(n), _) if (-SAFE..=SAFE).contains(&n) => JsValue::from_f64(n as f64),
                (Some(n), _) => JsValue::from(n),
                (None, Some(n)) => JsValue::from(n),
                (None, None) => return None,
            }
        }
        Value::F32(f) => JsValue::from_f64(f as f64),
        Value::F64(f) => JsValue::from_f64(f),
        Value::String(s) => JsValue::from_str(s.as_str()?),
        Value::Binary(b) => Uint8Array::from(b.as_slice()).into(),
        Value::Array(items) => {
            let arr = Array::new_with_length(items.len() as u32);
            for (i, item) in items.into_iter().enumerate() {
                arr.set(i as u32, to_js(item)?);
            }
            arr.into()
        }
        Value::Map(entries) => {
            let pairs = Array::new();
            for (k, v) in entries {
                let Value::String(k) = k else { return None };
                pairs.push(&Array::of2(&JsValue::from_str(k.as_str()?), &to_js(v)?));
            }
            Object::from_entries(&pairs).ok()?.into()
        }
        Value::Ext(..) => return None,
    })
}
