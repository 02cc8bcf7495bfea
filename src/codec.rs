//! The stored form of a [`CachedValue`] in byte stores: one MessagePack array
//! `[payload, [<ct seconds>, <version>]]` (`[payload, [ct, v, [tags…]]]` for a tagged entry,
//! `[payload, [ct, v, [tags…], δ]]` when the creation's duration δ is known: early refresh needs
//! it), encoded once. The trailing δ leaves the older forms as they were, so envelopes written
//! before it still read. The layout mirrors dogpile's
//! `(payload, metadata)` tuple, so any MessagePack reader can take the payload out. Metadata is
//! positional because it is on every entry: naming its fields cost 7 of the 85 bytes KV stores for
//! a small object. Readers also accept the named form `{"ct": …, "v": …}`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{CachedValue, Metadata};
use crate::error::{Error, Result};

/// Encodes `cv` for a byte store.
pub fn encode<P: Serialize>(cv: &CachedValue<P>) -> Result<Vec<u8>> {
    // Named: a payload struct stays a map any reader understands; the tuple stays an array.
    let fail = |e: rmp_serde::encode::Error| Error::validation(format!("cannot encode the value as MessagePack: {e}"));
    let (ct, v) = (cv.metadata.ct, cv.metadata.v);
    match (&cv.tags, cv.duration) {
        (None, None) => rmp_serde::to_vec_named(&(&cv.payload, (ct, v))).map_err(fail),
        (Some(tags), None) => rmp_serde::to_vec_named(&(&cv.payload, (ct, v, &**tags))).map_err(fail),
        (tags, Some(d)) => {
            let tags: &[String] = tags.as_deref().unwrap_or_default();
            // float32: 5 bytes, and δ needs no more than its first few digits.
            rmp_serde::to_vec_named(&(&cv.payload, (ct, v, tags, d as f32))).map_err(fail)
        }
    }
}

/// Decodes what [`encode`] wrote. Anything else (another tool's bytes, a truncated write) is an
/// error, which the region reads as a miss.
pub fn decode<P: DeserializeOwned>(bytes: &[u8]) -> Result<CachedValue<P>> {
    let mut rest = bytes;
    let (payload, metadata): (P, StoredMetadata) = rmp_serde::from_read(&mut rest)
        .map_err(|e| Error::backend(format!("stored bytes are not an edgepile value: {e}")))?;
    if !rest.is_empty() {
        return Err(Error::backend("stored bytes have trailing data after the edgepile value"));
    }
    let (metadata, tags, duration) = match metadata {
        StoredMetadata::Positional(ct, v) => (Metadata { ct, v }, None, None),
        StoredMetadata::Tagged(ct, v, tags) => (Metadata { ct, v }, Some(tags.into()), None),
        StoredMetadata::Timed(ct, v, tags, d) => (Metadata { ct, v }, non_empty(tags), Some(d)),
        StoredMetadata::Named(m) => (m, None, None),
    };
    Ok(CachedValue { payload, metadata, tags, duration })
}

/// An untagged entry with a duration is written with `[]` for its tags: read back as none.
fn non_empty(tags: Vec<String>) -> crate::api::Tags {
    if tags.is_empty() {
        None
    } else {
        Some(tags.into())
    }
}

/// Metadata as written (`[ct, v]`, `[ct, v, tags]`, `[ct, v, tags, δ]`) or in the named form (`{"ct", "v"}`).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredMetadata {
    Positional(f64, u32),
    Tagged(f64, u32, Vec<String>),
    Timed(f64, u32, Vec<String>, f64),
    Named(Metadata),
}

/// The envelope as a MessagePack tree plus its metadata, without committing to a payload type:
/// what the JS layer turns into plain JS data. Nesting is bounded (`max_depth`) and nothing is
/// preallocated from lengths the bytes claim, so hostile input is an error, never a panic.
#[cfg(feature = "js")]
pub fn parse_envelope(bytes: &[u8], max_depth: usize) -> Result<(rmpv::Value, Parsed)> {
    let corrupt = |why: &str| Error::backend(format!("stored bytes are not an edgepile value: {why}"));
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

/// What an envelope says besides its payload.
#[cfg(feature = "js")]
pub struct Parsed {
    pub metadata: Metadata,
    pub tags: crate::api::Tags,
    pub duration: Option<f64>,
}

#[cfg(feature = "js")]
fn metadata_of(v: &rmpv::Value) -> Option<Parsed> {
    let as_ct = |v: &rmpv::Value| v.as_f64().or_else(|| v.as_i64().map(|i| i as f64));
    let as_version = |v: &rmpv::Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
    if let Some(parts) = v.as_array() {
        let tags_of = |tags: &rmpv::Value| -> Option<Vec<String>> {
            tags.as_array()?.iter().map(|t| t.as_str().map(str::to_owned)).collect()
        };
        let (ct, version, tags, duration) = match parts.as_slice() {
            [ct, version] => (ct, version, None, None),
            [ct, version, tags] => (ct, version, Some(tags_of(tags)?.into()), None),
            [ct, version, tags, d] => (ct, version, non_empty(tags_of(tags)?), Some(as_ct(d)?)),
            _ => return None,
        };
        return Some(Parsed { metadata: Metadata { ct: as_ct(ct)?, v: as_version(version)? }, tags, duration });
    }
    let mut ct = None;
    let mut version = None;
    for (k, v) in v.as_map()? {
        match k.as_str()? {
            "ct" => ct = as_ct(v),
            "v" => version = as_version(v),
            _ => {}
        }
    }
    Some(Parsed { metadata: Metadata { ct: ct?, v: version? }, tags: None, duration: None })
}
