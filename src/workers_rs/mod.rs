//! For Rust Workers (workers-rs, feature `worker`): regions over the platform's stores.
//!
//! ```ignore
//! use edgepile::workers_rs::KvBackend;
//! use edgepile::{CreateOptions, RegionBuilder, Ttl};
//!
//! let kv = env.kv("CACHE")?;
//! let region = RegionBuilder::new("users").ttl(Ttl::Seconds(300.0)).build(KvBackend::<User>::shared(kv));
//! let user = region
//!     .get_or_create("user:1", Box::new(|| Box::pin(async { Ok(load_user(1).await) })), CreateOptions::default())
//!     .await?;
//! ```

mod kv;

pub use kv::KvBackend;
