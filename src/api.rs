//! The vocabulary shared by regions and backends: what is stored, and what "no value" means.
//!
//! Backends only store and return [`CachedValue`]s; they never decide expiry. The region reads
//! [`Metadata::ct`] (creation time) to decide whether a value is fresh, stale or gone.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

/// Layout version of stored values. A value written under another version reads as missing,
/// so a change of envelope never hands old bytes to new code (dogpile's `value_version`).
pub const VALUE_VERSION: u32 = 1;

/// What the region records next to every payload.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Creation time, seconds since the Unix epoch (fractions allowed).
    pub ct: f64,
    /// Envelope version, [`VALUE_VERSION`] when written by this crate.
    pub v: u32,
    /// The region's own version of its values' shape (`valueVersion` in JS,
    /// [`crate::RegionBuilder::value_version`]); 0 when the region sets none. A region reads an
    /// entry written under another one as missing.
    #[serde(default, rename = "valueVersion")]
    pub value_version: u32,
}

/// The tags of an entry (see [`crate::region::Region::invalidate_tags`]): `None` for most.
pub type Tags = Option<Rc<[String]>>;

/// A payload with its metadata: the unit every backend stores.
///
/// `P` is the payload type: a live JS value for the memory backend, bytes or any
/// serde type for byte backends, whatever the caller uses in native Rust.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedValue<P> {
    pub payload: P,
    pub metadata: Metadata,
    /// Stored beside the creation time: a tag invalidated at or after `ct` affects the entry.
    pub tags: Tags,
    /// How long the creation of this value took, seconds (XFetch's δ, see [`crate::xfetch`]);
    /// `None` for values stored by `set` or by versions that did not record it.
    pub duration: Option<f64>,
}

impl<P> CachedValue<P> {
    /// A value created at `ct` (seconds) under the current [`VALUE_VERSION`].
    pub fn new(payload: P, ct: f64) -> Self {
        CachedValue {
            payload,
            metadata: Metadata { ct, v: VALUE_VERSION, value_version: 0 },
            tags: None,
            duration: None,
        }
    }

    pub fn with_tags(mut self, tags: Tags) -> Self {
        self.tags = tags;
        self
    }

    pub fn with_duration(mut self, duration: Option<f64>) -> Self {
        self.duration = duration;
        self
    }
}

/// How long values live. Times are seconds, as in dogpile and Workers KV.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ttl {
    /// Never expires (`-1` in the JS API).
    Never,
    /// Expires this many seconds after creation.
    Seconds(f64),
}

impl Ttl {
    /// The JS/dogpile convention: any negative number means "never", as `-1` does.
    /// NaN and infinities are not a duration; callers validate before converting.
    pub fn from_seconds(seconds: f64) -> Ttl {
        if seconds < 0.0 {
            Ttl::Never
        } else {
            Ttl::Seconds(seconds)
        }
    }

    pub fn as_seconds(self) -> Option<f64> {
        match self {
            Ttl::Never => None,
            Ttl::Seconds(s) => Some(s),
        }
    }
}
