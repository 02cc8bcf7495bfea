//! `TieredBackend`: an L1 in the isolate over a shared backend, natively. Two regions over one
//! shared store stand for two isolates, each with its own L1.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::backends::{MemoryL1, TieredBackend};
use edgepile::{CreateOptions, GetOptions, Region, RegionBuilder, Ttl};
use futures::FutureExt;

fn isolate(shared: &Rc<MockBackend>, clock: &FakeClock, l1_ttl: f64) -> Region<String> {
    let tiers = TieredBackend::new(Rc::new(MemoryL1::new(10)), shared.clone(), l1_ttl, clock.clock());
    RegionBuilder::new("tiers").ttl(Ttl::Seconds(3600.0)).clock(clock.clock()).build(Rc::new(tiers))
}

#[test]
fn l1_hits_cost_no_shared_read() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let r = isolate(&shared, &clock, 60.0);
    run(async {
        r.set("k", "v".into()).await.unwrap();
        let reads = shared.counts().gets;
        for _ in 0..10 {
            assert_eq!(r.get("k", GetOptions::default()).await.unwrap().as_deref(), Some("v"));
        }
        assert_eq!(shared.counts().gets, reads);
        assert_eq!(r.peek_fresh("k", None).unwrap().as_deref(), Some("v"));
    }
    .boxed_local());
}

#[test]
fn another_isolates_write_is_unseen_for_at_most_the_l1_ttl() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let (a, b) = (isolate(&shared, &clock, 5.0), isolate(&shared, &clock, 5.0));
    run(async {
        a.set("k", "old".into()).await.unwrap();
        assert_eq!(b.get("k", GetOptions::default()).await.unwrap().as_deref(), Some("old"));
        a.set("k", "new".into()).await.unwrap();
        clock.advance(5.0);
        assert_eq!(b.get("k", GetOptions::default()).await.unwrap().as_deref(), Some("old"));
        clock.advance(0.001);
        assert_eq!(b.get("k", GetOptions::default()).await.unwrap().as_deref(), Some("new"));
    }
    .boxed_local());
}

#[test]
fn a_stale_l1_entry_is_read_again_from_the_shared_tier() {
    // Isolate a regenerated an expired value; b still holds the expired one in L1. b must find
    // a's value in the shared tier rather than regenerate it a second time.
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let tiers = |ttl| TieredBackend::new(Rc::new(MemoryL1::new(10)), shared.clone(), ttl, clock.clock());
    let region = |t: TieredBackend<String>| {
        RegionBuilder::new("t").ttl(Ttl::Seconds(10.0)).clock(clock.clock()).build(Rc::new(t))
    };
    let (a, b) = (region(tiers(3600.0)), region(tiers(3600.0)));
    let calls = Rc::new(std::cell::Cell::new(0));
    run(async {
        a.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).await.unwrap();
        b.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).await.unwrap();
        clock.advance(11.0);
        let fresh = a.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).await.unwrap();
        let seen = b.get_or_create("k", numbered_creator(&calls, "v"), CreateOptions::default()).await.unwrap();
        assert_eq!(seen, fresh);
        assert_eq!(calls.get(), 2);
    }
    .boxed_local());
}

#[test]
fn writes_and_deletes_reach_the_change_hook_after_the_shared_tier() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let heard: Rc<RefCell<Vec<Vec<String>>>> = Rc::default();
    let sink = heard.clone();
    let tiers = TieredBackend::new(Rc::new(MemoryL1::new(10)), shared.clone(), 60.0, clock.clock()).on_change(Rc::new(
        move |keys: Vec<String>| {
            sink.borrow_mut().push(keys);
            async { Ok(()) }.boxed_local()
        },
    ));
    let r = RegionBuilder::new("t").clock(clock.clock()).build(Rc::new(tiers));
    let calls = Rc::new(std::cell::Cell::new(0));
    run(async {
        r.set("a", "1".into()).await.unwrap();
        r.delete("a").await.unwrap();
        r.get_or_create("b", numbered_creator(&calls, "v"), CreateOptions::default()).await.unwrap();
        r.set_multi(vec![("c".into(), "1".into()), ("d".into(), "2".into())]).await.unwrap();
    }
    .boxed_local());
    let heard = heard.borrow();
    assert_eq!(*heard, vec![vec!["a".to_string()], vec!["a".into()], vec!["b".into()], vec!["c".into(), "d".into()]]);
}

#[test]
fn a_failed_shared_write_leaves_nothing_in_l1() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let r = isolate(&shared, &clock, 60.0);
    run(async {
        r.set("k", "old".into()).await.unwrap();
        shared.fail_writes.set(true);
        assert!(r.set("k", "new".into()).await.is_err());
        shared.fail_writes.set(false);
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap().as_deref(), Some("old"));
    }
    .boxed_local());
}

/// Something a check does while it runs (a write of the key, say).
type During = Rc<RefCell<Option<Box<dyn FnOnce() -> futures::future::LocalBoxFuture<'static, ()>>>>>;

