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

use std::cell::Cell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use super::in_flight::{Answer, InFlight};
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

/// Writes or deletes of L2 begun here. One whose future is dropped before it ends (at a
/// `backendTimeout`) ends when this is dropped: its key leaves L1 (the write may still land) and
/// stops counting as in flight, which would otherwise keep every later read of it out of L1.
struct Writes<'a, P: Clone + 'static> {
    tiers: &'a TieredBackend<P>,
    begun: Vec<(String, u64)>,
}

impl<P: Clone + 'static> Writes<'_, P> {
    /// Ends them: `stored(i)` is the value L2 now has for the i-th key, if any.
    fn end(mut self, mut stored: impl FnMut(usize) -> Option<CachedValue<P>>) {
        let until = self.tiers.until();
        for (i, (key, ticket)) in std::mem::take(&mut self.begun).into_iter().enumerate() {
            self.tiers.write_ends(&key, ticket, stored(i), until);
        }
    }
}

impl<P: Clone + 'static> Drop for Writes<'_, P> {
    fn drop(&mut self) {
        for (key, ticket) in std::mem::take(&mut self.begun) {
            self.tiers.write_ends(&key, ticket, None, 0.0);
        }
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
    /// Reads and writes of L2 in flight in this isolate: what may enter L1 (see `in_flight.rs`).
    flight: InFlight,
}

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
            flight: InFlight::default(),
        }
    }

    /// A read of L2 begins: its id.
    fn read_begins(&self, key: &str) -> u64 {
        self.flight.read_begins(key, self.l1.dropped())
    }

    /// The read `read` of `key` found `found`: what that does to L1.
    fn read_ends(&self, read: u64, key: &str, found: Option<&CachedValue<P>>, until: f64) {
        let check = found.filter(|_| !self.keep_reads.get()).map(|cv| cv.metadata.ct.to_bits());
        match (self.flight.read_ends(read, self.l1.dropped(), check), found) {
            (Answer::Fill, Some(cv)) => self.l1.write(key, cv.clone(), until),
            (Answer::Skip, _) => {}
            _ => self.l1.remove(key),
        }
    }

    /// Writes or deletes of `keys` begin: ended by `Writes::end`, or when dropped unended.
    fn writes_begin<'k>(&self, keys: impl Iterator<Item = &'k str>) -> Writes<'_, P> {
        Writes { tiers: self, begun: keys.map(|k| (k.to_owned(), self.flight.write_begins(k))).collect() }
    }

    /// The write or delete `ticket` of `key` is done (`stored`: the value L2 now has, if it
    /// succeeded and was a write): L1 takes it only if no later write or delete of the key began.
    fn write_ends(&self, key: &str, ticket: u64, stored: Option<CachedValue<P>>, until: f64) {
        let latest = self.flight.write_ends(ticket);
        match stored {
            Some(value) if latest => self.l1.write(key, value, until),
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
            match &found {
                Ok(found) => self.read_ends(read, key, found.as_ref(), self.until()),
                Err(_) => self.flight.read_gone(read),
            }
            found
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, key: &'a str, value: CachedValue<P>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            let writes = self.writes_begin(std::iter::once(key));
            let stored = self.l2.set(key, value.clone(), ttl).await;
            // L1 never holds what L2 does not: after a failure the next read goes to L2.
            let mut value = stored.is_ok().then_some(value);
            writes.end(|_| value.take());
            stored?;
            self.changed(vec![key.to_owned()]).await;
            Ok(())
        }
        .boxed_local()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        async move {
            let writes = self.writes_begin(std::iter::once(key));
            self.l1.remove(key);
            let deleted = self.l2.delete(key).await;
            writes.end(|_| None);
            deleted?;
            self.changed(vec![key.to_owned()]).await;
            Ok(())
        }
        .boxed_local()
    }

    fn peek(&self, key: &str) -> Option<Option<CachedValue<P>>> {
        self.l1.read(key, (self.clock)()).map(Some)
    }

    fn forget(&self, key: &str) {
        self.flight.forget(key);
        self.l1.remove(key);
    }

    fn keep_reads(&self, keep: bool) {
        self.keep_reads.set(keep);
    }

    fn remember(&self, key: &str, value: &CachedValue<P>) {
        // Only a value read from L2 here, with no change from another isolate told since the read
        // began; and not over something there already (newer, or this very value served from L1,
        // whose `until` stays as it was).
        let dropped = self.l1.dropped();
        if self.flight.checked(key, dropped, value.metadata.ct.to_bits()) && self.l1.read(key, (self.clock)()).is_none()
        {
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
            let mut fetched = match fetched {
                Ok(found) => found.into_iter(),
                Err(e) => {
                    reads.into_iter().for_each(|read| self.flight.read_gone(read));
                    return Err(e);
                }
            };
            let mut reads = reads.into_iter();
            for (k, slot) in keys.iter().zip(out.iter_mut()) {
                if slot.is_some() {
                    continue;
                }
                let found = fetched.next().flatten();
                self.read_ends(reads.next().unwrap_or_default(), k, found.as_ref(), until);
                *slot = found;
            }
            Ok(out)
        }
        .boxed_local()
    }

    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<P>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            let keys: Vec<String> = items.iter().map(|(k, _)| k.clone()).collect();
            let writes = self.writes_begin(keys.iter().map(String::as_str));
            let stored = self.l2.set_multi(items.clone(), ttl).await;
            let ok = stored.is_ok();
            writes.end(|i| items.get(i).filter(|_| ok).map(|(_, v)| v.clone()));
            stored?;
            self.changed(keys).await;
            Ok(())
        }
        .boxed_local()
    }

    fn delete_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, ()> {
        async move {
            let writes = self.writes_begin(keys.iter().map(String::as_str));
            keys.iter().for_each(|k| self.l1.remove(k));
            let deleted = self.l2.delete_multi(keys).await;
            writes.end(|_| None);
            deleted?;
            self.changed(keys.to_vec()).await;
            Ok(())
        }
        .boxed_local()
    }
}
