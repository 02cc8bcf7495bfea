//! Backends that need nothing but this crate. Platform backends live beside them.

mod memory;
mod null;

pub use memory::{MemoryBackend, MemoryStore, DEFAULT_MAX_ENTRIES};
pub use null::NullBackend;
