//! The MessagePack envelope for JS payloads: encoded straight from the JS value (no
//! intermediate tree), decoded into JS values. Same layout as `codec.rs`. What structuredClone
//! keeps and MessagePack has no type for travels as an extension (`crate::ext`, docs/values.md):
//! Dates, Maps, Sets, BigInts, typed arrays, `undefined`, holes, RegExps, and shared references
//! (an object met twice is written once, then referenced, so it reads back as one object).
//! Cycles are an error here; the JS layer (storable.js) refuses them, and every type this does
//! not know, with the path, before anything is stored.

use std::cell::RefCell;

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::api::CachedValue;
use crate::codec::MAX_DEPTH;
use crate::error::{Error, Result};
use crate::ext;
use crate::msgpack::{write, Reader, Token};

#[wasm_bindgen]
extern "C" {
    /// `Object.prototype.toString.call(v)`: "[object Date]", "[object Map]"... One call tells
    /// every built-in type apart, where `instanceof` would take one call per candidate.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call)]
    fn object_tag(v: &JsValue) -> String;

    /// An `ArrayBuffer` view: a typed array or a `DataView`.
    type View;
    #[wasm_bindgen(method, getter)]
    fn buffer(this: &View) -> js_sys::ArrayBuffer;
    #[wasm_bindgen(method, getter, js_name = byteOffset)]
    fn byte_offset(this: &View) -> f64;
    #[wasm_bindgen(method, getter, js_name = byteLength)]
    fn byte_length(this: &View) -> f64;

    /// An object being decoded, given its fields one call each.
    type Fields;
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn put(this: &Fields, key: &JsValue, value: &JsValue);
}

/// Slots of each string cache below (a power of two) and the longest string they keep.
const STRING_SLOTS: usize = 64;
const STRING_MAX: usize = 32;

/// Strings decoded lately, as JS strings: a string made from wasm memory costs a TextDecoder
/// call each time. Direct-mapped, bounded.
struct Strings(Vec<Slot>);

struct Slot {
    text: Box<str>,
    js: JsValue,
    /// The hash of the latest string that missed here, for admission on its second sight.
    knocked: u32,
}

impl Strings {
    fn new() -> Self {
        Strings(
            (0..STRING_SLOTS).map(|_| Slot { text: Box::from(""), js: JsValue::from_str(""), knocked: 0 }).collect(),
        )
    }

    /// `text` as a JS string, from the cache when it was decoded lately. A miss takes the slot
    /// at once when `eager`, otherwise only if the same string missed there last (so strings
    /// seen once, such as ids, do not push out those that repeat).
    fn get(&mut self, text: &str, eager: bool) -> JsValue {
        if text.len() > STRING_MAX {
            return JsValue::from_str(text);
        }
        let hash = text.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        let Some(slot) = self.0.get_mut(hash as usize % STRING_SLOTS) else { return JsValue::from_str(text) };
        if &*slot.text == text {
            return slot.js.clone();
        }
        let js = JsValue::from_str(text);
        if eager || slot.knocked == hash {
            slot.text = Box::from(text);
            slot.js = js.clone();
        } else {
            slot.knocked = hash;
        }
        js
    }
}

thread_local! {
    /// Object keys: values of one shape repeat their keys.
    static KEYS: RefCell<Strings> = RefCell::new(Strings::new());
    /// Short string values: kinds, states, names often repeat across values; ids do not.
    static VALUES: RefCell<Strings> = RefCell::new(Strings::new());
}

fn js_key(key: &str) -> JsValue {
    KEYS.with(|keys| keys.borrow_mut().get(key, true))
}

fn js_string(text: &str) -> JsValue {
    VALUES.with(|values| values.borrow_mut().get(text, false))
}

thread_local! {
    /// `Object.prototype`: a plain object's prototype, told apart with one comparison.
    static OBJECT_PROTOTYPE: JsValue = Object::get_prototype_of(&Object::new()).into();
}

fn refuse(what: &str) -> Error {
    Error::validation(format!("cannot encode {what} as MessagePack"))
}

fn too_large() -> Error {
    refuse("a value over 4 GiB")
}

