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
