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
    /// Reads of L2 out, or answered and awaiting the region's check (a short list, searched in
    /// order: no hash map in the wasm module for it).
    reads: RefCell<Vec<Read>>,
    next_read: Cell<u64>,
}

/// A read of L2 whose value may yet fill L1: only if no write or delete of its key began in this
/// isolate since it began (the read may have found what that replaced), nor a drop told by
/// another isolate's change (`L1Store::dropped` as it was then).
struct Read {
    id: u64,
    key: String,
    dropped: u64,
    written: bool,
    /// Answered, its value waiting for the region's check (see `Backend::remember`).
    checking: bool,
}

/// Reads remembered; past it, the list starts again (the values of the reads forgotten are
/// served, not kept in L1).
const READS_MAX: usize = 256;

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
            reads: RefCell::default(),
            next_read: Cell::new(0),
        }
    }

    /// A write or delete of `key` begins (or a rejection): what the reads of it out or awaiting
    /// their check found is not worth keeping.
    fn written(&self, key: &str) {
        let mut reads = self.reads.borrow_mut();
        reads.retain(|r| !(r.checking && r.key == key));
        reads.iter_mut().filter(|r| r.key == key).for_each(|r| r.written = true);
    }

    /// Notes a read of L2 beginning: its id.
    fn read_begins(&self, key: &str) -> u64 {
        let id = self.next_read.get() + 1;
        self.next_read.set(id);
        let mut reads = self.reads.borrow_mut();
        if reads.len() >= READS_MAX {
            reads.clear();
        }
        reads.push(Read { id, key: key.to_owned(), dropped: self.l1.dropped(), written: false, checking: false });
        id
    }

    /// The read `id` of `key` found `found` (`Err(())`: it failed): what that does to L1. Nothing,
    /// for a read during which the key was written here or a change from another isolate was
    /// told (it may have found what they replaced); else L1 takes the answer, or, when the region
    /// checks values, the read waits for its check (in the place of an older one of its key) and
    /// what L1 held (not usable: stale, say) goes, so that the value read can take its place.
    fn read_ends(&self, id: u64, key: &str, found: std::result::Result<Option<&CachedValue<P>>, ()>, until: f64) {
        let dropped = self.l1.dropped();
        let check = !self.keep_reads.get() && matches!(found, Ok(Some(_)));
        {
            let mut reads = self.reads.borrow_mut();
            let Some(at) = reads.iter().position(|r| r.id == id) else { return };
            if reads[at].written || reads[at].dropped != dropped || found.is_err() {
                reads.swap_remove(at);
                return;
            }
            if check {
                reads.retain(|r| r.id == id || !(r.checking && r.key == key));
                reads.iter_mut().filter(|r| r.id == id).for_each(|r| r.checking = true);
            } else {
                reads.swap_remove(at);
            }
        }
        match found {
            Ok(Some(cv)) if !check => self.l1.write(key, cv.clone(), until),
            _ => self.l1.remove(key),
        }
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
            let read = self.read_begins(key);
            let found = self.l2.get(key).await;
            self.read_ends(read, key, found.as_ref().map(Option::as_ref).map_err(drop), self.until());
            found
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            self.written(key);
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
            self.written(key);
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
        self.written(key);
        self.l1.remove(key);
    }

    fn keep_reads(&self, keep: bool) {
        self.keep_reads.set(keep);
    }

    fn remember(&self, key: &str, value: &CachedValue<P>) {
        // Only a value read from L2 here, with no change from another isolate told since the read
        // began; and not over something there already (newer, or this very value served from L1,
        // whose `until` stays as it was).
        let current = {
            let mut reads = self.reads.borrow_mut();
            let at = reads.iter().position(|r| r.checking && r.key == key);
            at.map(|i| reads.swap_remove(i)).is_some_and(|r| !r.written && r.dropped == self.l1.dropped())
        };
        if current && self.l1.read(key, (self.clock)()).is_none() {
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
            let reads: Vec<u64> = missing.iter().map(|k| self.read_begins(k)).collect();
            let fetched = self.l2.get_multi(&missing).await;
            let until = self.until();
            let Ok(fetched) = fetched else {
                reads.iter().zip(&missing).for_each(|(&id, k)| self.read_ends(id, k, Err(()), until));
                return fetched.map(|_| out);
            };
            let mut fetched = fetched.into_iter();
            let mut reads = reads.into_iter();
            for (k, slot) in keys.iter().zip(out.iter_mut()) {
                if slot.is_some() {
                    continue;
                }
                let found = fetched.next().flatten();
                self.read_ends(reads.next().unwrap_or_default(), k, Ok(found.as_ref()), until);
                *slot = found;
            }
            Ok(out)
        }
        .boxed_local()
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<P>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            let keys: Vec<String> = items.iter().map(|(k, _)| k.clone()).collect();
            keys.iter().for_each(|k| self.written(k));
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
                self.written(k);
                self.l1.remove(k);
            });
            self.l2.delete_multi(keys).await?;
            self.changed(keys.to_vec()).await;
            Ok(())
        }
        .boxed_local()
    }
}
