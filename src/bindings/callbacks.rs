//! Calling user JS from Rust: creators (sync or async), hooks, the clock.

use std::rc::Rc;

use futures::FutureExt;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use super::errors::is_no_value;
use crate::error::{Error, ErrorKind, Result};
use crate::region::{Checked, ValueCheck};

/// Awaits `value` if it is a promise (or any thenable); returns it as it is otherwise.
pub async fn settle(value: JsValue) -> std::result::Result<JsValue, JsValue> {
    if value.is_instance_of::<Promise>() {
        super::promises::wait(value.unchecked_into()).await
    } else if is_thenable(&value) {
        super::promises::wait(Promise::resolve(&value)).await
    } else {
        Ok(value)
    }
}

/// The settled outcome of a method call on a user-supplied object (a backend chain, a lease
/// client). A call that throws because the object has no such method (`has` says whether it
/// does) is a ValidationError naming it (`the <what> has no <name>() method`), not a failure of
/// the object.
pub async fn settle_method(
    what: &str,
    name: &str,
    has: impl FnOnce(&str) -> bool,
    called: std::result::Result<JsValue, JsValue>,
) -> Result<JsValue> {
    let out = called.map_err(|e| {
        if has(name) {
            super::errors::from_backend_js(e)
        } else {
            Error::validation(format!("the {what} has no {name}() method"))
        }
    })?;
    settle(out).await.map_err(super::errors::from_backend_js)
}

#[wasm_bindgen]
extern "C" {
    type MaybeThenable;
    /// `value.then`, read structurally: no property-name string crosses the boundary.
    #[wasm_bindgen(method, getter, catch)]
    fn then(this: &MaybeThenable) -> std::result::Result<JsValue, JsValue>;
}

fn is_thenable(value: &JsValue) -> bool {
    value.is_object() && value.unchecked_ref::<MaybeThenable>().then().is_ok_and(|t| t.is_function())
}

/// Runs a JS creator with no arguments; whatever it throws or rejects with is the error.
pub async fn call_creator(creator: Function) -> Result<JsValue> {
    let out = creator.call0(&JsValue::UNDEFINED).map_err(Error::creator)?;
    settle(out).await.map_err(Error::creator)
}

/// Runs a JS multi creator as `creator(...keys)`; it must produce an array.
pub async fn call_multi_creator(creator: Function, keys: Vec<String>) -> Result<Vec<JsValue>> {
    let args: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
    let out = creator.apply(&JsValue::UNDEFINED, &args).map_err(Error::creator)?;
    let out = settle(out).await.map_err(Error::creator)?;
    if !Array::is_array(&out) {
        return Err(Error::validation("the multi creator must return (or resolve to) an array with one value per key"));
    }
    Ok(Array::from(&out).to_vec())
}

/// A JS predicate over a value; a throw is reported to the caller as the creator's failure.
pub fn call_predicate(f: &Function, value: &JsValue) -> Result<bool> {
    f.call1(&JsValue::UNDEFINED, value).map(|r| r.is_truthy()).map_err(Error::creator)
}

/// A JS key mangler: must return a string.
pub fn call_mangler(f: &Function, key: &str) -> Result<String> {
    let out = f
        .call1(&JsValue::UNDEFINED, &JsValue::from_str(key))
        .map_err(|e| Error::validation("the keyMangler threw").with_cause(e))?;
    out.as_string().ok_or_else(|| Error::new(ErrorKind::Validation, "the keyMangler must return a string"))
}

/// A JS clock in milliseconds, as `Date.now()`; the core counts seconds.
pub fn call_clock(f: &Function) -> f64 {
    match f.call0(&JsValue::UNDEFINED).ok().and_then(|v| v.as_f64()) {
        Some(ms) if ms.is_finite() => ms / 1000.0,
        _ => js_sys::Date::now() / 1000.0,
    }
}

/// A draw in [0, 1) from an injected `random()`; anything else falls back to `Math.random()`.
pub fn call_random(f: &Function) -> f64 {
    match f.call0(&JsValue::UNDEFINED).ok().and_then(|v| v.as_f64()) {
        Some(r) if (0.0..1.0).contains(&r) => r,
        _ => js_sys::Math::random(),
    }
}

/// The JS layer's value check (checkValue and migrate, normalized by `src/js/check-value.js`):
/// `check(value)` returns, or resolves to, `undefined` (serve it), `NO_VALUE` (a miss), or
/// `[replacement, store]`. What it throws (a migrate that failed) reaches the caller as thrown.
pub fn value_check(check: Function) -> ValueCheck<JsValue> {
    Rc::new(move |payload: &JsValue| {
        let out = check.call1(&JsValue::UNDEFINED, payload);
        async move {
            let out = settle(out.map_err(Error::creator)?).await.map_err(Error::creator)?;
            Ok(if is_no_value(&out) {
                Checked::Miss
            } else if Array::is_array(&out) {
                let pair = Array::from(&out);
                if pair.get(1).is_truthy() {
                    Checked::Store(pair.get(0))
                } else {
                    Checked::Serve(pair.get(0))
                }
            } else {
                Checked::Keep
            })
        }
        .boxed_local()
    })
}
