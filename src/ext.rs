//! The MessagePack extension types edgepile writes for values MessagePack has no type for, as
//! a JS value carries them (`Date`, `Map`, `BigInt`, typed arrays, `undefined`...). One table,
//! used by the JS codec (`bindings/js_codec.rs`), by the Rust types in [`crate::values`] and by
//! [`normalize`], which turns a JS-written tree into what serde readers expect. docs/values.md
//! lists the same numbers with the bytes each costs.
//!
//! Type -1 is MessagePack's own timestamp; 0–20 are edgepile's (application types are 0–127).
//! Element data of typed arrays is little-endian, the byte order of every JS engine in use.

use rmpv::Value;

/// MessagePack's timestamp (a valid `Date`): 4, 8 or 12 bytes.
pub const TIMESTAMP: i8 = -1;
/// `undefined` (empty), distinct from `null` (nil).
pub const UNDEFINED: i8 = 0;
/// A hole of a sparse array (empty).
pub const HOLE: i8 = 1;
/// A `BigInt`: its decimal digits in ASCII, `-` first when negative (`10n` is `"10"`). Any
/// language parses them, at any size; binary would save a few bytes on very large numbers.
pub const BIGINT: i8 = 2;
/// An invalid `Date` (`new Date(NaN)`, empty): a timestamp cannot say NaN.
pub const INVALID_DATE: i8 = 3;
/// A `Map`: its data is a MessagePack map of its entries, keys of any type.
pub const MAP: i8 = 4;
/// A `Set`: its data is a MessagePack array of its elements.
pub const SET: i8 = 5;
/// A `RegExp`: its data is the MessagePack array `[source, flags]`.
pub const REGEXP: i8 = 6;
/// An `ArrayBuffer`: its bytes. (A `Uint8Array` is MessagePack's own bin.)
pub const ARRAY_BUFFER: i8 = 7;
/// A `DataView`: the bytes it sees.
pub const DATA_VIEW: i8 = 8;
/// A reference to an object met earlier in the same value (a shared reference), by its index
/// in the order objects are first written: unsigned, big-endian, as few bytes as hold it.
pub const REFERENCE: i8 = 20;

/// Typed arrays other than `Uint8Array`: extension type, constructor name, element size.
pub const TYPED_ARRAYS: [(i8, &str, usize); 11] = [
    (9, "Int8Array", 1),
    (10, "Uint8ClampedArray", 1),
    (11, "Int16Array", 2),
    (12, "Uint16Array", 2),
    (13, "Int32Array", 4),
    (14, "Uint32Array", 4),
    (15, "Float32Array", 4),
    (16, "Float64Array", 8),
    (17, "BigInt64Array", 8),
    (18, "BigUint64Array", 8),
    (19, "Float16Array", 2),
];

/// The typed array kind of an extension type: (name, element size).
pub fn typed_array(ty: i8) -> Option<(&'static str, usize)> {
    TYPED_ARRAYS.iter().find(|(t, _, _)| *t == ty).map(|(_, name, size)| (*name, *size))
}

/// Whether a value of this extension type is an object in JS (it takes an index that a
/// [`REFERENCE`] can point to). Undefined, holes and BigInts are primitives.
pub fn is_object(ty: i8) -> bool {
    !matches!(ty, UNDEFINED | HOLE | BIGINT | REFERENCE)
}

const NANOS: i64 = 1_000_000_000;

/// The timestamp extension's data for `seconds` + `nanos` since the epoch: the shortest of the
/// three forms (4 bytes for whole seconds up to 2106, 8 up to 2514, 12 otherwise).
pub fn timestamp_data(seconds: i64, nanos: u32) -> Vec<u8> {
    if (0..1 << 34).contains(&seconds) {
        if nanos == 0 && seconds < 1 << 32 {
            return (seconds as u32).to_be_bytes().to_vec();
        }
        return ((u64::from(nanos) << 34) | seconds as u64).to_be_bytes().to_vec();
    }
    let mut out = nanos.to_be_bytes().to_vec();
    out.extend_from_slice(&seconds.to_be_bytes());
    out
}

