//! Rust types for the JS values MessagePack extensions carry, so a Rust Worker reads and writes
//! what a JS Worker caches: a `Date` is a [`Timestamp`], a `BigInt` a [`BigInt`]. Other JS-only
//! values reach serde in the Rust type that fits (see [`crate::ext::normalize`]): a `Map` reads as
//! a map, a `Set` or a typed array as a sequence, `undefined` as `None`. Anything else
//! deserializes into `rmpv::Value` without loss.
//!
//! ```
//! use edgepile::values::Timestamp;
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Order { id: u32, created_at: Timestamp }
//! let order = Order { id: 1, created_at: Timestamp::from_unix_millis(1_700_000_000_123.0) };
//! assert_eq!(order.created_at.unix_millis(), 1_700_000_000_123.0); // a JS Date, in KV
//! ```

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::ext;

/// MessagePack's timestamp extension (-1): what a JS `Date` is stored as. Nanosecond precision;
/// a JS `Date` keeps milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since the Unix epoch (negative before 1970).
    pub seconds: i64,
    /// Nanoseconds within the second, below 1,000,000,000.
    pub nanos: u32,
}

impl Timestamp {
    /// From a JS `Date`'s time value (milliseconds since the epoch).
    pub fn from_unix_millis(ms: f64) -> Timestamp {
        let (seconds, nanos) = ext::parse_timestamp(&ext::timestamp_from_millis(ms)).unwrap_or((0, 0));
        Timestamp { seconds, nanos }
    }

    /// Milliseconds since the epoch, as `Date.getTime()` gives them.
    pub fn unix_millis(&self) -> f64 {
        self.seconds as f64 * 1000.0 + f64::from(self.nanos / 1_000_000)
    }
}

/// A JS `BigInt` (extension 2) within 128 bits. A `BigInt` that fits 64 bits also reads into
/// `i64`/`u64`; this type is for writing one (so JS reads a `BigInt`, not a `Number`) and for
/// reading wider ones. Wider than 128 bits is an error here; `rmpv::Value` keeps any width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BigInt(pub i128);

/// An extension as rmp-serde writes one: a newtype of `(type, bytes)` under its marker name.
fn serialize_ext<S: Serializer>(s: S, ty: i8, data: &[u8]) -> Result<S::Ok, S::Error> {
    struct Raw<'a>(&'a [u8]);
    impl Serialize for Raw<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
    s.serialize_newtype_struct(rmp_serde::MSGPACK_EXT_STRUCT_NAME, &(ty, Raw(data)))
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_ext(s, ext::TIMESTAMP, &ext::timestamp_data(self.seconds, self.nanos.min(999_999_999)))
    }
}

impl Serialize for BigInt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_ext(s, ext::BIGINT, self.0.to_string().as_bytes())
    }
}

/// An extension's `(type, data)`, as the MessagePack deserializers hand it to a newtype visitor.
struct Ext(i8, Vec<u8>);

impl<'de> Deserialize<'de> for Ext {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bytes(Vec<u8>);
        impl<'de> Deserialize<'de> for Bytes {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Bytes;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("bytes")
                    }
                    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                        Ok(Bytes(v.to_vec()))
                    }
                    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                        Ok(Bytes(v))
                    }
                }
                d.deserialize_bytes(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ext;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a MessagePack extension")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ext, A::Error> {
                let ty: i8 = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let data: Bytes = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                Ok(Ext(ty, data.0))
            }
        }
        d.deserialize_tuple(2, V)
    }
}

/// Reads an extension, or (for [`BigInt`]) a plain integer, through `deserialize_any`.
struct ExtOrInt;

enum Read {
    Ext(Ext),
    Int(i128),
}

impl<'de> Visitor<'de> for ExtOrInt {
    type Value = Read;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MessagePack extension or an integer")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Read, D::Error> {
        Ext::deserialize(d).map(Read::Ext)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read, E> {
        Ok(Read::Int(i128::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read, E> {
        Ok(Read::Int(i128::from(v)))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_newtype_struct(rmp_serde::MSGPACK_EXT_STRUCT_NAME, ExtOrInt)? {
            Read::Ext(Ext(ext::TIMESTAMP, data)) => ext::parse_timestamp(&data)
                .map(|(seconds, nanos)| Timestamp { seconds, nanos })
                .ok_or_else(|| de::Error::custom("a timestamp extension of the wrong length")),
            _ => Err(de::Error::custom("expected a timestamp (MessagePack extension -1)")),
        }
    }
}

impl<'de> Deserialize<'de> for BigInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(ExtOrInt)? {
            Read::Int(n) => Ok(BigInt(n)),
            Read::Ext(Ext(ext::BIGINT, data)) => ext::bigint_to_i128(&data)
                .map(BigInt)
                .ok_or_else(|| de::Error::custom("a BigInt wider than 128 bits (read it as rmpv::Value)")),
            Read::Ext(_) => Err(de::Error::custom("expected a BigInt (MessagePack extension 2)")),
        }
    }
}
