//! One suite, every backend (dogpile's fixtures.py pattern). Each backend is named once at the
//! bottom; cases skip by declared capability, not by backend name.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use edgepile::backend::Backend;
use edgepile::backends::{MemoryL1, TieredBackend};
use edgepile::{CreateOptions, GetOptions, MemoryBackend, NullBackend, Region, RegionBuilder, Ttl};
use futures::FutureExt;

fn region(backend: Rc<dyn Backend<String>>, clock: &FakeClock, ttl: Ttl) -> Region<String> {
    RegionBuilder::new("conformance").ttl(ttl).clock(clock.clock()).build(backend)
}

fn opts() -> CreateOptions<String> {
    CreateOptions::default()
}

pub fn get_missing_is_no_value(b: Rc<dyn Backend<String>>) {
    let r = region(b, &FakeClock::new(), Ttl::Never);
    assert_eq!(run(r.get("nope", GetOptions::default()).boxed_local()).unwrap(), None);
}

pub fn set_get_delete(b: Rc<dyn Backend<String>>) {
    let persists = b.capabilities().persists;
    let r = region(b, &FakeClock::new(), Ttl::Never);
    run(async {
        r.set("k", "v".into()).await.unwrap();
        let got = r.get("k", GetOptions::default()).await.unwrap();
        assert_eq!(got, persists.then(|| "v".to_string()));
        r.delete("k").await.unwrap();
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None);
    }
    .boxed_local());
}

pub fn multi_forms(b: Rc<dyn Backend<String>>) {
    let persists = b.capabilities().persists;
    let r = region(b, &FakeClock::new(), Ttl::Never);
    run(async {
        r.set_multi(vec![("a".into(), "1".into()), ("b".into(), "2".into())]).await.unwrap();
        let keys = vec!["a".to_string(), "x".to_string(), "b".to_string()];
        let got = r.get_multi(&keys, GetOptions::default()).await.unwrap();
        if persists {
            assert_eq!(got, vec![Some("1".into()), None, Some("2".into())]);
        } else {
            assert_eq!(got, vec![None, None, None]);
        }
        r.delete_multi(&["a".to_string()]).await.unwrap();
        let got = r.get_multi(&keys, GetOptions::default()).await.unwrap();
        assert_eq!(got[0], None);
    }
    .boxed_local());
}

pub fn get_or_create_creates_once(b: Rc<dyn Backend<String>>) {
    let persists = b.capabilities().persists;
    let r = region(b, &FakeClock::new(), Ttl::Seconds(60.0));
    let calls = Rc::new(Cell::new(0));
    run(async {
        for _ in 0..3 {
            let v = r.get_or_create("k", counting_creator(&calls, "made"), opts()).await.unwrap();
            assert_eq!(v, "made");
        }
    }
    .boxed_local());
    assert_eq!(calls.get(), if persists { 1 } else { 3 });
}

pub fn expiration_regenerates(b: Rc<dyn Backend<String>>) {
    if !b.capabilities().persists {
        return;
    }
    let clock = FakeClock::new();
    let r = region(b, &clock, Ttl::Seconds(10.0));
    let calls = Rc::new(Cell::new(0));
    run(async {
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#1");
        clock.advance(9.0);
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#1");
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), Some("v#1".into()));
        clock.advance(2.0);
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None, "expired reads as no value");
        let ignoring = GetOptions { ignore_expiration: true, ..Default::default() };
        assert_eq!(r.get("k", ignoring).await.unwrap(), Some("v#1".into()));
        // the caller that finds it stale regenerates and waits for the new value
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#2");
    }
    .boxed_local());
}

pub fn per_call_and_never_expiration(b: Rc<dyn Backend<String>>) {
    if !b.capabilities().persists {
        return;
    }
    let clock = FakeClock::new();
    let r = region(b, &clock, Ttl::Seconds(10.0));
    let calls = Rc::new(Cell::new(0));
    let short = CreateOptions { ttl: Some(Ttl::Seconds(1.0)), ..opts() };
    let never = CreateOptions { ttl: Some(Ttl::Never), ..opts() };
    run(async {
        r.get_or_create("short", numbered_creator(&calls, "s"), short.clone()).await.unwrap();
        r.get_or_create("never", numbered_creator(&calls, "n"), never.clone()).await.unwrap();
        clock.advance(5.0);
        assert_eq!(r.get_or_create("short", numbered_creator(&calls, "s"), short).await.unwrap(), "s#3");
        clock.advance(1e9);
        assert_eq!(r.get_or_create("never", numbered_creator(&calls, "n"), never).await.unwrap(), "n#2");
    }
    .boxed_local());
}

pub fn should_cache_false_stores_nothing(b: Rc<dyn Backend<String>>) {
    let r = region(b, &FakeClock::new(), Ttl::Never);
    let calls = Rc::new(Cell::new(0));
    let o = CreateOptions { should_cache: Some(Rc::new(|v: &String| Ok(v != "skip"))), ..opts() };
    run(async {
        assert_eq!(r.get_or_create("k", counting_creator(&calls, "skip"), o.clone()).await.unwrap(), "skip");
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None);
        r.get_or_create("k", counting_creator(&calls, "skip"), o).await.unwrap();
    }
    .boxed_local());
    assert_eq!(calls.get(), 2);
}

