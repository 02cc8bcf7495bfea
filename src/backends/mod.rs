//! Backends that need nothing but this crate. Platform backends live beside them.

mod in_flight;
mod memory;
mod null;
mod tiered;

pub(crate) use in_flight::hash as key_hash;
pub use memory::{MemoryBackend, MemoryStore, DEFAULT_MAX_ENTRIES};
pub use null::NullBackend;
pub use tiered::{ChangeHook, L1Store, MemoryL1, TierReporter, TieredBackend};