pub fn encode(cv: &CachedValue<JsValue>) -> Result<Vec<u8>> {
    let mut e = Encoder { out: Vec::with_capacity(64), seen: None, done: Vec::new() };
    write::array_len(&mut e.out, 2);
    e.value(&cv.payload, 0)?;
    // [ct: f64, v: u32], then [tags] if any, then the region's value version if any (tags or
    // nil before it), then δ: f32 if known (the value version before it), as codec::encode
    // writes them.
    let m = &cv.metadata;
    let len = match (&cv.tags, m.value_version, cv.duration) {
        (_, _, Some(_)) => 5,
        (None, 0, None) => 2,
        (Some(_), 0, None) => 3,
        _ => 4,
    };
    write::array_len(&mut e.out, len);
    write::f64(&mut e.out, m.ct);
    write::uint(&mut e.out, u64::from(m.v));
    match &cv.tags {
        Some(tags) => {
            write::array_len(&mut e.out, u32::try_from(tags.len()).map_err(|_| too_large())?);
            for tag in tags.iter() {
                write::str(&mut e.out, tag).ok_or_else(too_large)?;
            }
        }
        None if len >= 4 => write::nil(&mut e.out),
        None => {}
    }
    if len >= 4 {
        write::uint(&mut e.out, u64::from(m.value_version));
    }
    if let Some(d) = cv.duration {
        write::f32(&mut e.out, d as f32);
    }
    Ok(e.out)
}

struct Encoder {
    out: Vec<u8>,
    /// Objects written so far → their index; made on the first object.
    seen: Option<js_sys::Map>,
    /// Per index: written completely (a reference to an unfinished one would be a cycle).
    done: Vec<bool>,
}

