//! A cache region: one backend, one expiration policy, one key mangler, and the dogpile lock.
//!
//! Plain reads and writes live here; get-or-create and its coalescing live in `create`,
//! the multi-key form in `multi`.

mod check;
mod create;
mod degrade;
mod inflight;
mod leasing;
mod multi;
mod options;
mod outside_read;

pub use create::Now;
pub use outside_read::Joined;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

pub use options::{
    Checked, Clock, CreateOptions, Creator, Degradation, EarlyRefresh, ErrorSink, GetOptions, KeepAlive, KeyMangler,
    MultiCreator, Random, Runner, ShouldCache, Spawner, ValueCheck,
};

use crate::api::{CachedValue, Tags, Ttl};
use crate::backend::{Backend, Capabilities};
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Event, EventKind, Listener, Stats, StatsSnapshot};
use crate::lease::{LeaseConfig, Sleep};
use crate::lock::{classify_tagged, Invalidation, State};
use create::LoadEntry;
use inflight::CreationEntry;

/// A configured cache region. Cheap to clone: clones share backend, locks and invalidation.
pub struct Region<P: Clone + 'static> {
    inner: Rc<Inner<P>>,
}

impl<P: Clone + 'static> Clone for Region<P> {
    fn clone(&self) -> Self {
        Region { inner: self.inner.clone() }
    }
}

struct Inner<P: Clone + 'static> {
    name: String,
    backend: Rc<dyn Backend<P>>,
    ttl: Ttl,
    clock: Clock,
    mangler: Option<KeyMangler>,
    runner: Option<Runner>,
    on_error: Option<ErrorSink>,
    lease: Option<LeaseConfig>,
    spawner: Option<Spawner>,
    keep_alive: Option<KeepAlive>,
    sleep: Option<Sleep>,
    degradation: Degradation,
    /// β of early refresh for every call, unless a call says otherwise; `None`: off.
    early_beta: Option<f64>,
    random: Random,
    /// Entries written under another value version read as missing.
    value_version: u32,
    /// Checks values read from a shared backend (see `check`).
    check: RefCell<Option<ValueCheck<P>>>,
    stats: Stats,
    listener: RefCell<Option<Listener>>,
    invalidation: Cell<Invalidation>,
    /// Tag invalidation marks known to this isolate (its own, and a coherence point's).
    tag_marks: RefCell<HashMap<String, Invalidation>>,
    /// The latest creation time this region stamped: a mark set now must not be earlier (the
    /// clock may not have moved since), or it would miss values it is meant to reach.
    latest_stamp: Cell<f64>,
    /// Backend reads in flight, one per key: concurrent callers share it.
    loading: RefCell<HashMap<String, LoadEntry<P>>>,
    /// Creations in flight, one per key: the in-isolate half of the dogpile lock.
    creating: RefCell<HashMap<String, CreationEntry<P>>>,
    next_creation: Cell<u64>,
    /// Reads made outside the core for a get-or-create, by key (see `outside_read`).
    watched: RefCell<Vec<(u64, outside_read::Watch)>>,
    /// While [`Region::joined_view_of`] runs: its key, then what a joining call would get.
    joined_view: RefCell<Option<(String, Option<outside_read::Joined<P>>)>>,
}

/// Builds a [`Region`]; every setting has a default.
#[must_use]
pub struct RegionBuilder {
    name: String,
    ttl: Ttl,
    clock: Option<Clock>,
    mangler: Option<KeyMangler>,
    runner: Option<Runner>,
    on_error: Option<ErrorSink>,
    lease: Option<LeaseConfig>,
    spawner: Option<Spawner>,
    keep_alive: Option<KeepAlive>,
    sleep: Option<Sleep>,
    degradation: Degradation,
    early_beta: Option<f64>,
    random: Option<Random>,
    value_version: u32,
}

impl RegionBuilder {
    pub fn new(name: impl Into<String>) -> Self {
        RegionBuilder {
            name: name.into(),
            ttl: Ttl::Never,
            clock: None,
            mangler: None,
            runner: None,
            on_error: None,
            lease: None,
            spawner: None,
            keep_alive: None,
            sleep: None,
            degradation: Degradation::default(),
            early_beta: None,
            random: None,
            value_version: 0,
        }
    }

