//! edgepile: dogpile.cache for the edge.
//!
//! Cache regions with get-or-create under a *dogpile lock*: when a value is missing or expired,
//! one caller regenerates it while the others wait for that result or are served the stale value.
//! The core is plain async Rust over the [`Backend`] trait (no JS, no `Send`), so it runs natively
//! and inside a Cloudflare Worker, where it also powers the `edgepile` npm package.
//!
//! ```
//! use std::rc::Rc;
//! use edgepile::{CreateOptions, MemoryBackend, RegionBuilder, Ttl};
//! use futures::FutureExt;
//!
//! let region = RegionBuilder::new("users")
//!     .ttl(Ttl::Seconds(300.0))
//!     .build(Rc::new(MemoryBackend::<String>::new(10_000)));
//! futures::executor::block_on(async {
//!     let creator = Box::new(|| async { Ok("Ada".to_string()) }.boxed_local());
//!     let name = region.get_or_create("user:1", creator, CreateOptions::default()).await?;
//!     assert_eq!(name, "Ada");
//!     // cached now: this creator never runs
//!     let again = region.get_or_create("user:1", Box::new(|| async { Ok("Bob".into()) }.boxed_local()), CreateOptions::default());
//!     assert_eq!(again.await?, "Ada");
//!     Ok::<_, edgepile::Error>(())
//! })?;
//! # Ok::<_, edgepile::Error>(())
//! ```
//!
//! In a workers-rs Worker (feature `worker`), cache in Workers KV with the same stored format
//! as the JS package:
//!
//! ```ignore
//! use edgepile::workers_rs::KvBackend;
//! let region = RegionBuilder::new("primes")
//!     .ttl(Ttl::Seconds(300.0))
//!     .build(KvBackend::<Primes>::shared(env.kv("CACHE")?));
//! ```
//!
//! # Feature flags
//!
//! - `js` (default): the wasm-bindgen surface behind the npm package (`bindings`, compiled for
//!   `wasm32` only). Rust Workers turn it off: `default-features = false`.
//! - `worker`: `workers_rs` backends over workers-rs types (`workers_rs::KvBackend` over
//!   `worker::kv::KvStore`).
//!
//! With either: [`keys`], key manglers whose key spaces never overlap
//! (`keys::length_conditional(512, keys::sha256_mangle_key)` for KV's 512-byte keys).
//!
//! # Modules
//!
//! [`api`] (vocabulary), [`backend`] (the trait), [`backends`] (memory, null), [`lock`] (the
//! dogpile decision, pure), [`lease`] (cross-isolate leases), [`region`] (regions and
//! get-or-create), [`events`] (counters and listeners), [`codec`] (the MessagePack envelope),
//! [`ext`] (its extension types for JS values), [`values`] (Rust types for them: `Timestamp`,
//! `BigInt`), [`binary_text`] (how KV holds values).

pub mod api;
pub mod backend;
pub mod backends;
pub mod binary_text;
pub mod codec;
pub mod error;
pub mod events;
pub mod ext;
#[cfg(any(feature = "js", feature = "worker"))]
pub mod keys;
pub mod lease;
pub mod limits;
pub mod lock;
pub mod msgpack;
pub mod region;
pub mod schema;
pub mod values;
pub mod xfetch;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod bindings;
// The bindings' table of tasks and awaits; built natively only to be tested.
#[cfg(any(test, all(target_arch = "wasm32", feature = "js")))]
mod slab;

#[cfg(feature = "worker")]
pub mod workers_rs;

pub use api::{CachedValue, Metadata, Ttl, VALUE_VERSION};
pub use backend::{Backend, BackendFuture, Capabilities};
pub use backends::{MemoryBackend, NullBackend};
pub use error::{Error, ErrorKind, Result};
pub use region::{CreateOptions, GetOptions, Region, RegionBuilder};
