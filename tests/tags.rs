//! Tags natively: the pure decision (`lock::classify_tagged`), a region's `invalidate_tags`, and
//! tags through the byte envelope.

mod common;

use std::rc::Rc;

use common::*;
use edgepile::codec;
use edgepile::lock::{classify_tagged, Invalidation, State};
use edgepile::{CachedValue, CreateOptions, GetOptions, MemoryBackend, Metadata, RegionBuilder, Ttl, VALUE_VERSION};
use futures::FutureExt;

fn marks(hard: f64, soft: f64) -> impl Fn(&str) -> Option<Invalidation> {
    move |t: &str| (t == "x").then_some(Invalidation { hard, soft })
}

#[test]
fn a_tag_mark_at_or_after_creation_decides() {
    let m = Metadata { ct: 100.0, v: VALUE_VERSION, value_version: 0 };
    let none = Invalidation::default();
    let at = |tags: &[&str], f: &dyn Fn(&str) -> Option<Invalidation>| {
        classify_tagged(Some(&m), tags.iter().copied(), 100.0, Ttl::Never, &none, f)
    };
    assert_eq!(at(&["x"], &marks(100.0, 0.0)), State::Missing, "hard at ct");
    assert_eq!(at(&["x"], &marks(99.9, 0.0)), State::Fresh, "hard before ct");
    assert_eq!(at(&["x"], &marks(0.0, 100.0)), State::Stale, "soft at ct");
    assert_eq!(at(&["y", "x"], &marks(150.0, 0.0)), State::Missing, "any tag");
    assert_eq!(at(&["y"], &marks(150.0, 150.0)), State::Fresh, "other tags untouched");
    assert_eq!(at(&[], &marks(150.0, 150.0)), State::Fresh, "untagged untouched");
    // the region's own state is not improved by tags
    let expired = classify_tagged(Some(&m), ["y"], 200.0, Ttl::Seconds(10.0), &none, marks(0.0, 0.0));
    assert_eq!(expired, State::Stale);
}

#[test]
fn invalidating_a_tag_reaches_exactly_its_entries_even_with_a_frozen_clock() {
    let clock = FakeClock::new();
    let region = RegionBuilder::new("t").clock(clock.clock()).build(Rc::new(MemoryBackend::<String>::new(100)));
    let calls = Rc::new(std::cell::Cell::new(0));
    let tagged = |tags: &[&str]| CreateOptions {
        tags: Some(tags.iter().map(|t| t.to_string()).collect()),
        ..CreateOptions::default()
    };
    run(async {
        region.get_or_create("a", numbered_creator(&calls, "a"), tagged(&["user:1"])).await.unwrap();
        region.get_or_create("b", numbered_creator(&calls, "b"), tagged(&["user:2"])).await.unwrap();
        region.set("plain", "p".into()).await.unwrap();
        region.invalidate_tags(&["user:1".to_string()], true);
        assert_eq!(region.get("a", GetOptions::default()).await.unwrap(), None);
        assert!(region.get("b", GetOptions::default()).await.unwrap().is_some());
        assert!(region.get("plain", GetOptions::default()).await.unwrap().is_some());
        let again = region.get_or_create("a", numbered_creator(&calls, "a"), tagged(&["user:1"])).await.unwrap();
        assert_eq!(region.get("a", GetOptions::default()).await.unwrap(), Some(again), "newer than the mark");
        // invalidated again in the same instant: still reaches the entry created after the first
        region.invalidate_tags(&["user:1".to_string()], false);
        assert_eq!(region.get("a", GetOptions::default()).await.unwrap(), None, "soft: stale");
        assert_eq!(calls.get(), 3);
    }
    .boxed_local());
}

#[test]
fn tags_round_trip_through_the_envelope() {
    let cv = CachedValue::new("v".to_string(), 1.5).with_tags(Some(vec!["a".to_string(), "b".into()].into()));
    let back: CachedValue<String> = codec::decode(&codec::encode(&cv).unwrap()).unwrap();
    assert_eq!(back, cv);
    let plain = CachedValue::new("v".to_string(), 1.5);
    let back: CachedValue<String> = codec::decode(&codec::encode(&plain).unwrap()).unwrap();
    assert_eq!(back.tags, None);
}
