//! The work in flight in one isolate that decides whether an answer of the shared tier may enter
//! L1 (see `tiered.rs`): reads of the shared tier, out or answered and awaiting the region's
//! check, and writes and deletes of it not yet done.
//!
//! A read's answer enters L1 only if no write or delete of its key was in flight or began while
//! it was out (the read may have found what they replaced, or not yet what they wrote), and no
//! change from another isolate was told meanwhile (`L1Store::dropped` as it was then). A write's
//! value enters L1 only if no later write or delete of its key began before it was done.
//!
//! One short list of small entries, searched in order, keys by their hash: a few keys are in
//! flight at a time, and the wasm module stays small. Two keys of one hash count as one, which
//! only ever keeps an answer out of L1, never puts one in.

use std::cell::{Cell, RefCell};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Entries remembered; past it, the oldest awaiting a check goes first, then the oldest read
/// (whose answer is then served without entering L1). Above what one Worker invocation may ask
/// of KV (1,000 operations), so a `get_multi` of every key it can read fits.
const ENTRIES_MAX: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A read out.
    Read,
    /// A read out whose key has been written since it began.
    Written,
    /// A read answered, its value waiting for the region's check.
    Checking,
    /// A write or delete out.
    Write,
    /// A write or delete done while an earlier one of its key is still out: that one is not the
    /// latest.
    Done,
}

#[derive(Clone, Copy)]
struct Entry {
    id: u64,
    key: u64,
    dropped: u64,
    kind: Kind,
    /// Checking: which value the read found (its creation time's bits), so that only that value
    /// is let into L1 when it passes.
    value: u64,
}

/// What a read's answer does to L1.
#[derive(PartialEq, Eq)]
pub(crate) enum Answer {
    /// It enters L1 (a value) or clears it (none).
    Fill,
    /// It waits for the region's check; what L1 holds for the key goes (not usable: stale, say).
    Await,
    /// Nothing changes in L1.
    Skip,
}

#[derive(Default)]
pub(crate) struct InFlight {
    entries: RefCell<Vec<Entry>>,
    next: Cell<u64>,
}

/// A key's hash, where only keys in flight are kept (here and in the region's watches of reads
/// made outside it): one function, so the wasm module holds it once.
pub(crate) fn hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl InFlight {
    fn push(&self, key: u64, dropped: u64, kind: Kind) -> u64 {
        let id = self.next.get() + 1;
        self.next.set(id);
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= ENTRIES_MAX {
            let oldest = entries.iter().position(|e| e.kind == Kind::Checking);
            let read = || entries.iter().position(|e| matches!(e.kind, Kind::Read | Kind::Written));
            if let Some(at) = oldest.or_else(read) {
                entries.remove(at);
            }
        }
        entries.push(Entry { id, key, dropped, kind, value: 0 });
        id
    }

    /// Takes entry `id` out of the list (and what it was), if it is there. The others keep their
    /// order, oldest first, which eviction relies on.
    fn take(&self, id: u64) -> Option<Entry> {
        let mut entries = self.entries.borrow_mut();
        let at = entries.iter().position(|e| e.id == id)?;
        Some(entries.remove(at))
    }

    /// A read of `key` begins (`dropped`: the L1's count now): its id.
    pub fn read_begins(&self, key: &str, dropped: u64) -> u64 {
        let key = hash(key);
        let writing = self.entries.borrow().iter().any(|e| e.kind == Kind::Write && e.key == key);
        self.push(key, dropped, if writing { Kind::Written } else { Kind::Read })
    }

    /// The read `id` has its answer (`dropped`: the L1's count now; `check`: the value found, by
    /// its creation time's bits, when the region checks it before it may be kept).
    pub fn read_ends(&self, id: u64, dropped: u64, check: Option<u64>) -> Answer {
        let Some(read) = self.take(id) else { return Answer::Skip };
        if read.kind != Kind::Read || read.dropped != dropped {
            return Answer::Skip;
        }
        let Some(value) = check else { return Answer::Fill };
        // In the place of an older read of the key awaiting its check.
        let mut entries = self.entries.borrow_mut();
        entries.retain(|e| !(e.kind == Kind::Checking && e.key == read.key));
        entries.push(Entry { kind: Kind::Checking, value, ..read });
        Answer::Await
    }

    /// A read that failed: forgotten. (One dropped at a timeout stays until the list is full,
    /// evicted as the oldest read; only its own answer, never given, was at stake.)
    pub fn read_gone(&self, id: u64) {
        self.take(id);
    }

    /// A value of `key` (`value`: its creation time's bits) passed the region's check: whether it
    /// may enter L1 now, being the value the read awaiting its check found.
    pub fn checked(&self, key: &str, dropped: u64, value: u64) -> bool {
        let key = hash(key);
        let mut entries = self.entries.borrow_mut();
        let at = entries.iter().position(|e| e.kind == Kind::Checking && e.key == key);
        at.map(|i| entries.remove(i)).is_some_and(|e| e.dropped == dropped && e.value == value)
    }

    /// What the reads of `key` found is not to be kept (a write or delete begins, or the region's
    /// check refused a value).
    pub fn forget(&self, key: &str) {
        self.forget_hash(hash(key));
    }

    fn forget_hash(&self, key: u64) {
        let mut entries = self.entries.borrow_mut();
        entries.retain(|e| !(e.kind == Kind::Checking && e.key == key));
        entries.iter_mut().filter(|e| e.kind == Kind::Read && e.key == key).for_each(|e| e.kind = Kind::Written);
    }

    /// A write or delete of `key` begins: its ticket.
    pub fn write_begins(&self, key: &str) -> u64 {
        let key = hash(key);
        self.forget_hash(key);
        self.push(key, 0, Kind::Write)
    }

    /// The write or delete `ticket` of `key` is done: whether no later one of the key has begun.
    pub fn write_ends(&self, ticket: u64) -> bool {
        let Some(done) = self.take(ticket) else { return false };
        let mut entries = self.entries.borrow_mut();
        let writes = |k: Kind| matches!(k, Kind::Write | Kind::Done);
        let latest = !entries.iter().any(|e| writes(e.kind) && e.key == done.key && e.id > ticket);
        if entries.iter().any(|e| e.kind == Kind::Write && e.key == done.key) {
            entries.push(Entry { kind: Kind::Done, ..done });
        } else {
            entries.retain(|e| !(e.kind == Kind::Done && e.key == done.key));
        }
        latest
    }
}