/// A check that passes values starting with "good", and awaits `during` the first time it runs.
fn good_only(during: During) -> edgepile::region::ValueCheck<String> {
    Rc::new(move |v: &String| {
        let first = during.borrow_mut().take();
        let ok = v.starts_with("good");
        async move {
            if let Some(run) = first {
                run().await;
            }
            Ok(if ok { edgepile::region::Checked::Keep } else { edgepile::region::Checked::Miss })
        }
        .boxed_local()
    })
}

#[test]
fn with_a_value_check_l1_keeps_only_what_passed_with_no_write_meanwhile() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let writer = isolate(&shared, &clock, 60.0);
    let r = isolate(&shared, &clock, 60.0);
    let during: During = Rc::new(RefCell::new(None));
    r.set_value_check(Some(good_only(during.clone())));
    run(async {
        for (k, v) in [("bad", "bad"), ("good", "good 1"), ("deleted", "good 2")] {
            writer.set(k, v.into()).await.unwrap();
        }
        let reads = |k: &str| {
            let (r, shared) = (r.clone(), shared.clone());
            let k = k.to_owned();
            async move {
                let before = shared.counts().gets;
                let got = r.get(&k, GetOptions::default()).await.unwrap();
                (got, shared.counts().gets - before)
            }
        };
        // Rejected: never kept, read from the shared tier every time.
        assert_eq!(reads("bad").await, (None, 1));
        assert_eq!(reads("bad").await, (None, 1));
        // Passed: kept in L1 after its check, so the next get reads nothing shared.
        assert_eq!(reads("good").await, (Some("good 1".into()), 1));
        assert_eq!(reads("good").await, (Some("good 1".into()), 0));
        // Passed, but the key was deleted while it was being checked: not kept.
        let deleter = r.clone();
        *during.borrow_mut() = Some(Box::new(move || {
            async move {
                deleter.delete("deleted").await.unwrap();
            }
            .boxed_local()
        }));
        assert_eq!(reads("deleted").await, (Some("good 2".into()), 1));
        assert_eq!(reads("deleted").await, (None, 1));
    }
    .boxed_local());
}

#[test]
fn with_a_value_check_a_newer_value_read_past_a_stale_l1_entry_takes_its_place() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let writer = isolate(&shared, &clock, f64::INFINITY);
    let r = isolate(&shared, &clock, f64::INFINITY);
    r.set_value_check(Some(good_only(Rc::new(RefCell::new(None)))));
    run(async {
        let reads = || {
            let (r, shared) = (r.clone(), shared.clone());
            async move {
                let before = shared.counts().gets;
                let got = r.get("k", GetOptions::default()).await.unwrap();
                (got, shared.counts().gets - before)
            }
        };
        writer.set("k", "good 1".into()).await.unwrap();
        assert_eq!(reads().await, (Some("good 1".into()), 1));
        assert_eq!(reads().await, (Some("good 1".into()), 0)); // kept in L1
        clock.advance(4000.0); // past the region's hour: what L1 holds is stale
        writer.set("k", "good 2".into()).await.unwrap();
        assert_eq!(reads().await, (Some("good 2".into()), 1));
        assert_eq!(reads().await, (Some("good 2".into()), 0)); // it took the stale entry's place
    }
    .boxed_local());
}

#[test]
fn a_read_out_while_this_isolate_writes_the_key_leaves_the_write_in_l1() {
    for check in [false, true] {
        let shared = Rc::new(MockBackend::new());
        let clock = FakeClock::new();
        let writer = isolate(&shared, &clock, 60.0);
        // Reads answer what was stored when they began, a few turns later: a KV read in flight.
        let slow_reads =
            Turns { inner: shared.clone(), get_turns: 5.into(), set_turns: 1.into(), delete_turns: 1.into() };
        let tiers = TieredBackend::new(Rc::new(MemoryL1::new(10)), Rc::new(slow_reads), 60.0, clock.clock());
        let r = RegionBuilder::new("tiers").ttl(Ttl::Seconds(3600.0)).clock(clock.clock()).build(Rc::new(tiers));
        if check {
            r.set_value_check(Some(good_only(Rc::new(RefCell::new(None)))));
        }
        run(async {
            let get = |r: &Region<String>| {
                let r = r.clone();
                async move { r.get("k", GetOptions::default()).await.unwrap() }
            };
            // Deleted while a read of it is out: the value read is not put back.
            writer.set("k", "good 1".into()).await.unwrap();
            let deleter = r.clone();
            let (got, ()) = futures::future::join(get(&r), async move {
                yield_now().await;
                deleter.delete("k").await.unwrap();
            })
            .await;
            assert_eq!(got.as_deref(), Some("good 1"), "the read answered before the delete");
            assert_eq!(get(&r).await, None, "deleted, with check {check}");
            // Set while a read of it is out: the set's value stays.
            writer.set("k", "good 1".into()).await.unwrap();
            let setter = r.clone();
            futures::future::join(get(&r), async move {
                yield_now().await;
                setter.set("k", "good 2".into()).await.unwrap();
            })
            .await;
            assert_eq!(get(&r).await.as_deref(), Some("good 2"), "with check {check}");
        }
        .boxed_local());
    }
}

