//! The dogpile lock under interleaved callers in one isolate, over a store with real round trips.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::region::Runner;
use edgepile::{CreateOptions, ErrorKind, Region, RegionBuilder, Ttl};
use futures::future::LocalBoxFuture;
use futures::FutureExt;

fn mock_region(clock: &FakeClock) -> (Rc<MockBackend>, Region<String>) {
    let backend = Rc::new(MockBackend::new());
    let r = RegionBuilder::new("stampede")
        .ttl(Ttl::Seconds(10.0))
        .clock(clock.clock())
        .build(backend.clone() as Rc<dyn Backend<String>>);
    (backend, r)
}

fn many(
    r: &Region<String>,
    n: usize,
    calls: &Rc<Cell<usize>>,
) -> Vec<LocalBoxFuture<'static, edgepile::Result<String>>> {
    (0..n)
        .map(|_| {
            let r = r.clone();
            let c = numbered_creator(calls, "v");
            async move { r.get_or_create("k", c, CreateOptions::default()).await }.boxed_local()
        })
        .collect()
}

#[test]
fn thousand_cold_calls_one_read_one_creation_one_write() {
    let clock = FakeClock::new();
    let (backend, r) = mock_region(&clock);
    let calls = Rc::new(Cell::new(0));
    let out = run(together(many(&r, 1000, &calls)).boxed_local());
    assert!(out.iter().all(|v| v.as_deref().ok() == Some("v#1")));
    assert_eq!(calls.get(), 1);
    let c = backend.counts();
    assert_eq!((c.gets, c.sets), (1, 1));
}

#[test]
fn stale_value_one_regeneration_others_served_stale() {
    let clock = FakeClock::new();
    let (backend, r) = mock_region(&clock);
    let calls = Rc::new(Cell::new(0));
    run(many(&r, 1, &calls).pop().expect("one").map(|v| assert_eq!(v.ok().as_deref(), Some("v#1"))).boxed_local());
    r.invalidate(false);
    let out: Vec<String> =
        run(together(many(&r, 50, &calls)).boxed_local()).into_iter().map(|v| v.expect("value")).collect();
    assert_eq!(calls.get(), 2, "exactly one regeneration");
    // The caller that took the lock waits for its new value (dogpile's blocking regenerate);
    // everyone who arrived with it gets the stale value at once.
    assert_eq!(out[0], "v#2");
    assert!(out[1..].iter().all(|v| v == "v#1"), "{out:?}");
    assert_eq!(backend.counts().sets, 2);
    assert_eq!(run(many(&r, 1, &calls).pop().expect("one")).ok().as_deref(), Some("v#2"));
}

#[test]
fn stale_with_async_runner_everyone_gets_stale_and_one_background_regeneration() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    let spawned: Rc<RefCell<Vec<LocalBoxFuture<'static, ()>>>> = Rc::default();
    let sink = spawned.clone();
    let runner: Runner = Rc::new(move |_key, f| sink.borrow_mut().push(f));
    let r = RegionBuilder::new("bg")
        .ttl(Ttl::Seconds(10.0))
        .clock(clock.clock())
        .async_runner(runner)
        .build(backend.clone() as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    run(many(&r, 1, &calls).pop().expect("one").map(|_| ()).boxed_local());
    clock.advance(11.0);
    let out = run(together(many(&r, 20, &calls)).boxed_local());
    assert!(out.iter().all(|v| v.as_deref().ok() == Some("v#1")), "all served stale at once");
    assert_eq!(spawned.borrow().len(), 1, "one background regeneration");
    let bg: Vec<_> = spawned.borrow_mut().drain(..).collect();
    run(together(bg).map(|_| ()).boxed_local());
    assert_eq!(calls.get(), 2);
    assert_eq!(run(many(&r, 1, &calls).pop().expect("one")).ok().as_deref(), Some("v#2"));
}

#[test]
fn hard_invalidation_everyone_waits_for_the_new_value() {
    let clock = FakeClock::new();
    let (_backend, r) = mock_region(&clock);
    let calls = Rc::new(Cell::new(0));
    run(many(&r, 1, &calls).pop().expect("one").map(|_| ()).boxed_local());
    r.invalidate(true);
    let out = run(together(many(&r, 50, &calls)).boxed_local());
    assert!(out.iter().all(|v| v.as_deref().ok() == Some("v#2")));
    assert_eq!(calls.get(), 2);
}

#[test]
fn failing_creator_rejects_every_waiter_and_caches_nothing() {
    let clock = FakeClock::new();
    let (backend, r) = mock_region(&clock);
    let calls = Rc::new(Cell::new(0));
    let futs = (0..30)
        .map(|_| {
            let r = r.clone();
            let c = failing_creator(&calls);
            async move { r.get_or_create("k", c, CreateOptions::default()).await }.boxed_local()
        })
        .collect();
    let out = run(together(futs).boxed_local());
    assert_eq!(calls.get(), 1);
    for e in out {
        let e = e.expect_err("every waiter fails");
        assert_eq!(e.kind(), ErrorKind::Creator);
        assert_eq!(e.cause::<String>().map(String::as_str), Some("boom"));
    }
    assert_eq!(backend.counts().sets, 0);
    let v = run(many(&r, 1, &calls).pop().expect("one"));
    assert_eq!(v.ok().as_deref(), Some("v#2"), "the next call retries");
}