/// `(seconds, nanos)` from timestamp data; `None` unless it is 4, 8 or 12 bytes with nanos
/// below one second.
pub fn parse_timestamp(data: &[u8]) -> Option<(i64, u32)> {
    let (seconds, nanos) = match data.len() {
        4 => (i64::from(u32::from_be_bytes(data.try_into().ok()?)), 0),
        8 => {
            let v = u64::from_be_bytes(data.try_into().ok()?);
            ((v & ((1 << 34) - 1)) as i64, (v >> 34) as u32)
        }
        12 => {
            let (n, s) = data.split_at(4);
            (i64::from_be_bytes(s.try_into().ok()?), u32::from_be_bytes(n.try_into().ok()?))
        }
        _ => return None,
    };
    (i64::from(nanos) < NANOS).then_some((seconds, nanos))
}

/// Milliseconds since the epoch (a JS `Date`'s time value) as timestamp data. Fractions of a
/// millisecond, which a `Date` never has, are dropped.
pub fn timestamp_from_millis(ms: f64) -> Vec<u8> {
    let seconds = (ms / 1000.0).floor();
    let nanos = ((ms - seconds * 1000.0) * 1e6).round().clamp(0.0, 999_999_999.0);
    // A Date is within ±8.64e15 ms, so the seconds fit an i64 with room to spare.
    timestamp_data(seconds as i64, nanos as u32)
}

/// Milliseconds since the epoch from timestamp data (sub-millisecond digits dropped, as a
/// `Date` cannot hold them). Out of a `Date`'s range, the JS side makes it an invalid Date.
pub fn timestamp_to_millis(data: &[u8]) -> Option<f64> {
    let (seconds, nanos) = parse_timestamp(data)?;
    Some(seconds as f64 * 1000.0 + f64::from(nanos / 1_000_000))
}

/// BigInt data as an `i128`, if it is well-formed and fits.
pub fn bigint_to_i128(data: &[u8]) -> Option<i128> {
    if !bigint_well_formed(data) {
        return None;
    }
    std::str::from_utf8(data).ok()?.parse().ok()
}

/// Whether BigInt data is an optional `-` and decimal digits, without leading zeros (so one
/// number has one form), and not `-0`.
pub fn bigint_well_formed(data: &[u8]) -> bool {
    let digits = data.strip_prefix(b"-").unwrap_or(data);
    let canonical = match digits {
        [] => false,
        [b'0'] => digits.len() == data.len(),
        [first, ..] => *first != b'0',
    };
    canonical && digits.iter().all(u8::is_ascii_digit)
}

/// Turns what JS wrote into the tree serde readers expect, where Rust has a natural type:
/// `undefined`, holes and invalid Dates become nil (`None`), a `Map` the MessagePack map of its
/// entries, a `Set` the array of its elements, a BigInt an integer when it fits 64 bits, a
/// typed array the array of its numbers, an `ArrayBuffer` or `DataView` bin, and a shared
/// reference a copy of what it points to. Timestamps, RegExps, wider BigInts and types this
/// build does not know stay extensions (readable as [`crate::values::Timestamp`],
/// [`crate::values::BigInt`] or `rmpv::Value`). `None` for inconsistent data (a reference to
/// nothing, a Map whose data is not a map), or when copies of shared references would grow the
/// tree past `budget` nodes.
pub fn normalize(value: Value, max_depth: usize, budget: usize) -> Option<Value> {
    // Copies of objects are kept for references only when there are references: kept for every
    // object, a deep tree cost the sum of all its subtrees (a 1 MB value could take gigabytes).
    let keep = has_reference(&value, max_depth);
    let mut n = Normalizer { objects: Vec::new(), left: budget, keep };
    n.value(value, max_depth)
}

/// Whether `v` holds a shared reference anywhere (in a Map's or Set's data too).
fn has_reference(v: &Value, depth: usize) -> bool {
    let Some(depth) = depth.checked_sub(1) else { return false };
    match v {
        Value::Array(items) => items.iter().any(|x| has_reference(x, depth)),
        Value::Map(entries) => entries.iter().any(|(k, x)| has_reference(k, depth) || has_reference(x, depth)),
        Value::Ext(REFERENCE, _) => true,
        // Unreadable data fails the normalization itself.
        Value::Ext(MAP | SET, data) => read_nested(data, depth).is_some_and(|inner| has_reference(&inner, depth)),
        _ => false,
    }
}

