//! `Region::generation`: it changes on every change a peeked value could miss (writes,
//! removals, evictions, invalidations) and on nothing else, so a caller may reuse what it
//! peeked while it stays the same.

mod common;

use std::rc::Rc;

use common::*;
use edgepile::{MemoryBackend, NullBackend, Region, RegionBuilder, Ttl};
use futures::FutureExt;

#[test]
fn changes_on_writes_removals_evictions_and_invalidations_only() {
    let clock = FakeClock::new();
    let region = RegionBuilder::new("g")
        .ttl(Ttl::Seconds(60.0))
        .clock(clock.clock())
        .build(Rc::new(MemoryBackend::<String>::new(2)));
    run(async {
        let g0 = region.generation().expect("memory backends tell");
        region.set("a", "1".into()).await.expect("set");
        let g1 = region.generation().expect("gen");
        assert_ne!(g0, g1, "a write");
        assert!(region.peek_fresh("a", None).expect("peek").is_some());
        assert_eq!(region.generation(), Some(g1), "reads change nothing");
        region.set("b", "2".into()).await.expect("set");
        region.set("c", "3".into()).await.expect("set"); // evicts a
        let g2 = region.generation().expect("gen");
        assert_ne!(g1, g2);
        region.delete("b").await.expect("delete");
        let g3 = region.generation().expect("gen");
        assert_ne!(g2, g3, "a removal");
        region.invalidate(false);
        let g4 = region.generation().expect("gen");
        assert_ne!(g3, g4, "a soft invalidation");
        region.invalidate(true);
        assert_ne!(region.generation(), Some(g4), "a hard invalidation");
    }
    .boxed_local());
}

#[test]
fn peek_fresh_at_returns_the_metadata_of_a_fresh_value() {
    let clock = FakeClock::new();
    let region = RegionBuilder::new("g")
        .ttl(Ttl::Seconds(10.0))
        .clock(clock.clock())
        .build(Rc::new(MemoryBackend::<String>::new(8)));
    run(async { region.set("a", "1".into()).await.expect("set") }.boxed_local());
    let now = clock.clock()();
    let cv = region.peek_fresh_at("a", None, now).expect("peek").expect("fresh");
    assert_eq!((cv.payload.as_str(), cv.metadata.ct), ("1", now));
    assert!(region.peek_fresh_at("a", None, now + 10.5).expect("peek").is_none(), "stale at ct + ttl + 0.5");
}

#[test]
fn backends_that_cannot_tell_say_none() {
    let region = RegionBuilder::new("g").build(Rc::new(NullBackend));
    assert_eq!(Region::<String>::generation(&region), None);
}
