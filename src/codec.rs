//! The stored form of a [`CachedValue`] in byte stores: one MessagePack array
//! `[payload, {"ct": <seconds>, "v": <version>}]`, encoded once. The layout mirrors dogpile's
//! `(payload, metadata)` tuple, so any MessagePack reader can take the payload out.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{CachedValue, Metadata};
use crate::error::{Error, Result};

/// Encodes `cv` for a byte store.
pub fn encode<P: Serialize>(cv: &CachedValue<P>) -> Result<Vec<u8>> {
    rmp_serde::to_vec_named(&(&cv.payload, &cv.metadata))
        .map_err(|e| Error::validation(format!("cannot encode the value as MessagePack: {e}")))
}

/// Decodes what [`encode`] wrote. Anything else (another tool's bytes, a truncated write) is an
/// error, which the region reads as a miss.
pub fn decode<P: DeserializeOwned>(bytes: &[u8]) -> Result<CachedValue<P>> {
    let mut rest = bytes;
    let (payload, metadata): (P, Metadata) = rmp_serde::from_read(&mut rest)
        .map_err(|e| Error::backend(format!("stored bytes are not an edgepile value: {e}")))?;
    if !rest.is_empty() {
        return Err(Error::backend("stored bytes have trailing data after the edgepile value"));
    }
    Ok(CachedValue { payload, metadata })
}

/// The envelope as a MessagePack tree plus its metadata, without committing to a payload type:
/// what the JS layer turns into plain JS data. Nesting is bounded (`max_depth`) and nothing is
/// preallocated from lengths the bytes claim, so hostile input is an error, never a panic.
#[cfg(feature = "js")]
pub fn parse_envelope(bytes: &[u8], max_depth: usize) -> Result<(rmpv::Value, Metadata)> {
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
    let metadata = metadata_of(&meta).ok_or_else(|| corrupt("bad metadata"))?;
    Ok((payload, metadata))
}

#[cfg(feature = "js")]
fn metadata_of(v: &rmpv::Value) -> Option<Metadata> {
    let mut ct = None;
    let mut version = None;
    for (k, v) in v.as_map()? {
        match k.as_str()? {
            "ct" => ct = v.as_f64().or_else(|| v.as_i64().map(|i| i as f64)),
            "v" => version = v.as_u64().and_then(|n| u32::try_from(n).ok()),
            _ => {}
        }
    }
    Some(Metadata { ct: ct?, v: version? })
}