    /// Early refresh for every call with this β (see [`crate::xfetch`]): a hit of a fresh
    /// value may start one background regeneration before it expires.
    pub fn early_refresh(mut self, beta: f64) -> Self {
        self.early_beta = Some(beta);
        self
    }

    /// The uniform source of early refresh's draws (default: a xorshift seeded by the clock).
    pub fn random(mut self, random: Random) -> Self {
        self.random = Some(random);
        self
    }

    /// The version of this region's values (default 0): entries written under another one read
    /// as missing, so a deploy that changes their shape does not read old ones.
    pub fn value_version(mut self, version: u32) -> Self {
        self.value_version = version;
        self
    }

    /// A timer (in a Worker, `setTimeout`): needed by timeouts and lease waits.
    pub fn sleep(mut self, sleep: Sleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Serve-stale-on-error and timeouts (see [`Degradation`]); timeouts need [`Self::sleep`].
    pub fn degradation(mut self, degradation: Degradation) -> Self {
        self.degradation = degradation;
        self
    }

    /// What keeps a request alive while one of its calls waits on another call's work.
    pub fn keep_alive(mut self, keep_alive: KeepAlive) -> Self {
        self.keep_alive = Some(keep_alive);
        self
    }

    /// Runs shared reads and creations as tasks of their own (in a Worker:
    /// `wasm_bindgen_futures::spawn_local`), so their I/O stays with the request that began
    /// them while other requests wait. Without one, whichever waiter polls drives the work.
    pub fn spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Coordinates creations across isolates through leases (see [`crate::lease`]).
    pub fn leases(mut self, config: LeaseConfig) -> Self {
        self.lease = Some(config);
        self
    }

    /// Default expiration for the region (default: never).
    pub fn ttl(mut self, ttl: Ttl) -> Self {
        self.ttl = ttl;
        self
    }
    /// Clock in seconds (default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }
    pub fn key_mangler(mut self, mangler: KeyMangler) -> Self {
        self.mangler = Some(mangler);
        self
    }
    /// Regenerate stale values in the background through `runner`, serving the stale value.
    pub fn async_runner(mut self, runner: Runner) -> Self {
        self.runner = Some(runner);
        self
    }
    pub fn on_error(mut self, sink: ErrorSink) -> Self {
        self.on_error = Some(sink);
        self
    }

    pub fn build<P: Clone + 'static>(self, backend: Rc<dyn Backend<P>>) -> Region<P> {
        Region {
            inner: Rc::new(Inner {
                name: self.name,
                backend,
                ttl: self.ttl,
                clock: self.clock.unwrap_or_else(|| Rc::new(system_clock)),
                mangler: self.mangler,
                runner: self.runner,
                on_error: self.on_error,
                lease: self.lease,
                spawner: self.spawner,
                keep_alive: self.keep_alive,
                sleep: self.sleep,
                degradation: self.degradation,
                early_beta: self.early_beta,
                random: self.random.unwrap_or_else(default_random),
                value_version: self.value_version,
                check: RefCell::new(None),
                stats: Stats::default(),
                listener: RefCell::new(None),
                invalidation: Cell::new(Invalidation::default()),
                tag_marks: RefCell::new(HashMap::new()),
                latest_stamp: Cell::new(0.0),
                loading: RefCell::new(HashMap::new()),
                creating: RefCell::new(HashMap::new()),
                next_creation: Cell::new(0),
                watched: RefCell::new(Vec::new()),
                joined_view: RefCell::new(None),
            }),
        }
    }
}

fn default_random() -> Random {
    let source = crate::xfetch::XorShift::new(system_clock().to_bits());
    Rc::new(move || source.next())
}

#[cfg(target_arch = "wasm32")]
fn system_clock() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[cfg(not(target_arch = "wasm32"))]
fn system_clock() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

