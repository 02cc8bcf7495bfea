//! Backends that need nothing but this crate. Platform backends live beside them.

mod memory;
mod null;

pub use memory::MemoryBackend;
pub use null::NullBackend;