/// A shared tier whose operations take turns to complete: a read answers what was stored when
/// it began, `get_turns` later; a write is applied when it begins and answers `set_turns` later
/// (as a KV put that lands before its caller hears of it); a delete is applied when it completes,
/// `delete_turns` after it began.
struct Turns {
    inner: Rc<MockBackend>,
    get_turns: std::cell::Cell<usize>,
    set_turns: std::cell::Cell<usize>,
    delete_turns: std::cell::Cell<usize>,
}

impl edgepile::backend::Backend<String> for Turns {
    fn capabilities(&self) -> edgepile::backend::Capabilities {
        self.inner.capabilities()
    }
    fn get<'a>(&'a self, key: &'a str) -> edgepile::backend::BackendFuture<'a, Option<edgepile::CachedValue<String>>> {
        async move {
            let found = self.inner.store.get(key).await;
            for _ in 0..self.get_turns.get() {
                yield_now().await;
            }
            found
        }
        .boxed_local()
    }
    fn set<'a>(
        &'a self,
        key: &'a str,
        value: edgepile::CachedValue<String>,
        ttl: Ttl,
    ) -> edgepile::backend::BackendFuture<'a, ()> {
        async move {
            let stored = self.inner.store.set(key, value, ttl).await;
            for _ in 0..self.set_turns.get() {
                yield_now().await;
            }
            stored
        }
        .boxed_local()
    }
    fn delete<'a>(&'a self, key: &'a str) -> edgepile::backend::BackendFuture<'a, ()> {
        async move {
            for _ in 0..self.delete_turns.get() {
                yield_now().await;
            }
            self.inner.store.delete(key).await
        }
        .boxed_local()
    }
}

#[test]
fn l1_never_keeps_what_a_write_or_delete_in_flight_replaces() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let writer = isolate(&shared, &clock, 60.0);
    let turns =
        Rc::new(Turns { inner: shared.clone(), get_turns: 8.into(), set_turns: 1.into(), delete_turns: 3.into() });
    let tiers = TieredBackend::new(Rc::new(MemoryL1::new(10)), turns.clone(), 60.0, clock.clock());
    let r = RegionBuilder::new("tiers").ttl(Ttl::Seconds(3600.0)).clock(clock.clock()).build(Rc::new(tiers));
    let get = |r: &Region<String>| {
        let r = r.clone();
        async move { r.get("k", GetOptions::default()).await.unwrap() }
    };
    run(async {
        // A read that begins while a delete of the key is in flight, and answers after it is done,
        // finds the old value: it is not kept.
        writer.set("k", "v1".into()).await.unwrap();
        let deleter = r.clone();
        let (_, found) = futures::future::join(async move { deleter.delete("k").await.unwrap() }, async {
            yield_now().await;
            get(&r).await
        })
        .await;
        assert_eq!(found.as_deref(), Some("v1"), "the read began before the delete was applied");
        assert_eq!(shared.store.get("k").await.unwrap(), None);
        turns.get_turns.set(1);
        assert_eq!(get(&r).await, None, "a read begun during the delete");
        // A set whose value lands at once but whose answer comes after a later delete of the key
        // is done: the set's value does not enter L1 over the delete.
        turns.set_turns.set(6);
        turns.delete_turns.set(1);
        let (setter, deleter) = (r.clone(), r.clone());
        futures::future::join(async move { setter.set("k", "v2".into()).await.unwrap() }, async move {
            yield_now().await;
            deleter.delete("k").await.unwrap();
        })
        .await;
        assert_eq!(shared.store.get("k").await.unwrap(), None);
        assert_eq!(get(&r).await, None, "a set answered after a later delete");
    }
    .boxed_local());
}

#[test]
fn a_get_multi_of_a_thousand_keys_fills_l1() {
    let shared = Rc::new(MockBackend::new());
    let clock = FakeClock::new();
    let writer = isolate(&shared, &clock, 60.0);
    let tiers = TieredBackend::new(Rc::new(MemoryL1::new(2000)), shared.clone(), 60.0, clock.clock());
    let r = RegionBuilder::new("tiers").ttl(Ttl::Seconds(3600.0)).clock(clock.clock()).build(Rc::new(tiers));
    let keys: Vec<String> = (0..1000).map(|i| format!("k{i}")).collect();
    run(async {
        for k in &keys {
            writer.set(k, format!("v{k}")).await.unwrap();
        }
        let found = r.get_multi(&keys, GetOptions::default()).await.unwrap();
        assert!(found.iter().all(Option::is_some));
        let reads = shared.counts();
        r.get_multi(&keys, GetOptions::default()).await.unwrap();
        assert_eq!(shared.counts().get_multis, reads.get_multis, "every key came from L1");
    }
    .boxed_local());
}
