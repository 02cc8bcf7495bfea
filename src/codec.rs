//! The stored form of a [`CachedValue`] in byte stores: one MessagePack array
//! `[payload, [<ct seconds>, <version>]]`, encoded once; a tagged entry adds its tags
//! (`[ct, v, [tags…]]`), and a region with a value version adds it after them (`[ct, v, [tags…]
//! or nil, valueVersion]`), and a value whose creation time δ is known (early refresh needs it,
//! [`crate::xfetch`]) adds it last as a float32 (`[ct, v, [tags…] or nil, valueVersion, δ]`).
//! Each form leaves the shorter ones as they were, so envelopes written before still read. The layout mirrors dogpile's `(payload, metadata)` tuple, so any
//! MessagePack reader can take the payload out. Metadata is positional because it is on every
//! entry: naming its fields cost 7 of the 85 bytes KV stores for a small object. Readers also
//! accept the named form `{"ct": …, "v": …}`.
//!
//! JS-only values (Dates, Maps, BigInts...) are MessagePack extensions ([`crate::ext`]); a Rust
//! reader gets them as the serde type that fits, through [`crate::ext::normalize`].

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{CachedValue, Metadata, Tags};
use crate::error::{Error, Result};
use crate::ext;

/// Nesting allowed when decoding: more than a stored value may have (`limits::MAX_VALUE_DEPTH`,
/// checked before storing), since the envelope and extensions wrap it in a few levels more.
pub const MAX_DEPTH: usize = 300;

/// Encodes `cv` for a byte store.
pub fn encode<P: Serialize>(cv: &CachedValue<P>) -> Result<Vec<u8>> {
    let (m, tags) = (&cv.metadata, cv.tags.as_deref());
    // Named: a payload struct stays a map any reader understands; the tuple stays an array.
    let encoded = match (tags, m.value_version, cv.duration) {
        (None, 0, None) => rmp_serde::to_vec_named(&(&cv.payload, (m.ct, m.v))),
        (Some(tags), 0, None) => rmp_serde::to_vec_named(&(&cv.payload, (m.ct, m.v, tags))),
        (tags, version, None) => rmp_serde::to_vec_named(&(&cv.payload, (m.ct, m.v, tags, version))),
        // float32: 5 bytes, and δ needs no more than its first few digits.
        (tags, version, Some(d)) => rmp_serde::to_vec_named(&(&cv.payload, (m.ct, m.v, tags, version, d as f32))),
    };
    encoded.map_err(|e| Error::validation(format!("cannot encode the value as MessagePack: {e}")))
}

/// Decodes what [`encode`] (or the JS package) wrote. Anything else (another tool's bytes, a
/// truncated write, a payload that is not a `P`) is an error, which the region reads as a miss.
pub fn decode<P: DeserializeOwned>(bytes: &[u8]) -> Result<CachedValue<P>> {
    let (payload, parsed) = parse_envelope_timed(bytes, MAX_DEPTH)?;
    // Copies of shared references may grow the tree; a few times the input is plenty for real
    // data and keeps crafted bytes from exhausting memory.
    let budget = bytes.len().saturating_mul(16).saturating_add(4096);
    let payload = ext::normalize(payload, MAX_DEPTH, budget)
        .ok_or_else(|| corrupt("inconsistent extension data or too many shared references"))?;
    let payload = rmpv::ext::from_value(payload).map_err(|e| corrupt(&e.to_string()))?;
    Ok(CachedValue { payload, metadata: parsed.metadata, tags: parsed.tags, duration: parsed.duration })
}

fn corrupt(why: &str) -> Error {
    Error::backend(format!("stored bytes are not an edgepile value: {why}"))
}

/// The envelope as a MessagePack tree plus its metadata and tags, without committing to a
/// payload type. Nesting is bounded (`max_depth`) and nothing is preallocated from lengths the
/// bytes claim, so hostile input is an error, never a panic.
pub fn parse_envelope(bytes: &[u8], max_depth: usize) -> Result<(rmpv::Value, Metadata, Tags)> {
    let (payload, parsed) = parse_envelope_timed(bytes, max_depth)?;
    Ok((payload, parsed.metadata, parsed.tags))
}

/// What an envelope says besides its payload.
pub struct Parsed {
    pub metadata: Metadata,
    pub tags: Tags,
    /// δ, how long the value's creation took (seconds), when the envelope records it.
    pub duration: Option<f64>,
}

/// [`parse_envelope`], with the creation's duration.
pub fn parse_envelope_timed(bytes: &[u8], max_depth: usize) -> Result<(rmpv::Value, Parsed)> {
    let mut rest = bytes;
    let value = rmpv::decode::read_value_with_max_depth(&mut rest, max_depth).map_err(|e| corrupt(&e.to_string()))?;
    if !rest.is_empty() {
        return Err(corrupt("trailing data"));
    }
    let rmpv::Value::Array(mut parts) = value else { return Err(corrupt("not an array")) };
    if parts.len() != 2 {
        return Err(corrupt("not a [payload, metadata] pair"));
    }
    let meta = parts.pop().ok_or_else(|| corrupt("no metadata"))?;
    let payload = parts.pop().ok_or_else(|| corrupt("no payload"))?;
    let parsed = metadata_of(&meta).ok_or_else(|| corrupt("bad metadata"))?;
    Ok((payload, parsed))
}

fn metadata_of(v: &rmpv::Value) -> Option<Parsed> {
    let as_ct = |v: &rmpv::Value| v.as_f64().or_else(|| v.as_i64().map(|i| i as f64));
    let as_version = |v: &rmpv::Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
    let as_tags = |v: &rmpv::Value| -> Option<Tags> {
        if v.is_nil() {
            return Some(None);
        }
        let tags: Option<Vec<String>> = v.as_array()?.iter().map(|t| t.as_str().map(str::to_owned)).collect();
        Some(Some(tags?.into()))
    };
    if let Some(parts) = v.as_array() {
        let (ct, version, tags, value_version, duration) = match parts.as_slice() {
            [ct, version] => (ct, version, None, 0, None),
            [ct, version, tags] => (ct, version, Some(tags), 0, None),
            [ct, version, tags, value_version] => (ct, version, Some(tags), as_version(value_version)?, None),
            [ct, version, tags, value_version, d] => {
                (ct, version, Some(tags), as_version(value_version)?, Some(as_ct(d)?).filter(|d| *d > 0.0))
            }
            _ => return None,
        };
        let tags = match tags {
            Some(t) => as_tags(t)?,
            None => None,
        };
        let metadata = Metadata { ct: as_ct(ct)?, v: as_version(version)?, value_version };
        return Some(Parsed { metadata, tags, duration });
    }
    let (mut ct, mut version, mut value_version) = (None, None, Some(0));
    for (k, v) in v.as_map()? {
        match k.as_str()? {
            "ct" => ct = as_ct(v),
            "v" => version = as_version(v),
            "valueVersion" => value_version = as_version(v),
            _ => {}
        }
    }
    Some(Parsed {
        metadata: Metadata { ct: ct?, v: version?, value_version: value_version? },
        tags: None,
        duration: None,
    })
}
