//! `RegionCore`: the Rust region behind a JS `CacheRegion`. Reads that the backend can answer
//! in the isolate are synchronous exports; everything that may do I/O returns a Promise.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

use super::callbacks::{
    call_clock, call_creator, call_mangler, call_multi_creator, call_predicate, call_random, settle, value_check,
};
use super::chain::{ChainBackend, Prefetched, Reporter};
use super::errors::{from_backend_js, no_value, to_js};
use super::executor;
use super::js_codec;
use super::js_leases;
use super::js_memory::{JsMemory, JsMemoryStore};
use super::tags::{tags_from_js, tags_of};
use crate::api::Ttl;
use crate::backend::Backend;
use crate::backends::{ChangeHook, NullBackend, TieredBackend};
use crate::error::Error;
use crate::events::EventKind;
use crate::lease::LeaseConfig;
use crate::region::{
    Clock, CreateOptions, Degradation, EarlyRefresh, ErrorSink, GetOptions, Joined, Now, Region, RegionBuilder,
};

#[wasm_bindgen]
pub struct RegionCore {
    region: Region<JsValue>,
    memory: Option<Rc<JsMemory>>,
    chain: Option<Rc<ChainBackend>>,
    /// What the calls sharing the latest shared `getOrCreateRead`'s read get (see `sharedEvent`).
    shared: RefCell<Option<Joined<JsValue>>>,
}

/// What a call taking another's outcome can be counted as, by the code `sharedEvent` gives
/// (its index here + 1; `joinedRead` takes it back).
const JOINED_EVENTS: [EventKind; 3] = [EventKind::Hit, EventKind::Miss, EventKind::StaleServed];
/// `sharedEvent`'s code for the read's error.
pub(crate) const JOINED_FAILED: u8 = JOINED_EVENTS.len() as u8 + 1;

fn event_code(kind: EventKind) -> u8 {
    JOINED_EVENTS.iter().position(|k| *k == kind).map_or(0, |i| i as u8 + 1)
}

