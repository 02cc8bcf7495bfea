//! Reads made outside the core for a get-or-create (the JS layer's first read over a shared
//! store, see `src/js/first-read.js`), kept as safe as the core's own reads:
//!
//! - a watch per key, taken when the read begins: a write of that key that completes while it is
//!   out marks it superseded, as it marks a read of the core's own (`Inner::superseded`), and the
//!   core then reads again instead of deciding on an answer that may be out of date. Writes of
//!   other keys do not touch it;
//! - no watch while the core is reading the key itself: the caller joins that read;
//! - what a call joining the first call's read would get (its value and event, or its error), so
//!   that calls that shared the outside read can take exactly that, and be counted as such.

use crate::backends::key_hash as hash;

use super::{Inner, Region};
use crate::api::CachedValue;
use crate::error::Error;
use crate::events::EventKind;
use crate::lock::State;

/// What a call joining a get-or-create's read gets: the value and the event it is counted as, or
/// the read's error.
#[derive(Clone)]
pub enum Joined<P> {
    Value(P, EventKind),
    Failed(Error),
}

/// Calls sharing one outside read of a key, and whether a write has completed since it began.
/// Kept in a list by the key's hash: only keys with a read out are in it (a few at a time in an
/// isolate), and a hit allocates nothing for it. Two keys of one hash share a watch: a write of
/// either makes both read again, never one decide on an answer out of date.
pub(super) struct Watch {
    refs: u32,
    superseded: bool,
}

impl<P: Clone + 'static> Region<P> {
    /// Begins watching `key` (mangled) for a read made outside the core: false when the core is
    /// reading it already (join that instead). Each true answer is ended by [`Self::unwatch_read`].
    pub fn watch_read(&self, key: &str) -> bool {
        if self.inner.loading.borrow().contains_key(key) {
            return false;
        }
        let h = hash(key);
        let mut watched = self.inner.watched.borrow_mut();
        match watched.iter_mut().find(|(k, _)| *k == h) {
            Some((_, watch)) => watch.refs += 1,
            None => watched.push((h, Watch { refs: 1, superseded: false })),
        }
        true
    }

    /// Whether an outside read of `key` begun under a watch is still current: no write of the key
    /// has completed since it began.
    pub fn read_current(&self, key: &str) -> bool {
        let h = hash(key);
        self.inner.watched.borrow().iter().any(|(k, w)| *k == h && !w.superseded)
    }

    /// A plain get-or-create's fresh hit (no per-call options), judged from what the outside
    /// read of `key` (mangled) found, when nothing else is left to decide: no early
    /// refresh, no value check, no write of the key since the read began. Counted as a hit, and
    /// the read's watch ended (its caller was alone on it). `None` changes nothing: the caller
    /// goes on through the whole get-or-create with the same answer. Why: a hit that skips the
    /// get-or-create machinery (options, the creator, the load) costs half as much.
    /// `found` decodes the read's answer, only once the rest allows a quick answer.
    pub fn outside_hit(&self, key: &str, found: impl FnOnce() -> Option<CachedValue<P>>) -> Option<P> {
        let inner = &self.inner;
        if inner.early_beta.is_some() || inner.check.borrow().is_some() || !self.read_current(key) {
            return None;
        }
        let found = found()?;
        if !matches!(inner.state(Some(&found), inner.ttl), State::Fresh) {
            return None;
        }
        // The watch ends before the hit is reported: a listener's call of this key that joins
        // the same read (the JS layer's read is still out) then finds it no longer current and
        // reads again, as for any call whose read a write may have made out of date.
        self.unwatch_read(key);
        inner.emit(EventKind::Hit, key);
        Some(found.payload)
    }

    pub fn unwatch_read(&self, key: &str) {
        let h = hash(key);
        let mut watched = self.inner.watched.borrow_mut();
        if let Some(i) = watched.iter().position(|(k, _)| *k == h) {
            if let Some((_, watch)) = watched.get_mut(i) {
                watch.refs = watch.refs.saturating_sub(1);
                if watch.refs == 0 {
                    watched.swap_remove(i);
                }
            }
        }
    }

    /// Runs `call` (a get-or-create of `key`, mangled) and says what a call joining its read
    /// would have got, when that was settled before `call` returned.
    pub fn joined_view_of<T>(&self, key: &str, call: impl FnOnce() -> T) -> (T, Option<Joined<P>>) {
        let outer = self.inner.joined_view.replace(Some((key.to_owned(), None)));
        let out = call();
        let seen = self.inner.joined_view.replace(outer).and_then(|(_, seen)| seen);
        (out, seen)
    }

    /// Counts a call that took the outcome of another call's read of `key` (see
    /// [`Self::joined_view_of`]) as a call joining a read of the core's is counted.
    pub fn joined_read(&self, key: &str, kind: EventKind) {
        self.inner.emit(kind, key);
    }
}

impl<P: Clone + 'static> Inner<P> {
    /// Marks outside reads of `key` superseded (with the core's own, see `superseded`).
    pub(super) fn supersede_watch(&self, key: &str) {
        let mut watched = self.watched.borrow_mut();
        if watched.is_empty() {
            return;
        }
        let h = hash(key);
        if let Some((_, watch)) = watched.iter_mut().find(|(k, _)| *k == h) {
            watch.superseded = true;
        }
    }

    /// Notes what a call joining this get-or-create of `key` gets, for [`Region::joined_view_of`]
    /// when it watches that key (and nothing was noted yet: a nested call of another key, from a
    /// value check or a listener, is not this one).
    pub(super) fn note_joined(&self, key: &str, view: impl FnOnce() -> Joined<P>) {
        let mut watched = self.joined_view.borrow_mut();
        if let Some((k, seen @ None)) = watched.as_mut() {
            if k == key {
                *seen = Some(view());
            }
        }
    }
}
