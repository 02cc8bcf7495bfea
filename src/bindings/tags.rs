//! An entry's tags across the boundary: a JS array of strings, or `undefined` for none.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::api::Tags;

pub fn tags_to_js(tags: &Tags) -> JsValue {
    match tags {
        Some(tags) => tags.iter().map(|t| JsValue::from_str(t)).collect::<Array>().into(),
        None => JsValue::UNDEFINED,
    }
}

/// `None` for anything but an array of strings (the JS layer checks tags before they are stored).
pub fn tags_from_js(v: &JsValue) -> Tags {
    let arr = v.dyn_ref::<Array>()?;
    let tags: Option<Vec<String>> = arr.iter().map(|t| t.as_string()).collect();
    Some(tags?.into())
}

pub fn tags_of(list: Option<Vec<String>>) -> Tags {
    list.filter(|l| !l.is_empty()).map(Into::into)
}