impl Encoder {
    fn value(&mut self, v: &JsValue, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(refuse("a value this deeply nested"));
        }
        if v.is_undefined() {
            self.ext(ext::UNDEFINED, &[])
        } else if v.is_null() {
            write::nil(&mut self.out);
            Ok(())
        } else if let Some(b) = v.as_bool() {
            write::bool(&mut self.out, b);
            Ok(())
        } else if let Some(n) = v.as_f64() {
            // Integers that are safe in JS become MessagePack integers, other numbers (-0,
            // NaN, ±Infinity among them) float64.
            const SAFE: f64 = 9_007_199_254_740_991.0;
            if n.fract() == 0.0 && n.abs() <= SAFE && !(n == 0.0 && n.is_sign_negative()) {
                write::int(&mut self.out, n as i64);
            } else {
                write::f64(&mut self.out, n);
            }
            Ok(())
        } else if let Some(s) = v.as_string() {
            write::str(&mut self.out, &s).ok_or_else(too_large)
        } else if v.is_bigint() {
            self.ext(ext::BIGINT, &bigint_data(v.unchecked_ref())?)
        } else if v.is_object() {
            self.object(v, depth)
        } else {
            Err(refuse("a function or symbol"))
        }
    }

    /// An object: written once, then referenced by its index.
    fn object(&mut self, v: &JsValue, depth: usize) -> Result<()> {
        let seen = self.seen.get_or_insert_with(js_sys::Map::new);
        if let Some(index) = seen.get(v).as_f64() {
            let index = index as usize;
            if self.done.get(index) != Some(&true) {
                return Err(refuse("a circular structure"));
            }
            return self.ext(ext::REFERENCE, &minimal_be(index as u64));
        }
        let index = self.done.len();
        seen.set(v, &JsValue::from_f64(index as f64));
        self.done.push(false);
        self.write_object(v, depth)?;
        if let Some(done) = self.done.get_mut(index) {
            *done = true;
        }
        Ok(())
    }

    fn write_object(&mut self, v: &JsValue, depth: usize) -> Result<()> {
        if let Some(arr) = v.dyn_ref::<Array>() {
            return self.array(arr, depth);
        }
        let proto = Object::get_prototype_of(v);
        if proto.is_null() || OBJECT_PROTOTYPE.with(|p| JsValue::from(proto) == *p) {
            return self.plain(v, depth);
        }
        let tag = object_tag(v);
        let name = tag.strip_prefix("[object ").and_then(|t| t.strip_suffix(']')).unwrap_or_default();
        match name {
            "Date" => {
                let ms = v.unchecked_ref::<js_sys::Date>().get_time();
                if ms.is_nan() {
                    self.ext(ext::INVALID_DATE, &[])
                } else {
                    self.ext(ext::TIMESTAMP, &ext::timestamp_from_millis(ms))
                }
            }
            "Uint8Array" => write::bin(&mut self.out, &view_bytes(v)).ok_or_else(too_large),
            "ArrayBuffer" => self.ext(ext::ARRAY_BUFFER, &Uint8Array::new(v).to_vec()),
            "DataView" => self.ext(ext::DATA_VIEW, &view_bytes(v)),
            "Map" => {
                let outer = self.begin_nested();
                let entries = Array::from(v);
                write::map_len(&mut self.out, entries.length());
                let written = entries.iter().try_for_each(|entry| {
                    let pair = entry.unchecked_into::<Array>();
                    self.value(&pair.get(0), depth + 1)?;
                    self.value(&pair.get(1), depth + 1)
                });
                self.end_nested(ext::MAP, outer, written)
            }
            "Set" => {
                let outer = self.begin_nested();
                let items = Array::from(v);
                write::array_len(&mut self.out, items.length());
                let written = items.iter().try_for_each(|item| self.value(&item, depth + 1));
                self.end_nested(ext::SET, outer, written)
            }
            "RegExp" => {
                let outer = self.begin_nested();
                let re = v.unchecked_ref::<js_sys::RegExp>();
                write::array_len(&mut self.out, 2);
                let written = write::str(&mut self.out, &String::from(re.source()))
                    .and_then(|_| write::str(&mut self.out, &String::from(re.flags())))
                    .ok_or_else(too_large);
                self.end_nested(ext::REGEXP, outer, written)
            }
            _ => match ext::TYPED_ARRAYS.iter().find(|(_, n, _)| *n == name) {
                Some((ty, _, _)) => self.ext(*ty, &view_bytes(v)),
                None => Err(refuse(&format!("a {}", if name == "Object" { "class instance" } else { name }))),
            },
        }
    }

    fn array(&mut self, arr: &Array, depth: usize) -> Result<()> {
        let len = arr.length();
        write::array_len(&mut self.out, len);
        for i in 0..len {
            let item = arr.get(i);
            // A hole reads as undefined; only then is it worth asking which of the two it is.
            if item.is_undefined() && !js_sys::Reflect::has(arr, &JsValue::from(i)).unwrap_or(true) {
                self.ext(ext::HOLE, &[])?;
            } else {
                self.value(&item, depth + 1)?;
            }
        }
        Ok(())
    }

    fn plain(&mut self, v: &JsValue, depth: usize) -> Result<()> {
        let entries = Object::entries(v.unchecked_ref::<Object>());
        write::map_len(&mut self.out, entries.length());
        for entry in entries.iter() {
            let pair = entry.unchecked_into::<Array>();
            let key = pair.get(0).as_string().ok_or_else(|| refuse("a non-string key"))?;
            write::str(&mut self.out, &key).ok_or_else(too_large)?;
            self.value(&pair.get(1), depth + 1)?;
        }
        Ok(())
    }

    fn ext(&mut self, ty: i8, data: &[u8]) -> Result<()> {
        write::ext(&mut self.out, ty, data).ok_or_else(too_large)
    }

    /// Starts an extension whose data is MessagePack (a Map's entries...): what follows is
    /// written apart, sharing the references table (an object inside a Map may be one outside).
    fn begin_nested(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Ends it: the data written since `begin_nested` becomes the extension `ty` in `outer`.
    fn end_nested(&mut self, ty: i8, outer: Vec<u8>, written: Result<()>) -> Result<()> {
        let inner = std::mem::replace(&mut self.out, outer);
        written?;
        self.ext(ty, &inner)
    }
}

/// The bytes a typed array or DataView sees (not the rest of its buffer).
fn view_bytes(v: &JsValue) -> Vec<u8> {
    let view = v.unchecked_ref::<View>();
    Uint8Array::new_with_byte_offset_and_length(&view.buffer(), view.byte_offset() as u32, view.byte_length() as u32)
        .to_vec()
}

/// `n` big-endian in as few bytes as hold it (at least one).
fn minimal_be(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len() - 1);
    bytes.get(start..).unwrap_or_default().to_vec()
}

