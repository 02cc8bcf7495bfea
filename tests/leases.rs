//! Cross-isolate coordination through leases: regions standing for separate isolates share one
//! store and one lease table; the fake clock moves only when someone sleeps.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::lease::{LeaseConfig, Leases};
use edgepile::{CreateOptions, ErrorKind, Region, RegionBuilder, Result, Ttl};
use futures::future::{FutureExt, LocalBoxFuture};

/// An exact lease table (as the Durable Object coordinator is), on the fake clock.
struct FakeLeases {
    clock: FakeClock,
    held: RefCell<HashMap<String, (String, f64)>>,
    next: Cell<u32>,
    acquires: Cell<u32>,
    releases: Cell<u32>,
}

impl FakeLeases {
    fn new(clock: &FakeClock) -> Rc<Self> {
        Rc::new(FakeLeases {
            clock: clock.clone(),
            held: RefCell::default(),
            next: Cell::new(0),
            acquires: Cell::new(0),
            releases: Cell::new(0),
        })
    }
}

impl Leases for FakeLeases {
    fn acquire<'a>(&'a self, key: &'a str, ttl: f64) -> LocalBoxFuture<'a, Result<Option<String>>> {
        async move {
            yield_now().await;
            self.acquires.set(self.acquires.get() + 1);
            let now = self.clock.0.get();
            let mut held = self.held.borrow_mut();
            if held.get(key).is_some_and(|(_, until)| *until > now) {
                return Ok(None);
            }
            self.next.set(self.next.get() + 1);
            let token = format!("t{}", self.next.get());
            held.insert(key.to_owned(), (token.clone(), now + ttl));
            Ok(Some(token))
        }
        .boxed_local()
    }
    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> LocalBoxFuture<'a, Result<()>> {
        async move {
            yield_now().await;
            self.releases.set(self.releases.get() + 1);
            let mut held = self.held.borrow_mut();
            if held.get(key).is_some_and(|(t, _)| t == token) {
                held.remove(key);
            }
            Ok(())
        }
        .boxed_local()
    }
}

struct Setup {
    clock: FakeClock,
    store: Rc<MockBackend>,
    leases: Rc<FakeLeases>,
    errors: Rc<RefCell<Vec<ErrorKind>>>,
}

impl Setup {
    fn new() -> Self {
        let clock = FakeClock::new();
        Setup { leases: FakeLeases::new(&clock), clock, store: Rc::new(MockBackend::new()), errors: Rc::default() }
    }
    /// One "isolate": its own region (own in-isolate locks), the shared store and leases.
    fn isolate(&self, lock_timeout: f64) -> Region<String> {
        let clock = self.clock.clone();
        let errors = self.errors.clone();
        RegionBuilder::new("iso")
            .ttl(Ttl::Seconds(60.0))
            .clock(self.clock.clock())
            .on_error(Rc::new(move |e| errors.borrow_mut().push(e.kind())))
            .sleep(Rc::new(move |secs| {
                let clock = clock.clone();
                async move {
                    clock.advance(secs);
                    yield_now().await;
                }
                .boxed_local()
            }))
            .leases(LeaseConfig { leases: self.leases.clone(), ttl: 30.0, lock_timeout })
            .build(self.store.clone() as Rc<dyn Backend<String>>)
    }
}

fn calls_on(
    regions: &[Region<String>],
    per_region: usize,
    calls: &Rc<Cell<usize>>,
    slow: bool,
) -> Vec<LocalBoxFuture<'static, Result<String>>> {
    let mut futs = Vec::new();
    for r in regions {
        for _ in 0..per_region {
            let r = r.clone();
            let c = calls.clone();
            let creator: edgepile::region::Creator<String> = Box::new(move || {
                c.set(c.get() + 1);
                let n = c.get();
                async move {
                    if slow {
                        for _ in 0..5 {
                            yield_now().await;
                        }
                    }
                    Ok(format!("v#{n}"))
                }
                .boxed_local()
            });
            futs.push(async move { r.get_or_create("k", creator, CreateOptions::default()).await }.boxed_local());
        }
    }
    futs
}

