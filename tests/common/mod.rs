//! Shared fixtures: a fake clock, a backend that counts and yields like real I/O, and a
//! single-threaded executor, as a Worker isolate has.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use edgepile::backend::{Backend, BackendFuture, Capabilities};
use edgepile::{CachedValue, Error, MemoryBackend, Ttl};
use futures::future::{FutureExt, LocalBoxFuture};

#[derive(Clone)]
pub struct FakeClock(pub Rc<Cell<f64>>);

impl FakeClock {
    pub fn new() -> Self {
        FakeClock(Rc::new(Cell::new(1_000_000.0)))
    }
    pub fn advance(&self, secs: f64) {
        self.0.set(self.0.get() + secs);
    }
    pub fn clock(&self) -> edgepile::region::Clock {
        let c = self.0.clone();
        Rc::new(move || c.get())
    }
}

thread_local! {
    /// The event-loop turn. I/O started in one turn completes in a later one, as in JS.
    static TURN: Cell<u64> = const { Cell::new(0) };
}

/// Completes in a later turn of the executor, as a real store's round trip would.
pub struct YieldOnce(u64);
impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if TURN.with(|t| t.get()) > self.0 {
            std::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}
pub fn yield_now() -> YieldOnce {
    YieldOnce(TURN.with(|t| t.get()))
}

#[derive(Default, Debug, Clone, Copy, PartialEq)]
pub struct Counts {
    pub gets: usize,
    pub sets: usize,
    pub deletes: usize,
    pub get_multis: usize,
    pub set_multis: usize,
}

/// A memory store behind async calls that counts every operation and can be told to fail.
pub struct MockBackend {
    pub store: MemoryBackend<String>,
    pub counts: RefCell<Counts>,
    pub keys_seen: RefCell<Vec<String>>,
    pub fail_writes: Cell<bool>,
    pub fail_reads: Cell<bool>,
}

impl MockBackend {
    pub fn new() -> Self {
        MockBackend {
            store: MemoryBackend::new(1000),
            counts: RefCell::new(Counts::default()),
            keys_seen: RefCell::new(Vec::new()),
            fail_writes: Cell::new(false),
            fail_reads: Cell::new(false),
        }
    }
    pub fn counts(&self) -> Counts {
        *self.counts.borrow()
    }
}

impl Backend<String> for MockBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities { persists: true, sync_reads: false, bounded: false }
    }
    fn get<'a>(&'a self, key: &'a str) -> BackendFuture<'a, Option<CachedValue<String>>> {
        async move {
            self.counts.borrow_mut().gets += 1;
            self.keys_seen.borrow_mut().push(key.to_owned());
            yield_now().await;
            if self.fail_reads.get() {
                return Err(Error::backend("read failed"));
            }
            self.store.get(key).await
        }
        .boxed_local()
    }
    fn set<'a>(&'a self, key: &'a str, value: CachedValue<String>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            self.counts.borrow_mut().sets += 1;
            self.keys_seen.borrow_mut().push(key.to_owned());
            yield_now().await;
            if self.fail_writes.get() {
                return Err(Error::backend("write failed"));
            }
            self.store.set(key, value, ttl).await
        }
        .boxed_local()
    }
    fn delete<'a>(&'a self, key: &'a str) -> BackendFuture<'a, ()> {
        async move {
            self.counts.borrow_mut().deletes += 1;
            yield_now().await;
            self.store.delete(key).await
        }
        .boxed_local()
    }
    fn get_multi<'a>(&'a self, keys: &'a [String]) -> BackendFuture<'a, Vec<Option<CachedValue<String>>>> {
        async move {
            self.counts.borrow_mut().get_multis += 1;
            yield_now().await;
            self.store.get_multi(keys).await
        }
        .boxed_local()
    }
    fn set_multi<'a>(&'a self, items: Vec<(String, CachedValue<String>)>, ttl: Ttl) -> BackendFuture<'a, ()> {
        async move {
            self.counts.borrow_mut().set_multis += 1;
            yield_now().await;
            self.store.set_multi(items, ttl).await
        }
        .boxed_local()
    }
}

/// A creator returning `value` that counts its calls.
pub fn counting_creator(calls: &Rc<Cell<usize>>, value: &str) -> edgepile::region::Creator<String> {
    let calls = calls.clone();
    let value = value.to_owned();
    Box::new(move || {
        calls.set(calls.get() + 1);
        async move {
            yield_now().await;
            Ok(value)
        }
        .boxed_local()
    })
}

/// A creator whose value embeds the call number: `"<prefix>#<n>"`.
pub fn numbered_creator(calls: &Rc<Cell<usize>>, prefix: &str) -> edgepile::region::Creator<String> {
    let calls = calls.clone();
    let prefix = prefix.to_owned();
    Box::new(move || {
        calls.set(calls.get() + 1);
        let n = calls.get();
        async move { Ok(format!("{prefix}#{n}")) }.boxed_local()
    })
}

pub fn failing_creator(calls: &Rc<Cell<usize>>) -> edgepile::region::Creator<String> {
    let calls = calls.clone();
    Box::new(move || {
        calls.set(calls.get() + 1);
        async move {
            yield_now().await;
            Err(Error::creator("boom".to_string()))
        }
        .boxed_local()
    })
}

pub fn run<T>(f: LocalBoxFuture<'_, T>) -> T {
    futures::executor::block_on(together(vec![f])).pop().expect("one result")
}

/// Drives futures the way a JS isolate does when they are started in one tick: each runs to its
/// first pending point in order before any of them resumes. Results in input order.
pub async fn together<T>(futs: Vec<LocalBoxFuture<'_, T>>) -> Vec<T> {
    let mut futs: Vec<Option<LocalBoxFuture<'_, T>>> = futs.into_iter().map(Some).collect();
    let mut out: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    futures::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, result) in futs.iter_mut().zip(out.iter_mut()) {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *result = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        TURN.with(|t| t.set(t.get() + 1));
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}
