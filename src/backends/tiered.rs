//! Two tiers: a bounded store in this isolate (L1) over a shared backend (L2: KV, the Cache
//! API, Durable Object storage, anything). A read served by L1 touches nothing shared; a miss
//! reads L2 and fills L1 (with a region check, once the value has passed it; not at all when a
//! change from another isolate was told while the read was out); writes and deletes go through
//! both. An L1 entry is served for at most
//! `l1_ttl` seconds after it was filled, which bounds how long a write or delete made by another
//! isolate can go unseen here when nothing else tells this isolate about it (see `on_change`
//! and the coherence point of the JS layer).
//!
//! Expiry is not decided here: an L1 entry is the L2 entry as it was read, creation time
//! included, and the region judges it exactly as it would judge the L2 copy.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use crate::api::{CachedValue, Ttl};
use crate::backend::{Backend, BackendFuture, Capabilities, Usable};
use crate::backends::MemoryStore;
use crate::error::Result;
use crate::region::Clock;

/// The isolate's tier: entries, each served until a time given when it was written.
pub trait L1Store<P> {
    /// The entry for `key` unless it is absent or `now` is past its time.
    fn read(&self, key: &str, now: f64) -> Option<CachedValue<P>>;
    fn write(&self, key: &str, value: CachedValue<P>, until: f64);
    fn remove(&self, key: &str);
    /// How many drops other isolates' changes have made (a coherence check's): a read of the
    /// shared tier that was out while one came may have found what those changes replaced.
    fn dropped(&self) -> u64 {
        0
    }
}

/// Told the keys this isolate wrote or deleted, once L2 has them: a coherence point that other
/// isolates consult to drop those keys from their own L1. Its failure is reported, not thrown:
/// the write itself succeeded.
pub type ChangeHook = Rc<dyn Fn(Vec<String>) -> LocalBoxFuture<'static, Result<()>>>;
/// Where failures that reach no caller go (the region's reporter).
pub type TierReporter = Rc<dyn Fn(&str, &crate::error::Error)>;

/// An L1 of Rust values: a bounded LRU of entries with their serve-until time.
pub struct MemoryL1<P> {
    store: MemoryStore<(CachedValue<P>, f64)>,
}

impl<P: Clone> MemoryL1<P> {
    pub fn new(max_entries: usize) -> Self {
        MemoryL1 { store: MemoryStore::new(max_entries) }
    }
}

impl<P: Clone> L1Store<P> for MemoryL1<P> {
    fn read(&self, key: &str, now: f64) -> Option<CachedValue<P>> {
        let (value, until) = self.store.read(key)?;
        if now > until {
            self.store.remove(key);
            return None;
        }
        Some(value)
    }

    fn write(&self, key: &str, value: CachedValue<P>, until: f64) {
        self.store.write(key, (value, until));
    }

    fn remove(&self, key: &str) {
        self.store.remove(key);
    }
}

pub struct TieredBackend<P> {
    l1: Rc<dyn L1Store<P>>,
    l2: Rc<dyn Backend<P>>,
    l1_ttl: f64,
    clock: Clock,
    on_change: Option<ChangeHook>,
    reporter: Option<TierReporter>,
    /// Reads from L2 fill L1 at once (nothing to check them; see `Backend::keep_reads`).
    keep_reads: Cell<bool>,
    /// Reads of L2 awaiting the region's check: the key and `L1Store::dropped` when it began (a
    /// short list, searched in order: no hash map in the wasm module for it).
    checking: RefCell<Vec<(String, u64)>>,
}

/// Reads awaiting a check that are remembered; past it, the list starts again (the values of
/// the reads forgotten are served, not kept in L1).
const CHECKING_MAX: usize = 256;

impl<P: Clone + 'static> TieredBackend<P> {
    /// `l1_ttl`: seconds an L1 entry is served after it was filled (`f64::INFINITY`: until
    /// evicted or dropped). `clock`: the region's, in seconds.
    pub fn new(l1: Rc<dyn L1Store<P>>, l2: Rc<dyn Backend<P>>, l1_ttl: f64, clock: Clock) -> Self {
        TieredBackend {
            l1,
            l2,
            l1_ttl,
            clock,
            on_change: None,
            reporter: None,
            keep_reads: Cell::new(true),
            checking: RefCell::default(),
        }
    }

    /// Forgets a read of `key` awaiting its check: a write of the key (begun, not yet done) or a
    /// rejection makes what it read not worth keeping.
    fn not_awaiting(&self, key: &str) {
        self.checking.borrow_mut().retain(|(k, _)| k != key);
    }

    /// Notes a read of `key` whose value waits for the region's check (see `Backend::remember`).
    fn awaiting_check(&self, key: &str, dropped: u64) {
        let mut checking = self.checking.borrow_mut();
        checking.retain(|(k, _)| k != key);
        if checking.len() >= CHECKING_MAX {
            checking.clear();
        }
        checking.push((key.to_owned(), dropped));
    }

    pub fn on_change(mut self, hook: ChangeHook) -> Self {
        self.on_change = Some(hook);
        self
    }

    pub fn reporter(mut self, reporter: TierReporter) -> Self {
        self.reporter = Some(reporter);
        self
    }

    fn until(&self) -> f64 {
        (self.clock)() + self.l1_ttl
    }

    async fn changed(&self, keys: Vec<String>) {
        if let Some(hook) = &self.on_change {
            let first = keys.first().cloned().unwrap_or_default();
            if let Err(e) = hook(keys).await {
                if let Some(report) = &self.reporter {
                    report(&first, &e);
                }
            }
        }
    }
}