impl<P: Clone + 'static> Region<P> {
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    pub fn ttl(&self) -> Ttl {
        self.inner.ttl
    }

    pub fn capabilities(&self) -> Capabilities {
        self.inner.backend.capabilities()
    }

    /// Counters of the get-or-create paths since the region was built (or last reset).
    pub fn stats(&self) -> StatsSnapshot {
        self.inner.stats.snapshot()
    }

    pub fn reset_stats(&self) {
        self.inner.stats.reset();
    }

    /// A failure that reaches no caller, from code outside the region (a backend that reads an
    /// unreadable value as a miss): counted as a backend error and passed to the error sink.
    pub fn reporter(&self) -> impl Fn(&str, &Error) + 'static {
        let inner = Rc::downgrade(&self.inner);
        move |key: &str, err: &Error| {
            if let Some(inner) = inner.upgrade() {
                inner.report(key, err);
            }
        }
    }

    /// Checks every value read from a shared backend from now on (see [`ValueCheck`]); `None`
    /// stops checking. Calls can override it ([`CreateOptions::check`]).
    pub fn set_value_check(&self, check: Option<ValueCheck<P>>) {
        // A tier keeps what it reads in the isolate at once only when there is nothing to check.
        self.inner.backend.keep_reads(check.is_none());
        *self.inner.check.borrow_mut() = check;
    }

    /// Receives every event from now on; `None` stops them. Counters are kept either way.
    pub fn set_listener(&self, listener: Option<Listener>) {
        *self.inner.listener.borrow_mut() = listener;
    }

    /// The key the backend sees for `key`. Borrowed when there is no mangler: the hit path
    /// should not allocate.
    pub fn mangle<'k>(&self, key: &'k str) -> Result<Cow<'k, str>> {
        match &self.inner.mangler {
            Some(m) => m(key).map(Cow::Owned),
            None => Ok(Cow::Borrowed(key)),
        }
    }

    /// A fresh value for `key` if the backend can answer synchronously; `None` otherwise.
    /// This is the whole cost of a memory hit.
    pub fn peek_fresh(&self, key: &str, ttl: Option<Ttl>) -> Result<Option<P>> {
        let key = self.mangle(key)?;
        Ok(self.inner.peek_fresh(&key, ttl.unwrap_or(self.inner.ttl), false).map(|cv| cv.payload))
    }

    /// The time at or before which values were created that no longer read as fresh because of
    /// [`Region::invalidate`] (hard or soft); 0 when never invalidated. With the TTL, this is
    /// all a hit needs to know: the JS layer judges its own hits by it.
    pub fn fresh_after(&self) -> f64 {
        let inv = self.inner.invalidation.get();
        inv.hard.max(inv.soft)
    }

    /// The stored value unless it is missing, expired or invalidated (see [`GetOptions`]).
    pub async fn get(&self, key: &str, opts: GetOptions) -> Result<Option<P>> {
        let key = self.mangle(key)?;
        let usable = |cv: &CachedValue<P>| self.inner.can_use(cv, &opts);
        let found = self.inner.io(self.inner.backend.get_usable(&key, &usable)).await?;
        self.inner.usable(&key, found, &opts).await
    }

    pub async fn get_multi(&self, keys: &[String], opts: GetOptions) -> Result<Vec<Option<P>>> {
        let mangled = self.mangle_all(keys)?;
        let usable = |cv: &CachedValue<P>| self.inner.can_use(cv, &opts);
        let found = self.inner.io(self.inner.backend.get_multi_usable(&mangled, &usable)).await?;
        let mut out = Vec::with_capacity(found.len());
        for (key, f) in mangled.iter().zip(found) {
            out.push(self.inner.usable(key, f, &opts).await?);
        }
        Ok(out)
    }

    /// Stores `value` as created now. Callers waiting on a creation for this key are unaffected;
    /// readers already in flight will not regenerate over it.
    pub async fn set(&self, key: &str, value: P) -> Result<()> {
        self.set_tagged(key, value, None).await
    }

    /// [`Region::set`] of a value with tags.
    pub async fn set_tagged(&self, key: &str, value: P, tags: Tags) -> Result<()> {
        let key = self.mangle(key)?;
        let cv = self.inner.stamp(value, self.inner.creation_time(&tags)).with_tags(tags);
        self.inner.io(self.inner.backend.set(&key, cv, self.inner.ttl)).await?;
        self.inner.superseded(&key);
        Ok(())
    }

    pub async fn set_multi(&self, items: Vec<(String, P)>) -> Result<()> {
        self.set_multi_tagged(items, None).await
    }

    /// [`Region::set_multi`] of values that share `tags`.
    pub async fn set_multi_tagged(&self, items: Vec<(String, P)>, tags: Tags) -> Result<()> {
        let ct = self.inner.creation_time(&tags);
        let mut mangled = Vec::with_capacity(items.len());
        for (k, v) in items {
            mangled.push((self.mangle(&k)?.into_owned(), self.inner.stamp(v, ct).with_tags(tags.clone())));
        }
        let keys: Vec<String> = mangled.iter().map(|(k, _)| k.clone()).collect();
        self.inner.io(self.inner.backend.set_multi(mangled, self.inner.ttl)).await?;
        keys.iter().for_each(|k| self.inner.superseded(k));
        Ok(())
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        let key = self.mangle(key)?;
        self.inner.io(self.inner.backend.delete(&key)).await?;
        self.inner.superseded(&key);
        Ok(())
    }

    pub async fn delete_multi(&self, keys: &[String]) -> Result<()> {
        let mangled = self.mangle_all(keys)?;
        self.inner.io(self.inner.backend.delete_multi(&mangled)).await?;
        mangled.iter().for_each(|k| self.inner.superseded(k));
        Ok(())
    }

    /// dogpile's `invalidate`: hard makes every existing value read as missing (callers wait
    /// for a new one); soft makes them stale (served while one caller regenerates).
    /// The mark is held by this region object, i.e. per isolate; the time it was set at is
    /// returned, for a coherence point to hand to other isolates ([`Region::merge_invalidation`]).
    pub fn invalidate(&self, hard: bool) -> f64 {
        let mut inv = self.inner.invalidation.get();
        // Never earlier than a value already stamped after the previous mark.
        let at = inv.creation_time(self.inner.now()).max(self.inner.latest_stamp.get());
        if hard {
            inv.hard = at;
        } else {
            inv.soft = at;
        }
        self.inner.invalidation.set(inv);
        at
    }

    /// Invalidates every entry carrying one of `tags` and created at or before now: hard, they
    /// read as missing; soft, as stale (served while one caller regenerates). Untagged entries
    /// and other tags' entries are untouched. Returns the mark's time, for a coherence point.
    pub fn invalidate_tags(&self, tags: &[String], hard: bool) -> f64 {
        let at = self.inner.mark_time();
        for tag in tags {
            self.merge_tag_marks(tag, if hard { at } else { 0.0 }, if hard { 0.0 } else { at });
        }
        at
    }

    /// Takes on a tag's marks set elsewhere; like [`Region::merge_invalidation`], forward only.
    pub fn merge_tag_marks(&self, tag: &str, hard: f64, soft: f64) {
        let mut marks = self.inner.tag_marks.borrow_mut();
        let mark = marks.entry(tag.to_owned()).or_default();
        if hard.is_finite() && hard > mark.hard {
            mark.hard = hard;
        }
        if soft.is_finite() && soft > mark.soft {
            mark.soft = soft;
        }
    }

    /// Takes on invalidation marks set elsewhere (another isolate, through a coherence point):
    /// each mark moves forward only, so applying an old or repeated one changes nothing.
    pub fn merge_invalidation(&self, hard: f64, soft: f64) {
        let mut inv = self.inner.invalidation.get();
        if hard.is_finite() && hard > inv.hard {
            inv.hard = hard;
        }
        if soft.is_finite() && soft > inv.soft {
            inv.soft = soft;
        }
        self.inner.invalidation.set(inv);
    }

    fn mangle_all(&self, keys: &[String]) -> Result<Vec<String>> {
        keys.iter().map(|k| self.mangle(k).map(Cow::into_owned)).collect()
    }
}

