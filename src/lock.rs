//! The dogpile lock as a pure decision: no clock, no I/O, no JS.
//!
//! dogpile's `lock.py` in two questions. First, [`classify`]: given what the backend returned
//! and the time, is the value fresh, stale, or as good as missing? Then [`decide`]: given that,
//! and whether someone already holds the right to regenerate it (the in-isolate creation or a
//! lease), what does this caller do?
//!
//! | value   | someone regenerating | action                                     |
//! |---------|----------------------|--------------------------------------------|
//! | fresh   | any                  | serve it                                   |
//! | stale   | yes                  | serve the stale value at once              |
//! | stale   | no                   | take the lease, regenerate (or in background) |
//! | missing | yes                  | wait for that creation                     |
//! | missing | no                   | take the lease, re-check, create           |

use crate::api::{Metadata, Ttl, VALUE_VERSION};

/// Region-wide invalidation marks, in seconds; 0 means never invalidated.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Invalidation {
    /// Values created at or before this time read as missing: everyone waits for a new value.
    pub hard: f64,
    /// Values created at or before this time read as stale: served while one caller regenerates.
    pub soft: f64,
}

impl Invalidation {
    /// The creation time to stamp on a value created `now`. Workers clocks stand still during
    /// computation, so a value created in the same instant as an invalidation must still be
    /// newer than it, or it would be invalidated at birth.
    pub fn creation_time(&self, now: f64) -> f64 {
        let latest = self.hard.max(self.soft);
        if now > latest {
            now
        } else {
            latest + 0.001
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Fresh,
    Stale,
    Missing,
}

/// Where a stored value stands at `now` under `ttl` and the region's invalidation marks.
pub fn classify(metadata: Option<&Metadata>, now: f64, ttl: Ttl, inv: &Invalidation) -> State {
    let Some(m) = metadata else { return State::Missing };
    if m.v != VALUE_VERSION || !m.ct.is_finite() {
        return State::Missing;
    }
    if inv.hard > 0.0 && m.ct <= inv.hard {
        return State::Missing;
    }
    if inv.soft > 0.0 && m.ct <= inv.soft {
        return State::Stale;
    }
    match ttl {
        Ttl::Seconds(s) if now - m.ct > s => State::Stale,
        _ => State::Fresh,
    }
}

/// [`classify`], then the entry's tags: a tag whose hard mark is at or after the entry's creation
/// makes it missing, a soft mark stale (the worse of the two wins). `marks` answers a tag's marks.
pub fn classify_tagged<'t>(
    metadata: Option<&Metadata>,
    tags: impl IntoIterator<Item = &'t str>,
    now: f64,
    ttl: Ttl,
    inv: &Invalidation,
    marks: impl Fn(&str) -> Option<Invalidation>,
) -> State {
    let state = classify(metadata, now, ttl, inv);
    let Some(m) = metadata else { return state };
    if state == State::Missing {
        return state;
    }
    let mut worst = state;
    for tag in tags {
        let Some(mark) = marks(tag) else { continue };
        if mark.hard > 0.0 && m.ct <= mark.hard {
            return State::Missing;
        }
        if mark.soft > 0.0 && m.ct <= mark.soft {
            worst = State::Stale;
        }
    }
    worst
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Return the value as it is.
    Serve,
    /// Return the stale value now; someone else is producing the new one.
    ServeStale,
    /// Nothing to serve and someone else is producing it: wait for their result.
    Wait,
    /// This caller produces the value. With `background`, the stale value is returned at once
    /// and the creation runs on the async creation runner.
    Regenerate { background: bool },
}

/// What a caller does, given the value's state and whether someone is already regenerating.
pub fn decide(state: State, someone_regenerating: bool, async_runner: bool) -> Action {
    match (state, someone_regenerating) {
        (State::Fresh, _) => Action::Serve,
        (State::Stale, true) => Action::ServeStale,
        (State::Stale, false) => Action::Regenerate { background: async_runner },
        (State::Missing, true) => Action::Wait,
        (State::Missing, false) => Action::Regenerate { background: false },
    }
}
