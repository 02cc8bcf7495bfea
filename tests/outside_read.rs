//! Reads made outside the core (the JS layer's first read): watched for writes of their key,
//! not of others; no watch while the core reads the key itself; the decision a call took.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::events::EventKind;
use edgepile::region::{Joined, Now};
use edgepile::{CreateOptions, Region, RegionBuilder, Ttl};
use futures::FutureExt;

fn region(clock: &FakeClock) -> Region<String> {
    RegionBuilder::new("outside")
        .ttl(Ttl::Seconds(10.0))
        .clock(clock.clock())
        .build(Rc::new(MockBackend::new()) as Rc<dyn Backend<String>>)
}

#[test]
fn a_write_of_the_key_supersedes_the_read_a_write_of_another_does_not() {
    let clock = FakeClock::new();
    let r = region(&clock);
    assert!(r.watch_read("k"));
    run(r.set("other", "x".into()).boxed_local()).unwrap();
    assert!(r.read_current("k"), "another key's write");
    run(r.set("k", "new".into()).boxed_local()).unwrap();
    assert!(!r.read_current("k"), "the key's own write");
    run(r.delete("k").boxed_local()).unwrap();
    assert!(!r.read_current("k"));
    r.unwatch_read("k");
    assert!(!r.read_current("k"), "no watch: nothing is current");
    // A new watch starts current again.
    assert!(r.watch_read("k"));
    assert!(r.read_current("k"));
    r.unwatch_read("k");
}

#[test]
fn shared_watches_end_with_the_last() {
    let clock = FakeClock::new();
    let r = region(&clock);
    assert!(r.watch_read("k"));
    assert!(r.watch_read("k"));
    r.unwatch_read("k");
    assert!(r.read_current("k"));
    r.unwatch_read("k");
    assert!(!r.read_current("k"));
}

#[test]
fn no_watch_while_the_core_reads_the_key() {
    let clock = FakeClock::new();
    let r = region(&clock);
    let calls = Rc::new(Cell::new(0));
    // The mock backend yields once per read: the core's read is in flight after one poll.
    let mut pending = r.get_or_create("k", counting_creator(&calls, "v"), CreateOptions::default()).boxed_local();
    assert!((&mut pending).now_or_never().is_none());
    assert!(!r.watch_read("k"), "join the core's read instead");
    assert!(r.watch_read("other"));
    assert_eq!(run(pending).unwrap(), "v");
    assert!(r.watch_read("k"));
}

#[test]
fn what_a_joining_call_gets() {
    let clock = FakeClock::new();
    let r = region(&clock);
    let calls = Rc::new(Cell::new(0));
    let get = |v: &str| r.get_or_create("k", counting_creator(&calls, v), CreateOptions::default()).boxed_local();
    let (out, seen) = r.joined_view_of("k", || run(get("v")));
    assert_eq!(out.unwrap(), "v");
    assert!(matches!(seen, Some(Joined::Value(ref v, EventKind::Miss)) if v == "v"));
    let (_, seen) = r.joined_view_of("k", || run(get("w")));
    assert!(matches!(seen, Some(Joined::Value(ref v, EventKind::Hit)) if v == "v"));
    // Another key's call is not this one's.
    let (_, seen) = r.joined_view_of("other", || run(get("w")));
    assert!(seen.is_none());
    // A stale value being regenerated while the caller waits: joiners get the stale value.
    clock.advance(11.0);
    let (out, seen) = r.joined_view_of("k", || run(get("new")));
    assert_eq!(out.unwrap(), "new");
    assert!(matches!(seen, Some(Joined::Value(ref v, EventKind::StaleServed)) if v == "v"));
    let before = r.stats().hits;
    r.joined_read("k", EventKind::Hit);
    assert_eq!(r.stats().hits, before + 1, "a call that took another's outcome is counted");
}

#[test]
fn get_or_create_now_answers_only_a_fresh_value_the_backend_has_without_io() {
    let clock = FakeClock::new();
    let memory = |early: Option<f64>| {
        let b = RegionBuilder::new("now").ttl(Ttl::Seconds(10.0)).clock(clock.clock());
        let b = match early {
            Some(beta) => b.early_refresh(beta),
            None => b,
        };
        b.build(Rc::new(edgepile::MemoryBackend::<String>::new(10)) as Rc<dyn Backend<String>>)
    };
    let calls = Rc::new(Cell::new(0));
    // The answer now, or None when the call goes on (its rest is a future, dropped unpolled here).
    let now = |r: &Region<String>| match r.get_or_create_now(
        "k",
        counting_creator(&calls, "new"),
        CreateOptions::default(),
    ) {
        Ok(Now::Hit(value)) => Some(value),
        Ok(Now::Later(_)) => None,
        Err(e) => panic!("{e}"),
    };
    let calls = Rc::new(Cell::new(0));
    let r = memory(None);
    assert_eq!(now(&r), None, "missing");
    assert_eq!(r.stats().hits, 0);
    run(r.set("k", "v".into()).boxed_local()).unwrap();
    assert_eq!(now(&r).as_deref(), Some("v"));
    assert_eq!(r.stats().hits, 1, "counted as the hit it is");
    clock.advance(11.0);
    assert_eq!(now(&r), None, "stale: the call goes on to regenerate");
    // With early refresh a fresh value may still start a regeneration: left to the full call.
    let early = memory(Some(1.0));
    run(early.set("k", "v".into()).boxed_local()).unwrap();
    assert_eq!(now(&early), None);
    // A shared store (no synchronous reads) has nothing to answer without I/O.
    let shared = region(&clock);
    run(shared.set("k", "v".into()).boxed_local()).unwrap();
    assert_eq!(now(&shared), None);
    assert_eq!(calls.get(), 0, "an unpolled rest runs nothing");
}