struct Normalizer {
    /// Objects in the order they were first written, for references; `None` while being built.
    objects: Vec<Option<Value>>,
    /// Whether references need copies of the objects (see `normalize`). Those copies are not
    /// counted against `left` (a deep value with one reference would run out); what references
    /// copy out of them is.
    /// Nodes still allowed: copies made for references count against it.
    left: usize,
    keep: bool,
}

impl Normalizer {
    fn spend(&mut self, nodes: usize) -> Option<()> {
        self.left = self.left.checked_sub(nodes)?;
        Some(())
    }

    fn value(&mut self, value: Value, depth: usize) -> Option<Value> {
        self.spend(1)?;
        let depth = depth.checked_sub(1)?;
        let is_object = match &value {
            Value::Array(_) | Value::Map(_) | Value::Binary(_) => true,
            Value::Ext(ty, _) => is_object(*ty),
            _ => false,
        };
        if !is_object {
            return match value {
                Value::Ext(ty, data) => self.primitive_ext(ty, &data),
                other => Some(other),
            };
        }
        let slot = self.objects.len();
        if self.keep {
            self.objects.push(None);
        }
        let out = match value {
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.value(v, depth)).collect::<Option<_>>()?)
            }
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Some((self.value(k, depth)?, self.value(v, depth)?)))
                    .collect::<Option<_>>()?,
            ),
            Value::Ext(ty, data) => self.object_ext(ty, data, depth)?,
            other => other,
        };
        if self.keep {
            *self.objects.get_mut(slot)? = Some(out.clone());
        }
        Some(out)
    }

    fn primitive_ext(&mut self, ty: i8, data: &[u8]) -> Option<Value> {
        Some(match ty {
            UNDEFINED | HOLE => Value::Nil,
            BIGINT if !bigint_well_formed(data) => return None,
            BIGINT => match bigint_to_i128(data) {
                Some(n) => i64::try_from(n)
                    .map(Value::from)
                    .or_else(|_| u64::try_from(n).map(Value::from))
                    .unwrap_or_else(|_| Value::Ext(ty, data.to_vec())),
                None => Value::Ext(ty, data.to_vec()),
            },
            REFERENCE => {
                let index =
                    data.iter().try_fold(0usize, |acc, b| acc.checked_mul(256)?.checked_add(usize::from(*b)))?;
                let target = self.objects.get(index)?.clone()?;
                self.spend(size(&target))?;
                target
            }
            _ => Value::Ext(ty, data.to_vec()),
        })
    }

    fn object_ext(&mut self, ty: i8, data: Vec<u8>, depth: usize) -> Option<Value> {
        Some(match ty {
            INVALID_DATE => Value::Nil,
            MAP | SET => {
                let inner = read_nested(&data, depth)?;
                match (ty, inner) {
                    (MAP, Value::Map(entries)) => Value::Map(
                        entries
                            .into_iter()
                            .map(|(k, v)| Some((self.value(k, depth)?, self.value(v, depth)?)))
                            .collect::<Option<_>>()?,
                    ),
                    (SET, Value::Array(items)) => {
                        Value::Array(items.into_iter().map(|v| self.value(v, depth)).collect::<Option<_>>()?)
                    }
                    _ => return None,
                }
            }
            ARRAY_BUFFER | DATA_VIEW => Value::Binary(data),
            _ => match typed_array(ty) {
                Some((name, size)) => typed_numbers(name, size, &data)?,
                None => Value::Ext(ty, data),
            },
        })
    }
}

