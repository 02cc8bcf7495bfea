//! A region backend over `worker::kv::KvStore`, storing the same bytes as the JS
//! `edgepile.cloudflare_kv` backend: the MessagePack envelope itself (entries edgepile 0.1 wrote
//! as binary-safe text still read; see `binary_text`), with a physical `expirationTtl` of at
//! least 60 s that covers expiry plus stale serving.

use std::marker::PhantomData;
use std::rc::Rc;

use futures::FutureExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::kv::KvStore;

use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities};
use crate::error::Error;
use crate::limits::{kv_key_problem, physical_ttl, KvKeyProblem, KV_MAX_KEY_BYTES, KV_MIN_TTL};
use crate::{binary_text, codec};

pub struct KvBackend<P> {
    kv: KvStore,
    stale_ttl: Option<f64>,
    payload: PhantomData<P>,
}

impl<P: Serialize + DeserializeOwned + Clone + 'static> KvBackend<P> {
    pub fn new(kv: KvStore) -> Self {
        KvBackend { kv, stale_ttl: None, payload: PhantomData }
    }

    /// Ready for [`crate::RegionBuilder::build`].
    pub fn shared(kv: KvStore) -> Rc<dyn Backend<P>> {
        Rc::new(KvBackend::new(kv))
    }

    /// Seconds a value is kept past its expiration so it can be served stale (default: as long
    /// again as its expiration, at least 60 s). With a region `stale_if_error` longer than that
    /// default, give at least that many seconds here (the JS backends take the region's): a value
    /// gone from KV cannot be served stale. A negative or non-finite number keeps the default.
    #[must_use]
    pub fn stale_ttl(mut self, seconds: f64) -> Self {
        self.stale_ttl = (seconds >= 0.0 && seconds.is_finite()).then_some(seconds);
        self
    }

    /// KV's `expirationTtl`, in whole seconds; none for a value that never expires (or whose
    /// lifetime is beyond what a JS number holds exactly, which KV's options could not carry).
    fn physical_ttl(&self, ttl: Ttl) -> Option<u64> {
        const MAX: f64 = 9_007_199_254_740_991.0; // 2^53 − 1
        physical_ttl(ttl.as_seconds(), self.stale_ttl, KV_MIN_TTL)
            .filter(|s| s.is_finite() && *s <= MAX)
            .map(|s| s.ceil() as u64)
    }
}

fn check_key(key: &str) -> crate::Result<()> {
    match kv_key_problem(key) {
        None => Ok(()),
        Some(KvKeyProblem::Reserved) => Err(Error::validation("KV does not accept empty, \".\" or \"..\" keys")),
        Some(KvKeyProblem::TooLong(bytes)) => Err(Error::validation(format!(
            "KV keys are at most {KV_MAX_KEY_BYTES} bytes; this one is {bytes}. Shorten long keys with \
             .key_mangler(edgepile::keys::length_conditional({KV_MAX_KEY_BYTES}, edgepile::keys::sha256_mangle_key)) \
             (in JS: lengthConditionalMangler({KV_MAX_KEY_BYTES}, sha256MangleKey))"
        ))),
    }
}

fn kv_error(op: &str, e: worker::kv::KvError) -> Error {
    Error::backend(format!("KV {op} failed: {e}"))
}

impl<P: Serialize + DeserializeOwned + Clone + 'static> Backend<P> for KvBackend<P> {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: false, bounded: false }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>> {
        async move {
            check_key(key)?;
            let stored = self.kv.get(key).bytes().await.map_err(|e| kv_error("read", e))?;
            // Another tool's value, or a broken one, is a miss that the next set overwrites.
            Ok(stored.and_then(|s| binary_text::from_kv(&s).and_then(|b| codec::decode(&b).ok())))
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            check_key(key)?;
            let encoded = codec::encode(&value)?;
            let body = binary_text::for_kv(&encoded);
            let mut put = self.kv.put_bytes(key, &body).map_err(|e| kv_error("write", e))?;
            if let Some(secs) = self.physical_ttl(ttl) {
                put = put.expiration_ttl(secs);
            }
            put.execute().await.map_err(|e| kv_error("write", e))
        }
        .boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        async move {
            check_key(key)?;
            self.kv.delete(key).await.map_err(|e| kv_error("delete", e))
        }
        .boxed_local()
    }
}
