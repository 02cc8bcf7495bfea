//! The dogpile decision alone, against a fake clock (dogpile's tests/test_lock.py, made pure).

use edgepile::lock::{classify, decide, Action, Invalidation, State};
use edgepile::{Metadata, Ttl, VALUE_VERSION};

fn meta(ct: f64) -> Metadata {
    Metadata { ct, v: VALUE_VERSION, value_version: 0 }
}

const NONE: Invalidation = Invalidation { hard: 0.0, soft: 0.0 };

#[test]
fn missing_value_is_missing() {
    assert_eq!(classify(None, 100.0, Ttl::Seconds(5.0), &NONE), State::Missing);
}

#[test]
fn fresh_until_ttl_then_stale() {
    let m = meta(100.0);
    assert_eq!(classify(Some(&m), 100.0, Ttl::Seconds(5.0), &NONE), State::Fresh);
    assert_eq!(classify(Some(&m), 105.0, Ttl::Seconds(5.0), &NONE), State::Fresh, "expiry is strictly after ttl");
    assert_eq!(classify(Some(&m), 105.001, Ttl::Seconds(5.0), &NONE), State::Stale);
    assert_eq!(classify(Some(&m), 1e12, Ttl::Never, &NONE), State::Fresh);
}

#[test]
fn other_version_or_broken_time_reads_as_missing() {
    let old = Metadata { ct: 100.0, v: VALUE_VERSION + 1, value_version: 0 };
    assert_eq!(classify(Some(&old), 100.0, Ttl::Never, &NONE), State::Missing);
    assert_eq!(classify(Some(&meta(f64::NAN)), 100.0, Ttl::Never, &NONE), State::Missing);
}

#[test]
fn hard_invalidation_is_missing_soft_is_stale() {
    let m = meta(100.0);
    let hard = Invalidation { hard: 100.0, soft: 0.0 };
    let soft = Invalidation { hard: 0.0, soft: 100.0 };
    assert_eq!(classify(Some(&m), 101.0, Ttl::Never, &hard), State::Missing);
    assert_eq!(classify(Some(&m), 101.0, Ttl::Never, &soft), State::Stale);
    assert_eq!(classify(Some(&meta(100.5)), 101.0, Ttl::Never, &hard), State::Fresh, "newer than the mark");
}

#[test]
fn creation_time_is_after_every_mark() {
    let inv = Invalidation { hard: 100.0, soft: 50.0 };
    assert!(inv.creation_time(100.0) > 100.0, "frozen clock: created in the instant of the mark");
    assert_eq!(inv.creation_time(200.0), 200.0);
    let t = inv.creation_time(100.0);
    assert_eq!(classify(Some(&meta(t)), 100.0, Ttl::Never, &inv), State::Fresh);
}

#[test]
fn decision_table() {
    assert_eq!(decide(State::Fresh, false, false), Action::Serve);
    assert_eq!(decide(State::Fresh, true, true), Action::Serve);
    assert_eq!(decide(State::Stale, true, false), Action::ServeStale);
    assert_eq!(decide(State::Stale, false, false), Action::Regenerate { background: false });
    assert_eq!(decide(State::Stale, false, true), Action::Regenerate { background: true });
    assert_eq!(decide(State::Missing, true, true), Action::Wait);
    assert_eq!(
        decide(State::Missing, false, true),
        Action::Regenerate { background: false },
        "nothing to serve meanwhile"
    );
}

/// test_lock.py's scenario: a value with a 1 s lifetime, read every 0.1 s over 5 s by a
/// caller that regenerates whenever the lock says so; regenerations happen once per expiry.
#[test]
fn one_regeneration_per_expiry_over_time() {
    let ttl = Ttl::Seconds(1.0);
    let mut created: Option<Metadata> = None;
    let mut regenerations = 0;
    for step in 0..=50 {
        let now = 1000.0 + step as f64 * 0.1;
        let state = classify(created.as_ref(), now, ttl, &NONE);
        if let Action::Regenerate { .. } = decide(state, false, false) {
            regenerations += 1;
            created = Some(meta(now));
        }
    }
    // created at 1000.0, then each time it is older than 1 s: 1001.1, 1002.2, 1003.3, 1004.4
    assert_eq!(regenerations, 5);
}
