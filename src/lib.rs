//! edgepile: dogpile.cache for the edge.
//!
//! Cache regions with get-or-create under a dogpile lock, over backends that store
//! [`CachedValue`]s. The core is plain async Rust (no JS), so it runs natively in tests and
//! inside a Worker through the wasm-bindgen layer in `bindings`.

pub mod api;
pub mod backend;
pub mod backends;
pub mod binary_text;
pub mod codec;
pub mod error;
pub mod events;
pub mod lease;
pub mod lock;
pub mod region;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod bindings;

#[cfg(feature = "worker")]
pub mod workers_rs;

pub use api::{CachedValue, Metadata, Ttl, VALUE_VERSION};
pub use backend::{Backend, BackendFuture, Capabilities};
pub use backends::{MemoryBackend, NullBackend};
pub use error::{Error, ErrorKind, Result};
pub use region::{CreateOptions, GetOptions, Region, RegionBuilder};