impl<P: Clone + 'static> Backend<P> for TieredBackend<P> {
    fn capabilities(&self) -> Capabilities {
        Capabilities { sync_reads: false, bounded: false, ..self.l2.capabilities() }
    }

    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<P>>> {
        self.get_usable(key, &|_| true)
    }

    fn get_usable<'a>(&'a self, key: &'a str, usable: Usable<'a, P>) -> BackendFuture<'a, Option<CachedValue<P>>> {
        async move {
            // An entry the reader cannot use (stale, invalidated) may already be replaced in L2.
            if let Some(cv) = self.l1.read(key, (self.clock)()).filter(|cv| usable(cv)) {
                return Ok(Some(cv));
            }
            let dropped = self.l1.dropped();
            let found = self.l2.get(key).await?;
            match &found {
                // Kept only if no change from another isolate was told while the read was out:
                // it may concern this key, and the read may have found what it replaced.
                Some(_) if self.l1.dropped() != dropped => {}
                Some(cv) if self.keep_reads.get() => self.l1.write(key, cv.clone(), self.until()),
                Some(_) => {
                    // What L1 held is not usable (stale, say): gone, so that the value read can
                    // take its place once it has passed the check.
                    self.l1.remove(key);
                    self.awaiting_check(key, dropped);
                }
                None => self.l1.remove(key),
            }
            Ok(found)
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            self.not_awaiting(key);
            match self.l2.set(key, value.clone(), ttl).await {
                Ok(()) => self.l1.write(key, value, self.until()),
                Err(e) => {
                    // L1 never holds what L2 does not: the next read goes to L2.
                    self.l1.remove(key);
                    return Err(e);
                }
            }
            self.changed(vec![key.to_owned()]).await;
            Ok(())
        }
        .boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        async move {
            self.not_awaiting(key);
            self.l1.remove(key);
            self.l2.delete(key).await?;
            self.changed(vec![key.to_owned()]).await;
            Ok(())
        }
        .boxed_local()
    }

    fn peek(&self, key: &str) -> Option<Option<CachedValue<P>>> {
        self.l1.read(key, (self.clock)()).map(Some)
    }

    fn forget(&self, key: &str) {
        self.not_awaiting(key);
        self.l1.remove(key);
    }

    fn keep_reads(&self, keep: bool) {
        self.keep_reads.set(keep);
    }

    fn remember(&self, key: &str, value: &CachedValue<P>) {
        // Only a value read from L2 here, with no change from another isolate told since the read
        // began; and not over something there already (newer, or this very value served from L1,
        // whose `until` stays as it was).
        let began = {
            let mut checking = self.checking.borrow_mut();
            let at = checking.iter().position(|(k, _)| k == key);
            at.map(|i| checking.swap_remove(i).1)
        };
        if began == Some(self.l1.dropped()) && self.l1.read(key, (self.clock)()).is_none() {
            self.l1.write(key, value.clone(), self.until());
        }
    }

    fn get_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, Vec<Option<CachedValue<P>>>> {
        self.get_multi_usable(keys, &|_| true)
    }

    fn get_multi_usable<'a>(
        &'a self,
        keys: &'a [String],
        usable: Usable<'a, P>,
    ) -> BackendFuture<'a, Vec<Option<CachedValue<P>>>> {
        async move {
            let now = (self.clock)();
            let mut out: Vec<Option<CachedValue<P>>> =
                keys.iter().map(|k| self.l1.read(k, now).filter(|cv| usable(cv))).collect();
            let missing: Vec<String> =
                keys.iter().zip(&out).filter(|(_, found)| found.is_none()).map(|(k, _)| k.clone()).collect();
            if missing.is_empty() {
                return Ok(out);
            }
            let dropped = self.l1.dropped();
            let mut fetched = self.l2.get_multi(&missing).await?.into_iter();
            let until = self.until();
            let current = self.l1.dropped() == dropped;
            for (k, slot) in keys.iter().zip(out.iter_mut()) {
                if slot.is_some() {
                    continue;
                }
                let found = fetched.next().flatten();
                match &found {
                    Some(_) if !current => {}
                    Some(cv) if self.keep_reads.get() => self.l1.write(k, cv.clone(), until),
                    Some(_) => {
                        self.l1.remove(k);
                        self.awaiting_check(k, dropped);
                    }
                    None => self.l1.remove(k),
                }
                *slot = found;
            }
            Ok(out)
        }
        .boxed_local()
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<P>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            let keys: Vec<String> = items.iter().map(|(k, _)| k.clone()).collect();
            keys.iter().for_each(|k| self.not_awaiting(k));
            if let Err(e) = self.l2.set_multi(items.clone(), ttl).await {
                keys.iter().for_each(|k| self.l1.remove(k));
                return Err(e);
            }
            let until = self.until();
            for (k, v) in items {
                self.l1.write(&k, v, until);
            }
            self.changed(keys).await;
            Ok(())
        }
        .boxed_local()
    }

    fn delete_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, ()> {
        async move {
            keys.iter().for_each(|k| {
                self.not_awaiting(k);
                self.l1.remove(k);
            });
            self.l2.delete_multi(keys).await?;
            self.changed(keys.to_vec()).await;
            Ok(())
        }
        .boxed_local()
    }
}
