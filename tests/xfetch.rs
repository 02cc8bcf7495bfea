//! Early refresh: the XFetch probability, its distribution over seeded draws, δ in the envelope
//! (old envelopes still read), and a region serving a firing hit while one regeneration runs.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::{run, FakeClock};
use edgepile::codec::{decode, encode};
use edgepile::region::{CreateOptions, EarlyRefresh, RegionBuilder};
use edgepile::xfetch::{fires, probability, XorShift};
use edgepile::{CachedValue, MemoryBackend, Ttl};
use futures::future::{FutureExt, LocalBoxFuture};

#[test]
fn probability_follows_the_formula_and_its_edges() {
    assert!((probability(2.0, 2.0, 1.0) - (-1.0f64).exp()).abs() < 1e-12);
    assert!((probability(2.0, 1.0, 2.0) - (-1.0f64).exp()).abs() < 1e-12);
    assert_eq!(probability(0.0, 1.0, 1.0), 1.0);
    assert_eq!(probability(-3.0, 1.0, 1.0), 1.0);
    for (remaining, delta, beta) in
        [(1.0, 0.0, 1.0), (1.0, -1.0, 1.0), (1.0, f64::NAN, 1.0), (1.0, 1.0, 0.0), (f64::NAN, 1.0, 1.0)]
    {
        assert_eq!(probability(remaining, delta, beta), 0.0, "{remaining} {delta} {beta}");
    }
    assert_eq!(probability(f64::INFINITY, 1.0, 1.0), 0.0);
    assert!(!fires(1.0, 1.0, 1.0, probability(1.0, 1.0, 1.0)));
}

/// 10,000 seeded draws per remaining TTL; tolerance 0.02 absolute (≥ 4 binomial σ at n = 10,000).
#[test]
fn fired_fraction_matches_the_formula() {
    let draws = XorShift::new(15);
    for beta in [0.5, 1.0, 3.0] {
        for remaining in [0.0, 0.5, 1.0, 2.0, 5.0, 10.0] {
            let n = 10_000;
            let fired = (0..n).filter(|_| fires(remaining, 2.0, beta, draws.next())).count();
            let expected = (-remaining / (beta * 2.0)).exp().min(1.0);
            let got = fired as f64 / n as f64;
            assert!((got - expected).abs() < 0.02, "β {beta}, remaining {remaining}: {got} vs {expected}");
        }
    }
}

#[test]
fn duration_rides_in_the_envelope_and_old_envelopes_still_read() {
    let timed = CachedValue::new("v".to_string(), 10.0).with_duration(Some(0.25));
    let bytes = encode(&timed).expect("encodes");
    assert_eq!(decode::<String>(&bytes).expect("decodes"), timed);
    // [ct, v, nil, 0, δ as float32]: nil, the value version and 5 bytes more than [ct, v].
    let plain = encode(&CachedValue::new("v".to_string(), 10.0)).expect("encodes");
    assert_eq!(bytes.len(), plain.len() + 1 + 1 + 5);
    let tagged = timed.clone().with_tags(Some(vec!["t".to_string()].into()));
    assert_eq!(decode::<String>(&encode(&tagged).expect("encodes")).expect("decodes"), tagged);
    // Written before δ: [ct, v] and [ct, v, [tags]] read as they did, without δ.
    let old: Vec<u8> = rmp_serde::to_vec(&("v", (10.0, 1u32, vec!["t"]))).expect("encodes");
    let cv = decode::<String>(&old).expect("decodes");
    assert_eq!((cv.duration, cv.tags.as_deref().map(<[String]>::len)), (None, Some(1)));
    assert_eq!(decode::<String>(&plain).expect("decodes").duration, None);
}

#[test]
fn a_firing_hit_is_served_at_once_and_one_regeneration_runs_in_the_background() {
    let clock = FakeClock::new();
    let queued: Rc<RefCell<Vec<LocalBoxFuture<'static, ()>>>> = Rc::default();
    let q = queued.clone();
    let region = RegionBuilder::new("early")
        .ttl(Ttl::Seconds(100.0))
        .clock(clock.clock())
        .random(Rc::new(|| 0.0))
        .early_refresh(1.0)
        .async_runner(Rc::new(move |_key: &str, fut| q.borrow_mut().push(fut)))
        .build(Rc::new(MemoryBackend::<String>::new(100)));
    let calls = Rc::new(Cell::new(0));
    let creator = |took: f64| {
        let (calls, clock) = (calls.clone(), clock.clone());
        Box::new(move || {
            calls.set(calls.get() + 1);
            clock.advance(took);
            let n = calls.get();
            async move { Ok(format!("v{n}")) }.boxed_local()
        }) as edgepile::region::Creator<String>
    };
    let get =
        |took| run(region.get_or_create("k", creator(took), CreateOptions::default()).boxed_local()).expect("value");
    assert_eq!(get(2.0), "v1");
    clock.advance(99.0);
    // Fired (draw 0 < p): each caller is served v1 at once; only the first starts a regeneration.
    for _ in 0..10 {
        assert_eq!(get(0.0), "v1");
    }
    assert_eq!(queued.borrow().len(), 1);
    let background = queued.borrow_mut().pop().expect("one regeneration");
    run(background);
    assert_eq!(calls.get(), 2);
    let off = CreateOptions { early: EarlyRefresh::Off, ..CreateOptions::default() };
    assert_eq!(run(region.get_or_create("k", creator(0.0), off).boxed_local()).expect("value"), "v2");
    assert_eq!(region.stats().stale_served, 0);
}