#[test]
fn eight_isolates_200_cold_calls_one_creation() {
    let s = Setup::new();
    let isolates: Vec<_> = (0..8).map(|_| s.isolate(10.0)).collect();
    let calls = Rc::new(Cell::new(0));
    let out = run(together(calls_on(&isolates, 25, &calls, true)).boxed_local());
    assert_eq!(calls.get(), 1);
    assert!(out.iter().all(|v| v.as_deref().ok() == Some("v#1")), "{out:?}");
    assert_eq!(s.store.counts().sets, 1);
    assert!(s.leases.held.borrow().is_empty(), "every lease released");
    assert!(s.leases.next.get() <= 8, "at most one lease per isolate: one to create, the others to re-check");
}

#[test]
fn stale_value_across_isolates_one_regeneration_rest_served_stale() {
    let s = Setup::new();
    let isolates: Vec<_> = (0..4).map(|_| s.isolate(10.0)).collect();
    let calls = Rc::new(Cell::new(0));
    run(together(calls_on(&isolates[..1], 1, &calls, false)).boxed_local());
    s.clock.advance(61.0);
    let out = run(together(calls_on(&isolates, 10, &calls, true)).boxed_local());
    assert_eq!(calls.get(), 2, "one regeneration across all isolates");
    let fresh = out.iter().filter(|v| v.as_deref().ok() == Some("v#2")).count();
    let stale = out.iter().filter(|v| v.as_deref().ok() == Some("v#1")).count();
    assert_eq!((fresh, stale), (1, 39), "{out:?}");
}

#[test]
fn dead_holder_blocks_no_longer_than_lock_timeout() {
    let s = Setup::new();
    // a holder that died: its lease stays for 30 s
    s.leases.held.borrow_mut().insert("k".into(), ("dead".into(), s.clock.0.get() + 30.0));
    let r = s.isolate(2.0);
    let calls = Rc::new(Cell::new(0));
    let start = s.clock.0.get();
    let out = run(together(calls_on(&[r], 5, &calls, false)).boxed_local());
    assert!(out.iter().all(|v| v.as_deref().ok() == Some("v#1")));
    assert_eq!(calls.get(), 1, "the waiters of this isolate still coalesce");
    let waited = s.clock.0.get() - start;
    assert!((2.0..2.5).contains(&waited), "waited {waited}s");
    assert!(s.errors.borrow().contains(&ErrorKind::LockTimeout));
}

#[test]
fn expired_lease_is_taken_over() {
    let s = Setup::new();
    s.leases.held.borrow_mut().insert("k".into(), ("dead".into(), s.clock.0.get() + 0.5));
    let r = s.isolate(10.0);
    let calls = Rc::new(Cell::new(0));
    let out = run(together(calls_on(&[r], 1, &calls, false)).boxed_local());
    assert_eq!(out[0].as_deref().ok(), Some("v#1"));
    assert!(s.clock.0.get() - 1_000_000.0 < 1.0, "took over once the dead lease expired");
    assert!(!s.errors.borrow().contains(&ErrorKind::LockTimeout));
}

#[test]
fn failing_creator_releases_the_lease() {
    let s = Setup::new();
    let r = s.isolate(10.0);
    let calls = Rc::new(Cell::new(0));
    let err = run(r.get_or_create("k", failing_creator(&calls), CreateOptions::default()).boxed_local()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Creator);
    assert!(s.leases.held.borrow().is_empty());
    assert_eq!(s.leases.releases.get(), 1);
}

#[test]
fn a_waiter_finds_the_value_a_holder_stored_without_releasing() {
    // The holder stored the value, but its lease stays (its release failed: KV refuses a second
    // write of the lease key within a second of the first; or it died right after the write).
    let s = Setup::new();
    s.leases.held.borrow_mut().insert("k".into(), ("holder".into(), s.clock.0.get() + 30.0));
    let waiter = s.isolate(10.0);
    let holder = s.isolate(10.0);
    let calls = Rc::new(Cell::new(0));
    let start = s.clock.0.get();
    let mut futs = calls_on(&[waiter], 3, &calls, false);
    futs.push(
        async move {
            for _ in 0..3 {
                yield_now().await;
            }
            holder.set("k", "v#holder".to_owned()).await.map(|()| "stored".to_owned())
        }
        .boxed_local(),
    );
    let out = run(together(futs).boxed_local());
    assert_eq!(calls.get(), 0, "not created again: {out:?}");
    assert!(out[..3].iter().all(|v| v.as_deref().ok() == Some("v#holder")), "{out:?}");
    let waited = s.clock.0.get() - start;
    assert!(waited < 2.5, "found within about a second of waiting, not at lockTimeout: {waited}s");
    assert!(s.errors.borrow().is_empty(), "{:?}", s.errors.borrow());
}
