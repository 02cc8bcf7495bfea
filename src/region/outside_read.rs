//! Reads made outside the core for a get-or-create (the JS layer's first read over a shared
//! store, see `src/js/first-read.js`), kept as safe as the core's own reads:
//!
//! - a watch per key, taken when the read begins: a write of that key that completes while it is
//!   out marks it superseded, as it marks a read of the core's own (`Inner::superseded`), and the
//!   core then reads again instead of deciding on an answer that may be out of date. Writes of
//!   other keys do not touch it;
//! - no watch while the core is reading the key itself: the caller joins that read;
//! - the decision a call took (the event it emitted), so that calls that shared the read and
//!   take that call's outcome are counted as calls joining a read of the core's are.

use super::{Inner, Region};
use crate::events::EventKind;

/// Calls sharing one outside read of a key, and whether a write has completed since it began.
#[derive(Default)]
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
        let mut watched = self.inner.watched.borrow_mut();
        let watch = watched.entry(key.to_owned()).or_default();
        if watch.refs == 0 {
            watch.superseded = false;
        }
        watch.refs += 1;
        true
    }

    /// Whether an outside read of `key` begun under a watch is still current: no write of the key
    /// has completed since it began.
    pub fn read_current(&self, key: &str) -> bool {
        self.inner.watched.borrow().get(key).is_some_and(|w| !w.superseded)
    }

    pub fn unwatch_read(&self, key: &str) {
        let mut watched = self.inner.watched.borrow_mut();
        if let Some(watch) = watched.get_mut(key) {
            watch.refs = watch.refs.saturating_sub(1);
            if watch.refs == 0 {
                watched.remove(key);
            }
        }
    }

    /// Runs `call` and says what it served: the first hit, miss or stale-served event it emitted.
    pub fn decision_of<T>(&self, call: impl FnOnce() -> T) -> (T, Option<EventKind>) {
        let outer = self.inner.decision.replace(Some(None));
        let out = call();
        let decided = self.inner.decision.replace(outer).flatten();
        (out, decided)
    }

    /// Counts a call that took the outcome of another call's decision on a shared read (`kind`,
    /// from [`Self::decision_of`]) as a call joining a read of the core's is counted.
    pub fn joined_read(&self, key: &str, kind: EventKind) {
        self.inner.emit(kind, key);
    }
}

impl<P: Clone + 'static> Inner<P> {
    /// Marks outside reads of `key` superseded (with the core's own, see `superseded`).
    pub(super) fn supersede_watch(&self, key: &str) {
        if let Some(watch) = self.watched.borrow_mut().get_mut(key) {
            watch.superseded = true;
        }
    }

    /// Notes `kind` as the decision of the call being watched by [`Region::decision_of`].
    pub(super) fn note_decision(&self, kind: EventKind) {
        if matches!(kind, EventKind::Hit | EventKind::Miss | EventKind::StaleServed)
            && self.decision.get() == Some(None)
        {
            self.decision.set(Some(Some(kind)));
        }
    }
}
