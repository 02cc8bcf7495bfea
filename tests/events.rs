//! Counters and events of the get-or-create paths.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::events::{EventKind, StatsSnapshot};
use edgepile::{CreateOptions, RegionBuilder, Ttl};
use futures::FutureExt;

#[test]
fn counters_follow_hits_misses_stale_and_errors() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    let r =
        RegionBuilder::new("ev").ttl(Ttl::Seconds(10.0)).clock(clock.clock()).build(backend as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    let seen: Rc<RefCell<Vec<(EventKind, String, bool)>>> = Rc::default();
    let sink = seen.clone();
    r.set_listener(Some(Rc::new(move |e| sink.borrow_mut().push((e.kind, e.key.to_owned(), e.ok)))));

    // 10 concurrent cold calls: 10 misses (1 creator + 9 joiners), 1 regeneration
    let futs = (0..10)
        .map(|_| {
            let r = r.clone();
            let c = numbered_creator(&calls, "v");
            async move { r.get_or_create("k", c, CreateOptions::default()).await }.boxed_local()
        })
        .collect();
    run(together(futs).boxed_local());
    // 3 hits
    for _ in 0..3 {
        run(r.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).boxed_local()).expect("hit");
    }
    // expired: the caller regenerates inline; a failing creator on another key
    clock.advance(11.0);
    run(r.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).boxed_local())
        .expect("regenerated");
    run(r.get_or_create("bad", failing_creator(&calls), CreateOptions::default()).boxed_local()).expect_err("fails");

    assert_eq!(
        r.stats(),
        StatsSnapshot {
            hits: 3,
            misses: 11,
            stale_served: 0,
            regenerations: 3,
            creator_errors: 1,
            backend_errors: 0,
            lease_waits: 0,
            lease_timeouts: 0,
            ..StatsSnapshot::default()
        }
    );
    let seen = seen.borrow();
    assert_eq!(seen.iter().filter(|e| e.0 == EventKind::RegenerationEnd && !e.2).count(), 1);
    assert!(seen.iter().any(|e| e.0 == EventKind::CreatorError && e.1 == "bad"));

    r.set_listener(None);
    run(r.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).boxed_local()).expect("hit");
    assert_eq!(r.stats().hits, 4, "counted without a listener");
    r.reset_stats();
    assert_eq!(r.stats(), StatsSnapshot::default());
}

#[test]
fn soft_invalidation_counts_stale_served() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    let r = RegionBuilder::new("ev").clock(clock.clock()).build(backend as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    run(r.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).boxed_local()).expect("made");
    r.invalidate(false);
    let futs = (0..5)
        .map(|_| {
            let r = r.clone();
            let c = counting_creator(&calls, "new");
            async move { r.get_or_create("k", c, CreateOptions::default()).await }.boxed_local()
        })
        .collect();
    run(together(futs).boxed_local());
    let s = r.stats();
    assert_eq!((s.stale_served, s.regenerations), (4, 2));
}
