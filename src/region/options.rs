//! Per-region configuration and per-call options.

use std::rc::Rc;

use futures::future::LocalBoxFuture;

use crate::api::Ttl;
use crate::error::Result;

/// Seconds since the Unix epoch. Injectable so expiry can be tested without sleeping.
pub type Clock = Rc<dyn Fn() -> f64>;
/// Turns a caller's key into the key the backend sees (prefixing, hashing long keys...).
pub type KeyMangler = Rc<dyn Fn(&str) -> Result<String>>;
/// Decides per created value whether it is stored (`shouldCacheFn`).
pub type ShouldCache<P> = Rc<dyn Fn(&P) -> Result<bool>>;
/// Runs a regeneration in the background (dogpile's `async_creation_runner`); in a Worker,
/// `ctx.waitUntil`. Receives the (mangled) key and a future that never fails: errors are
/// reported, not thrown. It must run the future: until it does, this isolate serves the stale
/// value and the lease (if any) is held until it expires.
pub type Runner = Rc<dyn Fn(&str, LocalBoxFuture<'static, ()>)>;
/// Starts a task that runs to completion on its own.
pub type Spawner = Rc<dyn Fn(LocalBoxFuture<'static, ()>)>;
/// Keeps the current request alive while a call waits on work another call started (in a
/// Worker, a timer: workerd cancels a request that waits on a promise with no event of its own
/// pending). Returns what ends it.
pub type KeepAlive = Rc<dyn Fn() -> Box<dyn FnOnce()>>;
/// Receives failures that do not reach a caller, such as a cache write after a creation.
pub type ErrorSink = Rc<dyn Fn(&crate::error::Error)>;

/// Uniform numbers in [0, 1): the draws of early refresh. Injectable so its test is exact.
pub type Random = Rc<dyn Fn() -> f64>;

/// Early refresh for one call (see [`crate::xfetch`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum EarlyRefresh {
    /// The region's setting.
    #[default]
    Region,
    /// Not for this call.
    Off,
    /// The XFetch test with this β.
    Beta(f64),
    /// The caller already drew and the test fired (the JS hit path): regenerate a fresh value in
    /// the background, serve it meanwhile.
    Fired,
}

/// What a [`ValueCheck`] says about a value read from a shared backend.
pub enum Checked<P> {
    /// Serve it as it is.
    Keep,
    /// Treat it as missing: it is regenerated under the lock and overwritten.
    Miss,
    /// Serve this instead, without storing it (a schema's parsed output).
    Serve(P),
    /// Serve this instead and store it in place of the old one (a migration).
    Store(P),
}

/// Checks a value read from a shared backend before it is served (`checkValue` and `migrate`
/// in JS). Runs once per read, never on a memory hit; an error fails the read.
pub type ValueCheck<P> = Rc<dyn Fn(&P) -> LocalBoxFuture<'static, Result<Checked<P>>>>;

/// Produces one value. Called at most once per coalesced creation.
pub type Creator<P> = Box<dyn FnOnce() -> LocalBoxFuture<'static, Result<P>>>;
/// Produces values for exactly the keys given, in that order.
pub type MultiCreator<P> = Box<dyn FnOnce(Vec<String>) -> LocalBoxFuture<'static, Result<Vec<P>>>>;

/// Options of `get_or_create` and `get_or_create_multi`.
pub struct CreateOptions<P> {
    /// Overrides the region's expiration for this call.
    pub ttl: Option<Ttl>,
    /// When it returns false for a created value, the value is returned but not stored.
    pub should_cache: Option<ShouldCache<P>>,
    /// Regenerates a stale value in the background for this call (in a Worker: this request's
    /// `ctx.waitUntil`), overriding the region's runner.
    pub runner: Option<Runner>,
    /// Overrides the region's [`Degradation`] settings for this call, field by field.
    pub degradation: Degradation,
    /// Overrides the region's value check ([`Region::set_value_check`](super::Region::set_value_check)) for this call.
    pub check: Option<ValueCheck<P>>,
    /// Tags of the values this call creates (see [`super::Region::invalidate_tags`]).
    pub tags: crate::api::Tags,
    /// Early refresh of fresh values for this call.
    pub early: EarlyRefresh,
}

/// How a region degrades when its creator or backend misbehaves. Seconds; `None` = off.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Degradation {
    /// When regenerating a stale value fails, serve the stale value instead of the error if it
    /// expired at most this long ago (bentocache's grace, cachified's fallbackToCache).
    pub stale_if_error: Option<f64>,
    /// A caller regenerating a stale value waits this long, then takes the stale value and lets
    /// the creation finish in the background.
    pub creator_soft_timeout: Option<f64>,
    /// A caller waiting for a creation gives up after this long with a `Timeout` error.
    pub creator_timeout: Option<f64>,
    /// Each backend operation fails with a `BackendError` after this long (per call: the
    /// get-or-create reads and writes of that call).
    pub backend_timeout: Option<f64>,
}

impl Degradation {
    /// `self`, with unset fields taken from `base`.
    pub fn or(self, base: Degradation) -> Degradation {
        Degradation {
            stale_if_error: self.stale_if_error.or(base.stale_if_error),
            creator_soft_timeout: self.creator_soft_timeout.or(base.creator_soft_timeout),
            creator_timeout: self.creator_timeout.or(base.creator_timeout),
            backend_timeout: self.backend_timeout.or(base.backend_timeout),
        }
    }
}

impl<P> Default for CreateOptions<P> {
    fn default() -> Self {
        CreateOptions {
            ttl: None,
            should_cache: None,
            runner: None,
            degradation: Degradation::default(),
            check: None,
            tags: None,
            early: EarlyRefresh::Region,
        }
    }
}

impl<P> Clone for CreateOptions<P> {
    fn clone(&self) -> Self {
        CreateOptions {
            ttl: self.ttl,
            should_cache: self.should_cache.clone(),
            runner: self.runner.clone(),
            degradation: self.degradation,
            check: self.check.clone(),
            tags: self.tags.clone(),
            early: self.early,
        }
    }
}

/// Options of `get` and `get_multi`.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetOptions {
    /// Overrides the region's expiration for this read.
    pub ttl: Option<Ttl>,
    /// Return the value even when expired or invalidated (dogpile's `ignore_expiration`).
    pub ignore_expiration: bool,
}