#[cfg(test)]
mod tests {
    use super::{Answer, InFlight};

    #[test]
    fn a_checked_value_enters_only_if_it_is_the_one_its_read_found() {
        let f = InFlight::default();
        let a = f.read_begins("k", 0);
        assert!(f.read_ends(a, 0, Some(1)) == Answer::Await);
        f.forget("k"); // deleted here while a's value was being checked
        let b = f.read_begins("k", 0);
        assert!(f.read_ends(b, 0, Some(2)) == Answer::Await);
        assert!(!f.checked("k", 0, 1), "a's value, checked late, is not b's");
        let c = f.read_begins("k", 0);
        assert!(f.read_ends(c, 0, Some(3)) == Answer::Await);
        assert!(f.checked("k", 0, 3));
        assert!(!f.checked("k", 0, 3), "taken once");
    }

    #[test]
    fn reads_begun_or_out_during_a_write_are_skipped() {
        let f = InFlight::default();
        let out = f.read_begins("k", 0);
        let w = f.write_begins("k");
        let during = f.read_begins("k", 0);
        let other = f.read_begins("j", 0);
        assert!(f.write_ends(w));
        assert!(f.read_ends(out, 0, None) == Answer::Skip);
        assert!(f.read_ends(during, 0, None) == Answer::Skip);
        assert!(f.read_ends(other, 0, None) == Answer::Fill);
        let after = f.read_begins("k", 0);
        assert!(f.read_ends(after, 0, None) == Answer::Fill);
        let dropped = f.read_begins("k", 0);
        assert!(f.read_ends(dropped, 1, None) == Answer::Skip, "a coherence drop meanwhile");
    }

    #[test]
    fn only_the_latest_write_of_a_key_is_latest_whichever_ends_first() {
        let f = InFlight::default();
        let (a, b) = (f.write_begins("k"), f.write_begins("k"));
        assert!(f.write_ends(b), "b began last");
        assert!(!f.write_ends(a), "a ends after b, which began later");
        let c = f.write_begins("k");
        assert!(f.write_ends(c), "no later write left in the books");
        assert!(f.entries.borrow().is_empty());
    }

    #[test]
    fn the_list_is_bounded_and_keeps_writes() {
        let f = InFlight::default();
        let w = f.write_begins("k");
        for i in 0..3000 {
            f.read_begins(&format!("r{i}"), 0);
        }
        assert!(f.entries.borrow().len() <= super::ENTRIES_MAX);
        let r = f.read_begins("k", 0);
        assert!(f.read_ends(r, 0, None) == Answer::Skip, "the write is still in flight");
        assert!(f.write_ends(w));
    }
}