/// The nodes in a tree (what a copy of it costs).
fn size(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// The one MessagePack value in an extension's data (a Map's or a Set's), nothing after it.
pub fn read_nested(data: &[u8], depth: usize) -> Option<Value> {
    let mut rest = data;
    let v = rmpv::decode::read_value_with_max_depth(&mut rest, depth).ok()?;
    rest.is_empty().then_some(v)
}

/// A typed array's elements as MessagePack numbers.
fn typed_numbers(name: &str, size: usize, data: &[u8]) -> Option<Value> {
    if data.len() % size != 0 {
        return None;
    }
    let items = data.chunks_exact(size).map(|c| -> Option<Value> {
        Some(match (name, c) {
            ("Int8Array", &[b]) => Value::from(b as i8),
            ("Uint8ClampedArray", &[b]) => Value::from(b),
            ("Int16Array", _) => Value::from(i16::from_le_bytes(c.try_into().ok()?)),
            ("Uint16Array", _) => Value::from(u16::from_le_bytes(c.try_into().ok()?)),
            ("Int32Array", _) => Value::from(i32::from_le_bytes(c.try_into().ok()?)),
            ("Uint32Array", _) => Value::from(u32::from_le_bytes(c.try_into().ok()?)),
            ("Float32Array", _) => Value::F32(f32::from_le_bytes(c.try_into().ok()?)),
            ("Float64Array", _) => Value::F64(f64::from_le_bytes(c.try_into().ok()?)),
            ("BigInt64Array", _) => Value::from(i64::from_le_bytes(c.try_into().ok()?)),
            ("BigUint64Array", _) => Value::from(u64::from_le_bytes(c.try_into().ok()?)),
            ("Float16Array", _) => Value::F32(f16_to_f32(u16::from_le_bytes(c.try_into().ok()?))),
            _ => return None,
        })
    });
    Some(Value::Array(items.collect::<Option<_>>()?))
}

/// An IEEE 754 half-precision number, widened (Rust's `f16` is not stable).
fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f32::from(h & 0x3ff);
    sign * match exp {
        0 => frac * 2f32.powi(-24),
        31 if frac == 0.0 => f32::INFINITY,
        31 => f32::NAN,
        _ => (1.0 + frac / 1024.0) * 2f32.powi(exp - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_take_the_shortest_form() {
        assert_eq!(timestamp_data(1_700_000_000, 0).len(), 4);
        assert_eq!(timestamp_from_millis(1_700_000_000_123.0).len(), 8);
        assert_eq!(timestamp_from_millis(-1.0).len(), 12);
        for ms in [0.0, 1.0, -1.0, 1_700_000_000_123.0, -62_135_596_800_000.0, 8.64e15, -8.64e15] {
            assert_eq!(timestamp_to_millis(&timestamp_from_millis(ms)), Some(ms), "{ms}");
        }
        assert_eq!(parse_timestamp(&[0; 3]), None);
        assert_eq!(parse_timestamp(&[0xff; 8]), None, "nanoseconds past a second");
    }

    #[test]
    fn bigints_are_decimal_digits() {
        for (n, text) in [(0i128, "0"), (10, "10"), (-129, "-129"), (i128::MIN, &*i128::MIN.to_string())] {
            assert_eq!(bigint_to_i128(text.as_bytes()), Some(n), "{text}");
        }
        for bad in ["", "-", "-0", "007", "1e3", "+1", " 1", "0x1f"] {
            assert!(!bigint_well_formed(bad.as_bytes()), "{bad:?}");
        }
        assert_eq!(bigint_to_i128(b"170141183460469231731687303715884105728"), None, "past i128");
        assert!(bigint_well_formed(b"170141183460469231731687303715884105728"));
    }

    #[test]
    fn references_are_copied_within_a_budget() {
        // [[1], ref 1, ref 1]: the inner array is object 1 (the outer one is 0)
        let tree = Value::Array(vec![
            Value::Array(vec![Value::from(1)]),
            Value::Ext(REFERENCE, vec![1]),
            Value::Ext(REFERENCE, vec![1]),
        ]);
        let inner = Value::Array(vec![Value::from(1)]);
        assert_eq!(normalize(tree.clone(), 10, 100), Some(Value::Array(vec![inner.clone(), inner.clone(), inner])));
        assert_eq!(normalize(tree, 10, 5), None, "copies count against the budget");
        let dangling = Value::Array(vec![Value::Ext(REFERENCE, vec![0])]);
        assert_eq!(normalize(dangling, 10, 100), None, "a reference to an object still being read");
    }

    #[test]
    fn half_floats_widen() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
    }
}
