//! What crosses into JS: errors as instances of the JS layer's classes, `NO_VALUE`, and
//! `CachedValue` objects, all made through factories the JS layer installs once, so
//! `instanceof` works with the classes users import.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::api::{CachedValue, Metadata};
use crate::error::{Error, ErrorKind};

#[derive(Default)]
struct Installed {
    no_value: JsValue,
    make_error: Option<Function>,
    make_cached_value: Option<Function>,
}

thread_local! {
    static INSTALLED: RefCell<Installed> = RefCell::new(Installed::default());
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// A panic aborts the wasm instance; say so clearly first, with where it happened. No panic is
/// reachable from the public API (no unwrap/expect/indexing in library code; fuzzed decoders):
/// this is the last word if that ever stops being true.
fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!(
            "edgepile: internal error (a Rust panic; this wasm instance is now unusable, please report it): {info}"
        ));
    }));
}

/// Called once by the JS layer; `await_into` is `(promise, id) => …` (see `promises`).
#[wasm_bindgen]
pub fn install(no_value: JsValue, make_error: Function, make_cached_value: Function, await_into: Function) {
    report_panics();
    super::promises::set_await_into(await_into);
    INSTALLED.with(|i| {
        *i.borrow_mut() =
            Installed { no_value, make_error: Some(make_error), make_cached_value: Some(make_cached_value) }
    });
}

pub fn no_value() -> JsValue {
    INSTALLED.with(|i| i.borrow().no_value.clone())
}

pub fn is_no_value(v: &JsValue) -> bool {
    INSTALLED.with(|i| &i.borrow().no_value == v)
}

/// A JS `CachedValue` (falls back to a plain object if the JS layer is not installed).
pub fn cached_value_to_js(cv: &CachedValue<JsValue>) -> JsValue {
    let made = INSTALLED.with(|i| {
        i.borrow().make_cached_value.as_ref().and_then(|f| {
            let (m, tags) = (&cv.metadata, super::tags::tags_to_js(&cv.tags));
            let (ct, v, version) = (m.ct.into(), m.v.into(), m.value_version.into());
            let d = cv.duration.map_or(JsValue::UNDEFINED, JsValue::from_f64);
            let args: js_sys::Array = [cv.payload.clone(), ct, v, tags, version, d].into_iter().collect();
            f.apply(&JsValue::UNDEFINED, &args).ok()
        })
    });
    made.unwrap_or(JsValue::UNDEFINED)
}

/// Reads `{ payload, metadata: { ct, v } }`; `None` if `v` is not shaped so.
pub fn cached_value_from_js(v: &JsValue) -> Option<CachedValue<JsValue>> {
    if !v.is_object() {
        return None;
    }
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let meta = get(v, "metadata")?;
    let ct = get(&meta, "ct")?.as_f64()?;
    let version = get(&meta, "v")?.as_f64()?;
    if !(0.0..=u32::MAX as f64).contains(&version) || version.fract() != 0.0 {
        return None;
    }
    let value_version = match get(&meta, "valueVersion")?.as_f64() {
        None => 0,
        Some(n) if (0.0..=u32::MAX as f64).contains(&n) && n.fract() == 0.0 => n as u32,
        Some(_) => return None,
    };
    let tags = get(&meta, "tags").and_then(|t| super::tags::tags_from_js(&t));
    let metadata = Metadata { ct, v: version as u32, value_version };
    let duration = get(&meta, "d").and_then(|d| d.as_f64()).filter(|d| d.is_finite() && *d > 0.0);
    Some(CachedValue { payload: get(v, "payload")?, metadata, tags, duration })
}

/// An error thrown by user JS (a proxy, a custom backend) that is already one of ours keeps its
/// class; anything else becomes a `BackendError` whose cause is the original.
pub fn from_backend_js(err: JsValue) -> Error {
    let name = js_sys::Reflect::get(&err, &"name".into()).ok().and_then(|n| n.as_string());
    let ours = matches!(
        name.as_deref(),
        Some(
            "ValidationError"
                | "BackendError"
                | "LockTimeout"
                | "TimeoutError"
                | "RegionNotConfigured"
                | "RegionAlreadyConfigured"
        )
    );
    if ours && err.is_instance_of::<js_sys::Error>() {
        Error::rethrow(err)
    } else {
        Error::backend("the backend failed").with_cause(err)
    }
}

/// A creator's own error, and our own errors passing through user code, go back exactly as
/// thrown; every other kind becomes a typed error.
pub fn to_js(err: Error) -> JsValue {
    let cause = err.cause::<JsValue>().cloned();
    if err.kind() == ErrorKind::Creator || err.is_rethrow() {
        if let Some(c) = cause {
            return c;
        }
    }
    let cause = cause.unwrap_or(JsValue::UNDEFINED);
    let made = INSTALLED.with(|i| {
        i.borrow().make_error.as_ref().and_then(|make| {
            make.call3(&JsValue::UNDEFINED, &err.kind().name().into(), &err.message().into(), &cause).ok()
        })
    });
    made.unwrap_or_else(|| js_sys::Error::new(&err.to_string()).into())
}