/// A BigInt as extension data: its decimal digits.
fn bigint_data(big: &js_sys::BigInt) -> Result<Vec<u8>> {
    Ok(String::from(big.to_string(10).map_err(|_| refuse("this BigInt"))?).into_bytes())
}

/// A BigInt from extension data; `None` unless the digits are in the one form edgepile writes.
fn bigint_value(data: &[u8]) -> Option<JsValue> {
    if !ext::bigint_well_formed(data) {
        return None;
    }
    js_sys::BigInt::new(&JsValue::from_str(std::str::from_utf8(data).ok()?)).ok().map(JsValue::from)
}

fn corrupt(why: &str) -> Error {
    Error::backend(format!("stored bytes are not an edgepile value: {why}"))
}

/// The envelope `[payload, metadata]` straight into JS values, token by token.
pub fn decode(bytes: &[u8]) -> Result<CachedValue<JsValue>> {
    let mut r = Reader::new(bytes);
    if r.token() != Some(Token::Array(2)) {
        return Err(corrupt("not a [payload, metadata] pair"));
    }
    // The objects table is kept between decodes: a hit then allocates nothing for it. A decode
    // run from inside another (a setter on Object.prototype reaching the region) takes a new one.
    let mut objects = OBJECTS.with(|o| o.try_borrow_mut().map(|mut o| std::mem::take(&mut *o)).unwrap_or_default());
    let mut decoder = Decoder { objects };
    let payload = decoder.value(&mut r, MAX_DEPTH);
    objects = decoder.objects;
    objects.clear();
    if objects.capacity() <= KEPT_OBJECTS {
        OBJECTS.with(|o| {
            if let Ok(mut o) = o.try_borrow_mut() {
                *o = objects;
            }
        });
    }
    let payload = payload.ok_or_else(|| corrupt("the payload is not a value edgepile wrote"))?;
    let (metadata, tags, duration) = r.metadata_timed().ok_or_else(|| corrupt("bad metadata"))?;
    if r.remaining() != 0 {
        return Err(corrupt("trailing data"));
    }
    Ok(CachedValue { payload, metadata, tags, duration })
}

/// The most objects the kept table holds room for between decodes (a large value's table is
/// dropped, not kept).
const KEPT_OBJECTS: usize = 64;

thread_local! {
    static OBJECTS: RefCell<Vec<Option<JsValue>>> = const { RefCell::new(Vec::new()) };
}

/// MessagePack → JS values. Map keys of objects must be strings; a key `__proto__` stays data
/// and never becomes a prototype.
/// `None` for anything edgepile does not write (the region reads it as a miss).
struct Decoder {
    /// Objects in the order they were first written, for references; `None` while being built.
    objects: Vec<Option<JsValue>>,
}

impl Decoder {
    fn value(&mut self, r: &mut Reader<'_>, depth: usize) -> Option<JsValue> {
        let token = r.token()?;
        self.token(token, r, depth)
    }

    fn token(&mut self, t: Token<'_>, r: &mut Reader<'_>, depth: usize) -> Option<JsValue> {
        let depth = depth.checked_sub(1)?;
        Some(match t {
            Token::Nil => JsValue::NULL,
            Token::Bool(b) => JsValue::from_bool(b),
            Token::Int(n) => {
                // Integers another writer (a Rust Worker) stored beyond JS's safe range: BigInt.
                const SAFE: i64 = (1 << 53) - 1;
                if (-SAFE..=SAFE).contains(&n) {
                    JsValue::from_f64(n as f64)
                } else {
                    JsValue::from(n)
                }
            }
            Token::Uint(n) => JsValue::from(n),
            Token::F32(f) => JsValue::from_f64(f64::from(f)),
            Token::F64(f) => JsValue::from_f64(f),
            Token::Str(b) => js_string(std::str::from_utf8(b).ok()?),
            Token::Ext(ext::UNDEFINED, _) => JsValue::UNDEFINED,
            Token::Ext(ext::BIGINT, data) => bigint_value(data)?,
            Token::Ext(ext::REFERENCE, data) => {
                let index =
                    data.iter().try_fold(0usize, |acc, b| acc.checked_mul(256)?.checked_add(usize::from(*b)))?;
                self.objects.get(index)?.clone()?
            }
            object => {
                let slot = self.objects.len();
                self.objects.push(None);
                let made = self.object(object, r, depth)?;
                *self.objects.get_mut(slot)? = Some(made.clone());
                made
            }
        })
    }