pub fn creator_error_caches_nothing_then_retries(b: Rc<dyn Backend<String>>) {
    let r = region(b, &FakeClock::new(), Ttl::Never);
    let calls = Rc::new(Cell::new(0));
    run(async {
        let err = r.get_or_create("k", failing_creator(&calls), opts()).await.unwrap_err();
        assert_eq!(err.kind(), edgepile::ErrorKind::Creator);
        assert_eq!(err.cause::<String>().map(String::as_str), Some("boom"));
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None);
        assert_eq!(r.get_or_create("k", counting_creator(&calls, "ok"), opts()).await.unwrap(), "ok");
    }
    .boxed_local());
    assert_eq!(calls.get(), 2);
}

pub fn hard_and_soft_invalidation(b: Rc<dyn Backend<String>>) {
    if !b.capabilities().persists {
        return;
    }
    let clock = FakeClock::new();
    let r = region(b, &clock, Ttl::Never);
    let calls = Rc::new(Cell::new(0));
    run(async {
        r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap();
        r.invalidate(true);
        // same instant as the invalidation: still counts as invalidated
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None);
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#2");
        // the regenerated value, created in that same instant, is not invalidated at birth
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#2");
        r.invalidate(false);
        assert_eq!(r.get("k", GetOptions::default()).await.unwrap(), None, "soft-invalidated reads as expired");
        assert_eq!(r.get_or_create("k", numbered_creator(&calls, "v"), opts()).await.unwrap(), "v#3");
    }
    .boxed_local());
}

pub fn get_or_create_multi_creates_only_missing(b: Rc<dyn Backend<String>>) {
    let persists = b.capabilities().persists;
    let r = region(b, &FakeClock::new(), Ttl::Never);
    let asked: Rc<std::cell::RefCell<Vec<Vec<String>>>> = Rc::default();
    let creator = |asked: &Rc<std::cell::RefCell<Vec<Vec<String>>>>| -> edgepile::region::MultiCreator<String> {
        let asked = asked.clone();
        Box::new(move |keys: Vec<String>| {
            asked.borrow_mut().push(keys.clone());
            async move { Ok(keys.iter().map(|k| format!("val-{k}")).collect()) }.boxed_local()
        })
    };
    run(async {
        r.set("b", "stored-b".into()).await.unwrap();
        let keys: Vec<String> = ["a", "b", "c", "a"].iter().map(|s| s.to_string()).collect();
        let got = r.get_or_create_multi(&keys, creator(&asked), opts()).await.unwrap();
        if persists {
            assert_eq!(got, vec!["val-a", "stored-b", "val-c", "val-a"]);
            assert_eq!(*asked.borrow(), vec![vec!["a".to_string(), "c".to_string()]]);
            let again = r.get_or_create_multi(&keys, creator(&asked), opts()).await.unwrap();
            assert_eq!(again, got);
            assert_eq!(asked.borrow().len(), 1, "second call creates nothing");
        } else {
            assert_eq!(got, vec!["val-a", "val-b", "val-c", "val-a"]);
        }
    }
    .boxed_local());
}

pub fn concurrent_cold_calls_coalesce(b: Rc<dyn Backend<String>>) {
    let persists = b.capabilities().persists;
    let r = region(b, &FakeClock::new(), Ttl::Never);
    let calls = Rc::new(Cell::new(0));
    let all = run(together(
        (0..100).map(|_| r.get_or_create("k", counting_creator(&calls, "v"), opts()).boxed_local()).collect(),
    )
    .boxed_local());
    assert!(all.iter().all(|v| v.as_deref().ok() == Some("v")));
    // Even a store that keeps nothing creates once for callers that arrived together.
    assert_eq!(calls.get(), 1, "persists={persists}");
}

macro_rules! conformance {
    ($name:ident, $make:expr) => {
        mod $name {
            use super::*;
            fn backend() -> Rc<dyn Backend<String>> {
                $make
            }
            #[test]
            fn get_missing_is_no_value() {
                super::get_missing_is_no_value(backend())
            }
            #[test]
            fn set_get_delete() {
                super::set_get_delete(backend())
            }
            #[test]
            fn multi_forms() {
                super::multi_forms(backend())
            }
            #[test]
            fn get_or_create_creates_once() {
                super::get_or_create_creates_once(backend())
            }
            #[test]
            fn expiration_regenerates() {
                super::expiration_regenerates(backend())
            }
            #[test]
            fn per_call_and_never_expiration() {
                super::per_call_and_never_expiration(backend())
            }
            #[test]
            fn should_cache_false_stores_nothing() {
                super::should_cache_false_stores_nothing(backend())
            }
            #[test]
            fn creator_error_caches_nothing_then_retries() {
                super::creator_error_caches_nothing_then_retries(backend())
            }
            #[test]
            fn hard_and_soft_invalidation() {
                super::hard_and_soft_invalidation(backend())
            }
            #[test]
            fn get_or_create_multi_creates_only_missing() {
                super::get_or_create_multi_creates_only_missing(backend())
            }
            #[test]
            fn concurrent_cold_calls_coalesce() {
                super::concurrent_cold_calls_coalesce(backend())
            }
        }
    };
}

conformance!(memory, Rc::new(MemoryBackend::<String>::new(100)));
conformance!(null, Rc::new(NullBackend));
conformance!(mock, Rc::new(MockBackend::new()));
conformance!(
    tiered,
    Rc::new(TieredBackend::new(Rc::new(MemoryL1::new(100)), Rc::new(MockBackend::new()), 30.0, Rc::new(|| 0.0)))
);