#[test]
fn failed_write_still_returns_the_created_value_and_reports() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    backend.fail_writes.set(true);
    let reported = Rc::new(Cell::new(0));
    let seen = reported.clone();
    let r = RegionBuilder::new("w")
        .clock(clock.clock())
        .on_error(Rc::new(move |e| {
            assert_eq!(e.kind(), ErrorKind::Backend);
            seen.set(seen.get() + 1)
        }))
        .build(backend.clone() as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    assert_eq!(run(many(&r, 1, &calls).pop().expect("one")).ok().as_deref(), Some("v#1"));
    assert_eq!(reported.get(), 1);
}

#[test]
fn failed_read_is_a_backend_error_for_every_joiner() {
    let clock = FakeClock::new();
    let (backend, r) = mock_region(&clock);
    backend.fail_reads.set(true);
    let calls = Rc::new(Cell::new(0));
    let out = run(together(many(&r, 10, &calls)).boxed_local());
    assert!(out.iter().all(|v| v.as_ref().err().map(|e| e.kind()) == Some(ErrorKind::Backend)));
    assert_eq!(calls.get(), 0, "no creation over an unreadable store");
    assert_eq!(backend.counts().gets, 1);
}

#[test]
fn mangler_applies_to_reads_writes_and_locks() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    let r = RegionBuilder::new("m")
        .clock(clock.clock())
        .key_mangler(Rc::new(|k: &str| Ok(format!("app:{k}"))))
        .build(backend.clone() as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    run(together(many(&r, 5, &calls)).boxed_local());
    assert_eq!(calls.get(), 1);
    assert!(backend.keys_seen.borrow().iter().all(|k| k == "app:k"));
    assert_eq!(backend.store.keys(), vec!["app:k".to_string()]);
}

#[test]
fn concurrent_multi_calls_share_creations() {
    let clock = FakeClock::new();
    let (_backend, r) = mock_region(&clock);
    let asked: Rc<RefCell<Vec<Vec<String>>>> = Rc::default();
    let futs = (0..3)
        .map(|i| {
            let r = r.clone();
            let asked = asked.clone();
            let keys: Vec<String> = if i == 2 { vec!["b".into(), "c".into()] } else { vec!["a".into(), "b".into()] };
            async move {
                let creator: edgepile::region::MultiCreator<String> = Box::new(move |ks: Vec<String>| {
                    asked.borrow_mut().push(ks.clone());
                    async move {
                        yield_now().await;
                        Ok(ks.iter().map(|k| format!("{k}!")).collect())
                    }
                    .boxed_local()
                });
                r.get_or_create_multi(&keys, creator, CreateOptions::default()).await
            }
            .boxed_local()
        })
        .collect();
    let out = run(together(futs).boxed_local());
    assert_eq!(out[0].as_ref().ok(), Some(&vec!["a!".to_string(), "b!".to_string()]));
    assert_eq!(out[2].as_ref().ok(), Some(&vec!["b!".to_string(), "c!".to_string()]));
    let asked = asked.borrow();
    let total: usize = asked.iter().map(Vec::len).sum();
    assert_eq!(total, 3, "a, b and c each created once: {asked:?}");
}

#[test]
fn nothing_to_serve_does_not_wait_on_a_background_regeneration() {
    let clock = FakeClock::new();
    let backend = Rc::new(MockBackend::new());
    let spawned: Rc<RefCell<Vec<LocalBoxFuture<'static, ()>>>> = Rc::default();
    let sink = spawned.clone();
    let r = RegionBuilder::new("bg")
        .ttl(Ttl::Seconds(10.0))
        .clock(clock.clock())
        .async_runner(Rc::new(move |_key, f| sink.borrow_mut().push(f)))
        .build(backend.clone() as Rc<dyn Backend<String>>);
    let calls = Rc::new(Cell::new(0));
    run(many(&r, 1, &calls).pop().expect("one").map(|_| ()).boxed_local());
    clock.advance(11.0);
    // a stale read hands the regeneration to the runner, which has not run it yet
    assert_eq!(run(many(&r, 1, &calls).pop().expect("one")).ok().as_deref(), Some("v#1"));
    assert_eq!(spawned.borrow().len(), 1);
    // the value disappears (hard invalidation): this caller creates instead of waiting on work
    // that belongs to another request
    r.invalidate(true);
    assert_eq!(run(many(&r, 1, &calls).pop().expect("one")).ok().as_deref(), Some("v#2"));
    // the background regeneration still completes, and does not unregister the newer creation
    let bg: Vec<_> = spawned.borrow_mut().drain(..).collect();
    run(together(bg).map(|_| ()).boxed_local());
    assert_eq!(calls.get(), 3);
}