impl<P: Clone + 'static> Inner<P> {
    fn now(&self) -> f64 {
        (self.clock)()
    }

    /// The creation time of a value with `tags` created now: after every mark that could
    /// otherwise invalidate it at birth (the clock may not have moved since the mark was set).
    fn creation_time(&self, tags: &Tags) -> f64 {
        let mut ct = self.invalidation.get().creation_time(self.now());
        if let Some(tags) = tags {
            let marks = self.tag_marks.borrow();
            for mark in tags.iter().filter_map(|t| marks.get(t)) {
                ct = mark.creation_time(ct);
            }
        }
        self.latest_stamp.set(self.latest_stamp.get().max(ct));
        ct
    }

    /// The time of a mark set now: never before a value already stamped.
    fn mark_time(&self) -> f64 {
        self.now().max(self.latest_stamp.get())
    }

    fn state(&self, cv: Option<&CachedValue<P>>, ttl: Ttl) -> State {
        // An entry of another value version is as good as missing.
        let cv = cv.filter(|c| self.current_version(c));
        let tags = cv.and_then(|c| c.tags.as_deref()).unwrap_or_default();
        // Read before the marks are borrowed: the clock may be the caller's, and may call back in.
        let now = self.now();
        let marks = self.tag_marks.borrow();
        let mark_of = |t: &str| if marks.is_empty() { None } else { marks.get(t).copied() };
        classify_tagged(
            cv.map(|c| &c.metadata),
            tags.iter().map(String::as_str),
            now,
            ttl,
            &self.invalidation.get(),
            mark_of,
        )
    }

    /// Whether this hit of the fresh value `cv` starts an early refresh: the XFetch test with
    /// the call's β (or the region's), or already fired by the caller. Never without a way to
    /// run the regeneration in the background (a spawner or a runner).
    fn fires_early(&self, cv: &CachedValue<P>, ttl: Ttl, opts: &CreateOptions<P>) -> bool {
        if self.spawner.is_none() && self.runner.is_none() && opts.runner.is_none() {
            return false;
        }
        let beta = match opts.early {
            EarlyRefresh::Fired => return true,
            EarlyRefresh::Off => return false,
            EarlyRefresh::Beta(beta) => beta,
            EarlyRefresh::Region => match self.early_beta {
                Some(beta) => beta,
                None => return false,
            },
        };
        let (Some(seconds), Some(delta)) = (ttl.as_seconds(), cv.duration) else { return false };
        let remaining = seconds - (self.now() - cv.metadata.ct);
        crate::xfetch::fires(remaining, delta, beta, (self.random)())
    }

    /// Whether early refresh may apply to this call at all.
    fn early_possible(&self, opts: &CreateOptions<P>) -> bool {
        match opts.early {
            EarlyRefresh::Region => self.early_beta.is_some(),
            EarlyRefresh::Off => false,
            EarlyRefresh::Beta(_) | EarlyRefresh::Fired => true,
        }
    }

    /// A fresh value the backend has without I/O. `checked`: the call has a value check of its
    /// own. A shared store's value (a read made for this call) is served here only when no
    /// check applies; otherwise the call takes the load path, which checks it.
    fn peek_fresh(&self, key: &str, ttl: Ttl, checked: bool) -> Option<CachedValue<P>> {
        if !self.backend.capabilities().sync_reads && (checked || self.check.borrow().is_some()) {
            return None;
        }
        let found = self.backend.peek(key)??;
        match self.state(Some(&found), ttl) {
            State::Fresh => {
                self.emit(EventKind::Hit, key);
                Some(found)
            }
            _ => None,
        }
    }

    fn emit(&self, kind: EventKind, key: &str) {
        self.event(Event { kind, key, error: None, ok: true });
    }

    fn event(&self, event: Event<'_>) {
        self.stats.count(event.kind);
        // Clone the Rc out so a listener may set or clear the listener itself.
        let listener = self.listener.borrow().clone();
        if let Some(listener) = listener {
            listener(&event);
        }
    }

    /// What a plain read returns: a usable value (see `can_use`) that passes the value check.
    async fn usable(&self, key: &str, found: Option<CachedValue<P>>, opts: &GetOptions) -> Result<Option<P>> {
        let Some(found) = found.filter(|cv| self.can_use(cv, opts)) else { return Ok(None) };
        let ttl = opts.ttl.unwrap_or(self.ttl);
        let checked = self.checked(key, Some(found), State::Fresh, None, ttl, &Degradation::default()).await?;
        Ok(checked.map(|cv| cv.payload))
    }

    /// What a plain read can use: fresh values, or with `ignore_expiration` any of this version
    /// (the envelope's and the region's value version).
    fn can_use(&self, cv: &CachedValue<P>, opts: &GetOptions) -> bool {
        if opts.ignore_expiration {
            return cv.metadata.v == crate::api::VALUE_VERSION && self.current_version(cv);
        }
        self.state(Some(cv), opts.ttl.unwrap_or(self.ttl)) == State::Fresh
    }

    /// A failure that reaches no caller (or reaches it after being counted here).
    fn report(&self, key: &str, err: &Error) {
        let kind = match err.kind() {
            ErrorKind::Creator => EventKind::CreatorError,
            ErrorKind::LockTimeout => EventKind::LeaseTimeout,
            _ => EventKind::BackendError,
        };
        self.event(Event { kind, key, error: Some(err), ok: false });
        if let Some(sink) = &self.on_error {
            sink(err);
        }
    }
}