/// The outcome now, when `work` needs no I/O (a memory backend, a synchronous creator): no
/// promise from wasm, no task, no turn of the event loop. Otherwise a Promise of it. Stored
/// values are never promises (the JS layer refuses them), so the caller can tell the two apart.
fn now_or_promise(work: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Result<JsValue, JsValue> {
    now_or_promise_dyn(work.boxed_local())
}

/// Behind a trait object, so `future_to_promise` and its task are compiled once, not once per
/// operation (6 KB of the wasm module when it was generic).
fn now_or_promise_dyn(mut work: LocalBoxFuture<'static, Result<JsValue, JsValue>>) -> Result<JsValue, JsValue> {
    match (&mut work).now_or_never() {
        Some(outcome) => outcome,
        None => Ok(executor::to_promise(work).into()),
    }
}

fn done(_: ()) -> JsValue {
    JsValue::UNDEFINED
}

/// `publish(keys) → Promise | undefined` from JS, as the tiers' change hook.
fn publisher(publish: Function) -> ChangeHook {
    Rc::new(move |keys: Vec<String>| {
        let keys: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        let out = publish.call1(&JsValue::UNDEFINED, &keys);
        async move {
            let out = out.map_err(from_backend_js)?;
            settle(out).await.map(drop).map_err(from_backend_js)
        }
        .boxed_local()
    })
}

/// `undefined` → the region's default; any negative number → never (JS layer validated it).
fn ttl(seconds: Option<f64>) -> Option<Ttl> {
    seconds.map(Ttl::from_seconds)
}

fn keys_of(keys: Array) -> Result<Vec<String>, JsValue> {
    keys.iter().map(|k| k.as_string().ok_or_else(|| to_js(Error::validation("keys must be strings")))).collect()
}

fn or_no_value(v: Option<JsValue>) -> JsValue {
    v.unwrap_or_else(no_value)
}

#[wasm_bindgen]
extern "C" {
    /// The options of one getOrCreate call, read structurally.
    type CallOptions;
    #[wasm_bindgen(method, getter)]
    fn ttl(this: &CallOptions) -> Option<f64>;
    #[wasm_bindgen(method, getter, js_name = shouldCacheFn)]
    fn should_cache_fn(this: &CallOptions) -> Option<Function>;
    #[wasm_bindgen(method, getter)]
    fn runner(this: &CallOptions) -> Option<Function>;
    #[wasm_bindgen(method, getter)]
    fn tags(this: &CallOptions) -> JsValue;
    /// Early refresh (see `early_of`).
    #[wasm_bindgen(method, getter)]
    fn early(this: &CallOptions) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn check(this: &CallOptions) -> Option<Function>;
}

fn call_options(options: Option<&Object>) -> CreateOptions<JsValue> {
    let Some(options) = options else { return CreateOptions::default() };
    let o = options.unchecked_ref::<CallOptions>();
    let mut opts = create_options(o.ttl(), o.should_cache_fn(), o.runner(), o.check());
    opts.degradation = degradation_of(options);
    opts.tags = tags_from_js(&o.tags()).filter(|t| !t.is_empty());
    opts.early = early_of(o.early());
    opts
}

fn create_options(
    seconds: Option<f64>,
    should_cache: Option<Function>,
    runner: Option<Function>,
    check: Option<Function>,
) -> CreateOptions<JsValue> {
    CreateOptions {
        ttl: ttl(seconds),
        should_cache: should_cache.map(|f| Rc::new(move |v: &JsValue| call_predicate(&f, v)) as _),
        runner: runner.map(js_leases::runner),
        degradation: Degradation::default(),
        check: check.map(value_check),
        tags: None,
        early: EarlyRefresh::Region,
    }
}

/// Early refresh of one call, as the JS layer passes it: undefined = the region's, 0 = off,
/// a positive β, or a negative number: the JS hit path drew and the test fired.
fn early_of(early: Option<f64>) -> EarlyRefresh {
    match early {
        None => EarlyRefresh::Region,
        Some(b) if b < 0.0 => EarlyRefresh::Fired,
        Some(b) if b > 0.0 && b.is_finite() => EarlyRefresh::Beta(b),
        Some(_) => EarlyRefresh::Off,
    }
}

/// Degradation settings from an object named as `crate::schema::DEGRADATION` (seconds; absent
/// or undefined fields are the region's). The JS layer checked the values.
fn degradation_of(options: &JsValue) -> Degradation {
    if !options.is_object() {
        return Degradation::default();
    }
    let [a, b, c, d] = crate::schema::DEGRADATION
        .map(|name| js_sys::Reflect::get(options, &JsValue::from_str(name)).ok().and_then(|v| v.as_f64()));
    Degradation { stale_if_error: a, creator_soft_timeout: b, creator_timeout: c, backend_timeout: d }
}

#[wasm_bindgen]
impl RegionCore {
    /// A region over the JS object `chain` (the outermost proxy, or a custom backend), or over
    /// the JS layer's `memory` store, or over both as two tiers (`memory` the L1, see
    /// `backends::tiered`), or over nothing (the null backend). `hooks` holds optional JS
    /// functions and settings: clock, keyMangler, onError, runner, leases with sleep, leaseTtl,
    /// lockTimeout, for two tiers l1Ttl and publish(keys) (told of every write and delete), and
    /// the value check (checkValue) with valueVersion.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: String,
        chain: JsValue,
        memory: Option<JsMemoryStore>,
        default_ttl: f64,
        hooks: JsValue,
    ) -> Result<RegionCore, JsValue> {
        let hook = |k: &str| js_sys::Reflect::get(&hooks, &JsValue::from_str(k)).ok().filter(|v| !v.is_undefined());
        let func = |k: &str| hook(k).and_then(|v| v.dyn_into::<Function>().ok());
        let sink: Option<ErrorSink> = func("onError").map(|f| {
            Rc::new(move |e: &Error| {
                // A failing error hook must not turn a served value into a failure.
                let _ = f.call1(&JsValue::UNDEFINED, &to_js(e.clone()));
            }) as ErrorSink
        });
        let reporter: Reporter = Rc::default();
        let clock: Clock = match func("clock") {
            Some(f) => Rc::new(move || call_clock(&f)),
            None => Rc::new(|| js_sys::Date::now() / 1000.0),
        };
        let memory = memory.map(|store| Rc::new(JsMemory::new(store)));
        let chain = (!chain.is_undefined()).then(|| Rc::new(ChainBackend::new(chain, reporter.clone())));
        let backend: Rc<dyn Backend<JsValue>> = match (&memory, &chain) {
            (Some(memory), None) => memory.clone(),
            (Some(memory), Some(l2)) => {
                let l2 = l2.clone();
                let l1_ttl = hook("l1Ttl").and_then(|v| v.as_f64()).unwrap_or(f64::INFINITY);
                let mut tiers = TieredBackend::new(memory.clone(), l2, l1_ttl, clock.clone());
                if let Some(publish) = func("publish") {
                    tiers = tiers.on_change(publisher(publish));
                }
                let cell = reporter.clone();
                tiers = tiers.reporter(Rc::new(move |key: &str, e: &Error| {
                    if let Some(report) = cell.borrow().as_ref() {
                        report(key, e);
                    }
                }));
                Rc::new(tiers)
            }
            (None, Some(chain)) => chain.clone(),
            (None, None) => Rc::new(NullBackend),
        };
        let number = |k: &str| hook(k).and_then(|v| v.as_f64());
        let mut b =
            RegionBuilder::new(name).ttl(Ttl::from_seconds(default_ttl)).spawner(Rc::new(executor::spawn)).clock(clock);
        if let Some(f) = func("keyMangler") {
            b = b.key_mangler(Rc::new(move |k: &str| call_mangler(&f, k)));
        }
        if let Some(beta) = number("earlyRefresh") {
            b = b.early_refresh(beta);
        }
        b = b.random(match func("random") {
            Some(f) => Rc::new(move || call_random(&f)),
            None => Rc::new(js_sys::Math::random),
        });
        if let Some(f) = func("runner") {
            b = b.async_runner(js_leases::runner(f));
        }
        b = b.degradation(degradation_of(&hooks));
        if let Some(sleep) = func("sleep") {
            b = b.sleep(js_leases::sleeper(sleep));
        }
        if let Some(keep_alive) = func("keepAlive") {
            b = b.keep_alive(Rc::new(move || {
                let end = keep_alive.call0(&JsValue::UNDEFINED).ok().and_then(|f| f.dyn_into::<Function>().ok());
                Box::new(move || {
                    if let Some(end) = end {
                        let _ = end.call0(&JsValue::UNDEFINED);
                    }
                })
            }));
        }
        if let Some(client) = hook("leases") {
            b = b.leases(LeaseConfig {
                leases: Rc::new(js_leases::JsLeases::new(client)),
                ttl: hook("leaseTtl").and_then(|v| v.as_f64()).unwrap_or(crate::lease::DEFAULT_LEASE_TTL),
                lock_timeout: hook("lockTimeout")
                    .and_then(|v| v.as_f64())
                    .unwrap_or(crate::lease::DEFAULT_LOCK_TIMEOUT),
            });
        }
        if let Some(sink) = sink {
            b = b.on_error(sink);
        }
        if let Some(version) = hook("valueVersion").and_then(|v| v.as_f64()) {
            b = b.value_version(version as u32);
        }
        let region = b.build(backend);
        region.set_value_check(func("checkValue").map(value_check));
        *reporter.borrow_mut() = Some(Box::new(region.reporter()));
        Ok(RegionCore { region, memory, chain, shared: RefCell::new(None) })
    }

    /// The key of a call as a Rust string; the memory store and the chain keep the JS one too.
    fn key(&self, key: JsValue) -> Result<String, JsValue> {
        let k = key.as_string().ok_or_else(|| to_js(Error::validation("keys must be strings")))?;
        if let Some(chain) = &self.chain {
            chain.remember(&k, &key);
        }
        if let Some(memory) = &self.memory {
            memory.remember(&k, key);
        }
        Ok(k)
    }

    /// See [`Region::fresh_after`]: with the TTL, what the JS hit path judges freshness by.
    #[wasm_bindgen(js_name = freshAfter)]
    pub fn fresh_after(&self) -> f64 {
        self.region.fresh_after()
    }

    /// `options`: undefined, or `{ ttl, shouldCacheFn, runner, tags, check, ...degradation }`, every
    /// field optional (checked by the JS layer).
    #[wasm_bindgen(js_name = getOrCreate)]
    pub fn get_or_create(&self, key: JsValue, creator: Function, options: Option<Object>) -> Result<JsValue, JsValue> {
        let key = self.key(key)?;
        self.get_or_create_key(key, creator, options.as_ref())
    }

    /// A hit needing no I/O is answered at once, with no future built (right after a KV read the
    /// caches are cold, and that machinery was much of a hit's cost); the rest is a promise.
    fn get_or_create_key(&self, key: String, creator: Function, options: Option<&Object>) -> Result<JsValue, JsValue> {
        let creator = Box::new(move || call_creator(creator).boxed_local());
        match self.region.get_or_create_now(&key, creator, call_options(options)).map_err(to_js)? {
            Now::Hit(value) => Ok(value),
            Now::Later(rest) => now_or_promise(rest.map(|out| out.map_err(to_js))),
        }
    }

    /// Before the JS layer reads `key` (mangled) from the chain itself: true when it may (the
    /// read is then watched for writes of the key, until `unwatchRead`); false when the core is
    /// reading the key already (the call joins that through getOrCreate) or the region has no
    /// chain under nothing.
    #[wasm_bindgen(js_name = watchRead)]
    pub fn watch_read(&self, key: &str) -> bool {
        self.chain.is_some() && self.memory.is_none() && self.region.watch_read(key)
    }

    /// Ends one `watchRead` of `key`, once every call sharing the read has been answered.
    #[wasm_bindgen(js_name = unwatchRead)]
    pub fn unwatch_read(&self, key: &str) {
        self.region.unwatch_read(key);
    }

    /// getOrCreateRead's quick way, for a plain call (no options) alone on its read of `key`
    /// (mangled), which found `bytes`: the value when they hold a fresh hit (counted as one, the
    /// read's watch ended), NO_VALUE when anything is left to decide (the watch kept:
    /// getOrCreateRead follows with the same bytes).
    #[wasm_bindgen(js_name = readHit)]
    pub fn read_hit(&self, key: &str, bytes: &[u8]) -> JsValue {
        if self.memory.is_some() {
            return no_value();
        }
        // Bytes that do not decode are left to the whole way, which reports them.
        self.region.outside_hit(key, || js_codec::decode(bytes).ok()).unwrap_or_else(no_value)
    }

    /// `getOrCreate`, with how the chain answered the JS layer's own read of `mkey` (the mangled
    /// key; undefined: the key itself), begun under `watchRead`: `bytes` (what a byte store
    /// returns, copied in with the call), or `item`, or when `failed`, what the read threw. The
    /// core goes on from that answer exactly as from a read of its own (a fresh hit is answered
    /// now, with no promise; a failure is reported and degraded as any); if a write of the key
    /// has completed since the read began, it reads again. `options` as for getOrCreate. With
    /// `shared` (other calls wait on the same read), what a call joining this one's read gets is
    /// kept for `sharedEvent`/`sharedValue` when it is settled before this call returns. With
    /// `release` (no other call shares the read), the read's watch ends with the call.
    #[wasm_bindgen(js_name = getOrCreateRead)]
    #[allow(clippy::too_many_arguments)]
    pub fn get_or_create_read(
        &self,
        key: String,
        creator: Function,
        options: Option<Object>,
        mkey: Option<String>,
        bytes: Option<Vec<u8>>,
        item: JsValue,
        failed: bool,
        shared: bool,
        release: bool,
    ) -> Result<JsValue, JsValue> {
        let mkey = mkey.unwrap_or_else(|| key.clone());
        let chain = self.chain.clone().filter(|_| self.memory.is_none() && self.region.read_current(&mkey));
        // Alone on the read: its watch has been read, and a call of this key made during this one
        // (a listener's) begins a watch of its own.
        if release {
            self.region.unwatch_read(&mkey);
        }
        // The key is wanted after the call only to say what sharing calls get.
        let watched = shared.then(|| mkey.clone());
        if let Some(chain) = &chain {
            let answer = match (failed, bytes) {
                (true, _) => Prefetched::Failed(item),
                (false, Some(bytes)) => Prefetched::Bytes(Rc::new(bytes)),
                (false, None) => Prefetched::Item(item),
            };
            chain.prefetch(mkey, answer);
        }
        let out = match &watched {
            Some(mkey) => {
                let (out, seen) =
                    self.region.joined_view_of(mkey, || self.get_or_create_key(key, creator, options.as_ref()));
                *self.shared.borrow_mut() = seen;
                out
            }
            None => self.get_or_create_key(key, creator, options.as_ref()),
        };
        if let Some(chain) = &chain {
            chain.clear_prefetch();
        }
        out
    }

    /// After a shared `getOrCreateRead`: what the calls that shared its read get, counted as:
    /// 1 a hit, 2 a miss, 3 a stale value (the value from `sharedValue`), 4 the read's error
    /// (the one that call threw), 0 not settled yet (they go to the core, which has registered
    /// the work they join).
    #[wasm_bindgen(js_name = sharedEvent)]
    pub fn shared_event(&self) -> u8 {
        match self.shared.borrow().as_ref() {
            Some(Joined::Value(_, kind)) => event_code(*kind),
            Some(Joined::Failed(_)) => JOINED_FAILED,
            None => 0,
        }
    }

    /// The value of `sharedEvent` 1 to 3 (undefined otherwise), handed over once: afterwards
    /// the core holds nothing of it.
    #[wasm_bindgen(js_name = sharedValue)]
    pub fn shared_value(&self) -> JsValue {
        match self.shared.borrow_mut().take() {
            Some(Joined::Value(value, _)) => value,
            _ => JsValue::UNDEFINED,
        }
    }

    /// Counts a call that took the outcome of a shared `getOrCreateRead` (`event` from
    /// `sharedEvent`), as a call joining a read of the core's own is counted.
    #[wasm_bindgen(js_name = joinedRead)]
    pub fn joined_read(&self, key: &str, event: u8) {
        if let Some(kind) = JOINED_EVENTS.get(usize::from(event).wrapping_sub(1)) {
            self.region.joined_read(key, *kind);
        }
    }

    #[wasm_bindgen(js_name = getOrCreateMulti)]
    pub fn get_or_create_multi(
        &self,
        keys: Array,
        creator: Function,
        seconds: Option<f64>,
        should_cache: Option<Function>,
        tags: Option<Vec<String>>,
        check: Option<Function>,
    ) -> Result<JsValue, JsValue> {
        let region = self.region.clone();
        let mut opts = create_options(seconds, should_cache, None, check);
        opts.tags = tags_of(tags);
        now_or_promise(async move {
            let keys = keys_of(keys)?;
            let creator = Box::new(move |ks: Vec<String>| call_multi_creator(creator, ks).boxed_local());
            let values = region.get_or_create_multi(&keys, creator, opts).await.map_err(to_js)?;
            Ok(values.into_iter().collect::<Array>().into())
        })
    }

    pub fn get(&self, key: JsValue, seconds: Option<f64>, ignore_expiration: bool) -> Result<JsValue, JsValue> {
        let key = self.key(key)?;
        let region = self.region.clone();
        let opts = GetOptions { ttl: ttl(seconds), ignore_expiration };
        now_or_promise(async move { region.get(&key, opts).await.map(or_no_value).map_err(to_js) })
    }

    #[wasm_bindgen(js_name = getMulti)]
    pub fn get_multi(&self, keys: Array, seconds: Option<f64>, ignore_expiration: bool) -> Result<JsValue, JsValue> {
        let region = self.region.clone();
        let opts = GetOptions { ttl: ttl(seconds), ignore_expiration };
        now_or_promise(async move {
            let keys = keys_of(keys)?;
            let values = region.get_multi(&keys, opts).await.map_err(to_js)?;
            Ok(values.into_iter().map(or_no_value).collect::<Array>().into())
        })
    }

    pub fn set(&self, key: JsValue, value: JsValue, tags: Option<Vec<String>>) -> Result<JsValue, JsValue> {
        let key = self.key(key)?;
        let region = self.region.clone();
        now_or_promise(async move { region.set_tagged(&key, value, tags_of(tags)).await.map(done).map_err(to_js) })
    }

    #[wasm_bindgen(js_name = setMulti)]
    pub fn set_multi(&self, keys: Array, values: Array, tags: Option<Vec<String>>) -> Result<JsValue, JsValue> {
        let region = self.region.clone();
        now_or_promise(async move {
            let keys = keys_of(keys)?;
            let items = keys.into_iter().zip(values.iter()).collect();
            region.set_multi_tagged(items, tags_of(tags)).await.map(done).map_err(to_js)
        })
    }

    pub fn delete(&self, key: JsValue) -> Result<JsValue, JsValue> {
        let key = self.key(key)?;
        let region = self.region.clone();
        now_or_promise(async move { region.delete(&key).await.map(done).map_err(to_js) })
    }

    #[wasm_bindgen(js_name = deleteMulti)]
    pub fn delete_multi(&self, keys: Array) -> Result<JsValue, JsValue> {
        let region = self.region.clone();
        now_or_promise(async move {
            let keys = keys_of(keys)?;
            region.delete_multi(&keys).await.map(done).map_err(to_js)
        })
    }

    /// Sets the mark; returns its time (seconds), for a coherence point to pass on.
    pub fn invalidate(&self, hard: bool) -> f64 {
        self.region.invalidate(hard)
    }

    /// Invalidates `tags` (see [`Region::invalidate_tags`]); returns the mark's time.
    #[wasm_bindgen(js_name = invalidateTags)]
    pub fn invalidate_tags(&self, tags: Vec<String>, hard: bool) -> f64 {
        self.region.invalidate_tags(&tags, hard)
    }

    /// A tag's marks set by another isolate (see [`Region::merge_tag_marks`]).
    #[wasm_bindgen(js_name = mergeTagMarks)]
    pub fn merge_tag_marks(&self, tag: &str, hard: f64, soft: f64) {
        self.region.merge_tag_marks(tag, hard, soft);
    }

    /// Marks set by another isolate (see [`Region::merge_invalidation`]).
    #[wasm_bindgen(js_name = mergeInvalidation)]
    pub fn merge_invalidation(&self, hard: f64, soft: f64) {
        self.region.merge_invalidation(hard, soft);
    }

    /// `listener(name, key, ok, error)` for every event from now on; `undefined` stops them.
    #[wasm_bindgen(js_name = setListener)]
    pub fn set_listener(&self, listener: Option<Function>) {
        self.region.set_listener(listener.map(|f| {
            Rc::new(move |e: &crate::events::Event<'_>| {
                let error = e.error.map(|err| to_js(err.clone())).unwrap_or(JsValue::UNDEFINED);
                let args: Array =
                    [JsValue::from_str(e.kind.name()), JsValue::from_str(e.key), JsValue::from_bool(e.ok), error]
                        .into_iter()
                        .collect();
                // A throwing listener must not break the call that emitted the event.
                let _ = f.apply(&JsValue::UNDEFINED, &args);
            }) as crate::events::Listener
        }));
    }

    /// The counters by name (see `crate::schema::stats`).
    pub fn stats(&self) -> JsValue {
        let out = js_sys::Object::new();
        for (name, n) in self.region.stats().named() {
            let _ = js_sys::Reflect::set(&out, &JsValue::from_str(name), &JsValue::from_f64(n as f64));
        }
        out.into()
    }

    #[wasm_bindgen(js_name = resetStats)]
    pub fn reset_stats(&self) {
        self.region.reset_stats();
    }
}