    fn object(&mut self, t: Token<'_>, r: &mut Reader<'_>, depth: usize) -> Option<JsValue> {
        Some(match t {
            Token::Bin(b) => Uint8Array::from(b).into(),
            Token::Array(n) => {
                // Every item takes a byte at least: a longer claim is a lie, not an allocation.
                if n as usize > r.remaining() {
                    return None;
                }
                let arr = Array::new_with_length(n);
                for i in 0..n {
                    let item = r.token()?;
                    // A hole is left as one: the array was made with its length and no elements.
                    if !matches!(item, Token::Ext(ext::HOLE, _)) {
                        arr.set(i, self.token(item, r, depth)?);
                    }
                }
                arr.into()
            }
            Token::Map(n) => {
                if n as usize > r.remaining() {
                    return None;
                }
                let object = Object::new();
                for _ in 0..n {
                    let Token::Str(k) = r.token()? else { return None };
                    let key = std::str::from_utf8(k).ok()?;
                    let value = self.value(r, depth)?;
                    if key == "__proto__" {
                        // An assignment would set the prototype: defined as data, as `fromEntries` does.
                        let field = |name: &str, v: &JsValue| Array::of2(&name.into(), v);
                        let descriptor = Object::from_entries(&Array::of4(
                            &field("value", &value),
                            &field("writable", &JsValue::TRUE),
                            &field("enumerable", &JsValue::TRUE),
                            &field("configurable", &JsValue::TRUE),
                        ))
                        .ok()?;
                        Object::define_property(&object, &key.into(), &descriptor);
                    } else {
                        object.unchecked_ref::<Fields>().put(&js_key(key), &value);
                    }
                }
                object.into()
            }
            Token::Ext(ext::TIMESTAMP, data) => js_sys::Date::new(&ext::timestamp_to_millis(data)?.into()).into(),
            Token::Ext(ext::INVALID_DATE, _) => js_sys::Date::new(&f64::NAN.into()).into(),
            Token::Ext(ext::MAP, data) => {
                let mut inner = Reader::new(data);
                let Token::Map(n) = inner.token()? else { return None };
                let map = js_sys::Map::new();
                for _ in 0..n {
                    let key = self.value(&mut inner, depth)?;
                    map.set(&key, &self.value(&mut inner, depth)?);
                }
                (inner.remaining() == 0).then_some(map.into())?
            }
            Token::Ext(ext::SET, data) => {
                let mut inner = Reader::new(data);
                let Token::Array(n) = inner.token()? else { return None };
                let set = js_sys::Set::new(&JsValue::UNDEFINED);
                for _ in 0..n {
                    set.add(&self.value(&mut inner, depth)?);
                }
                (inner.remaining() == 0).then_some(set.into())?
            }
            Token::Ext(ext::REGEXP, data) => {
                let mut inner = Reader::new(data);
                let (Token::Array(2), Token::Str(source), Token::Str(flags)) =
                    (inner.token()?, inner.token()?, inner.token()?)
                else {
                    return None;
                };
                let text = |b| std::str::from_utf8(b).ok().map(JsValue::from_str);
                let args = Array::of2(&text(source)?, &text(flags)?);
                (inner.remaining() == 0).then_some(())?;
                construct("RegExp", &args)?
            }
            Token::Ext(ext::ARRAY_BUFFER, data) => Uint8Array::from(data).buffer().into(),
            Token::Ext(ext::DATA_VIEW, data) => construct("DataView", &Array::of1(&Uint8Array::from(data).buffer()))?,
            Token::Ext(ty, data) => {
                let (name, size) = ext::typed_array(ty)?;
                if data.len() % size != 0 {
                    return None;
                }
                construct(name, &Array::of1(&Uint8Array::from(data).buffer()))?
            }
            _ => return None,
        })
    }
}

/// `new globalThis[name](...args)`; `None` if the runtime has no such constructor (an older one
/// without `Float16Array`) or it throws (a RegExp source from corrupted bytes).
fn construct(name: &str, args: &Array) -> Option<JsValue> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?;
    js_sys::Reflect::construct(ctor.dyn_ref::<js_sys::Function>()?, args).ok()
}
