//! Errors cross into JS as instances of the JS layer's error classes, created through a factory
//! the JS layer installs once, so `instanceof` works with the classes users import.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorKind};

thread_local! {
    static FACTORY: RefCell<Option<Function>> = const { RefCell::new(None) };
    static NO_VALUE: RefCell<JsValue> = RefCell::new(JsValue::UNDEFINED);
}

/// Called once by the JS layer: the `NO_VALUE` sentinel and `makeError(name, message, cause)`.
#[wasm_bindgen]
pub fn install(no_value: JsValue, make_error: Function) {
    NO_VALUE.with(|n| *n.borrow_mut() = no_value);
    FACTORY.with(|f| *f.borrow_mut() = Some(make_error));
}

pub fn no_value() -> JsValue {
    NO_VALUE.with(|n| n.borrow().clone())
}

/// A creator's own error goes back exactly as thrown; every other kind becomes a typed error.
pub fn to_js(err: Error) -> JsValue {
    let cause = err.cause::<JsValue>().cloned();
    if err.kind() == ErrorKind::Creator {
        if let Some(c) = cause {
            return c;
        }
    }
    let cause = cause.unwrap_or(JsValue::UNDEFINED);
    let made = FACTORY.with(|f| {
        f.borrow().as_ref().and_then(|make| {
            make.call3(&JsValue::UNDEFINED, &err.kind().name().into(), &err.message().into(), &cause).ok()
        })
    });
    made.unwrap_or_else(|| js_sys::Error::new(&err.to_string()).into())
}
