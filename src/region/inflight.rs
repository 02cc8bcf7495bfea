//! Work in flight in this isolate: the registry of running creations (the in-isolate half of
//! the dogpile lock), how shared work is run, and background regenerations.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;

use super::{Inner, Runner, Spawner};
use crate::error::Result;

pub(super) type Creation<P> = Shared<LocalBoxFuture<'static, Result<P>>>;

/// Ends a keep-alive when dropped (see [`Inner::hold`]).
pub(super) struct Hold(Option<Box<dyn FnOnce()>>);

impl Drop for Hold {
    fn drop(&mut self) {
        if let Some(end) = self.0.take() {
            end();
        }
    }
}

/// The task behind shared work, until [`Inner::start`] runs it (none without a spawner: then
/// whichever caller polls the shared future drives it).
#[must_use]
pub(super) struct Start(Option<LocalBoxFuture<'static, ()>>);

pub(super) struct CreationEntry<P> {
    id: u64,
    fut: Creation<P>,
    /// Runs in the background (another request's `waitUntil`). A caller with nothing to serve
    /// does not wait on it: in a Worker, a request must not hang on work whose request has
    /// already answered. It takes the lease (and finds the result) or creates its own.
    background: bool,
}

/// Shared work driven by the call that started it, in that call's own task: a backend read
/// that nobody joins (a hit, most of the time) costs no task, channel or clone of its own. Those
/// that join ([`Flight::join`]) only wait for the result, as with [`Inner::share`]; should the
/// leader be dropped before the end, the work goes on as [`Inner::share`] runs it (a task of its
/// own with a spawner, otherwise driven by whichever joiner polls).
pub(super) struct Lead<T: Clone + 'static> {
    work: Option<LocalBoxFuture<'static, T>>,
    flight: Flight<T>,
    spawner: Option<Spawner>,
}

/// Where callers find work a [`Lead`] drives, and join it.
pub(super) struct Flight<T>(Rc<RefCell<Stage<T>>>);

impl<T> Clone for Flight<T> {
    fn clone(&self) -> Self {
        Flight(self.0.clone())
    }
}

enum Stage<T> {
    /// The leader drives it; the wakers of joiners waiting for the result.
    Led(Vec<Waker>),
    /// The leader is gone, the work is not done: shared as [`Inner::share`] shares work.
    Orphaned(Shared<LocalBoxFuture<'static, T>>),
    Done(T),
}

impl<T: Clone + 'static> Lead<T> {
    pub(super) fn new(work: LocalBoxFuture<'static, T>, spawner: Option<Spawner>) -> Self {
        Lead { work: Some(work), flight: Flight(Rc::new(RefCell::new(Stage::Led(Vec::new())))), spawner }
    }

    pub(super) fn flight(&self) -> Flight<T> {
        self.flight.clone()
    }
}

impl<T: Clone + 'static> Future for Lead<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let Some(work) = self.work.as_mut() else { return Poll::Pending };
        let Poll::Ready(out) = work.poll_unpin(cx) else { return Poll::Pending };
        self.work = None;
        // Only the registry and joiners hold the flight besides this leader; the work has
        // removed its registry entry by now, so with no joiner nobody needs a copy.
        if Rc::strong_count(&self.flight.0) > 1 {
            let stage = std::mem::replace(&mut *self.flight.0.borrow_mut(), Stage::Done(out.clone()));
            if let Stage::Led(waiters) = stage {
                waiters.into_iter().for_each(Waker::wake);
            }
        }
        Poll::Ready(out)
    }
}

impl<T: Clone + 'static> Drop for Lead<T> {
    fn drop(&mut self) {
        let Some(work) = self.work.take() else { return };
        if Rc::strong_count(&self.flight.0) == 1 {
            return;
        }
        // Dropped before the end, with the work still registered or joined: hand it over.
        let shared = match &self.spawner {
            Some(spawn) => {
                let (remote, handle) = work.remote_handle();
                spawn(remote.boxed_local());
                handle.boxed_local().shared()
            }
            None => work.shared(),
        };
        let stage = std::mem::replace(&mut *self.flight.0.borrow_mut(), Stage::Orphaned(shared));
        if let Stage::Led(waiters) = stage {
            waiters.into_iter().for_each(Waker::wake);
        }
    }
}

impl<T: Clone + 'static> Flight<T> {
    /// The result of the work, for a caller that did not start it.
    pub(super) fn join(&self) -> Join<T> {
        Join { flight: self.clone(), slot: None, orphan: None }
    }
}

pub(super) struct Join<T> {
    flight: Flight<T>,
    /// Where this joiner's waker sits among the waiters.
    slot: Option<usize>,
    orphan: Option<Shared<LocalBoxFuture<'static, T>>>,
}

impl<T: Clone + 'static> Future for Join<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(orphan) = self.orphan.as_mut() {
            return orphan.poll_unpin(cx);
        }
        let this = &mut *self;
        let orphan = match &mut *this.flight.0.borrow_mut() {
            Stage::Done(out) => return Poll::Ready(out.clone()),
            Stage::Led(waiters) => {
                match this.slot.and_then(|i| waiters.get_mut(i)) {
                    Some(waker) => waker.clone_from(cx.waker()),
                    None => {
                        this.slot = Some(waiters.len());
                        waiters.push(cx.waker().clone());
                    }
                }
                return Poll::Pending;
            }
            Stage::Orphaned(shared) => shared.clone(),
        };
        this.orphan.insert(orphan).poll_unpin(cx)
    }
}

impl<P: Clone + 'static> Inner<P> {
    /// Work that callers may join, led by the caller that starts it (see [`Lead`]). Register
    /// its flight where callers find it before the lead is first polled.
    pub(super) fn lead<T: Clone + 'static>(&self, work: LocalBoxFuture<'static, T>) -> Lead<T> {
        Lead::new(work, self.spawner.clone())
    }

    /// Work that several callers await, not started yet: register it where callers find it,
    /// then [`Inner::start`] it, so the work (which may finish at once) never runs before it
    /// can be found or forgotten. With a spawner, the work runs as a task of its own, started
    /// by (and doing its I/O for) the caller that created it; the others only wait for its
    /// result. In a Worker that matters: I/O must stay with the request that began it.
    pub(super) fn share<T: Clone + 'static>(
        &self,
        work: LocalBoxFuture<'static, T>,
    ) -> (Shared<LocalBoxFuture<'static, T>>, Start) {
        match &self.spawner {
            Some(_) => {
                let (remote, handle) = work.remote_handle();
                (handle.boxed_local().shared(), Start(Some(remote.boxed_local())))
            }
            None => (work.shared(), Start(None)),
        }
    }

    /// Starts shared work. It is polled once here, in the caller's own context: work that needs
    /// no I/O (a memory backend, a synchronous creator) finishes now, so the caller's result is
    /// ready without a task, a promise or a turn of the event loop; only what is still pending
    /// is spawned.
    pub(super) fn start(&self, start: Start) {
        if let (Some(mut task), Some(spawn)) = (start.0, &self.spawner) {
            if (&mut task).now_or_never().is_none() {
                spawn(task);
            }
        }
    }

    /// Keeps this request alive until the returned guard drops: for a call about to wait on work
    /// another call started (nothing without a keep-alive, as natively).
    pub(super) fn hold(&self) -> Hold {
        Hold(self.keep_alive.as_ref().map(|keep| keep()))
    }

    /// Tells a read in flight for `key` that what it returns is out of date.
    pub(super) fn superseded(&self, key: &str) {
        if let Some(entry) = self.loading.borrow().get(key) {
            entry.superseded.set(true);
        }
    }

    /// The creation running for `key` in this isolate, and whether it runs in the background.
    pub(super) fn creation(&self, key: &str) -> Option<(Creation<P>, bool)> {
        self.creating.borrow().get(key).map(|e| (e.fut.clone(), e.background))
    }

    pub(super) fn next_creation_id(&self) -> u64 {
        let id = self.next_creation.get().wrapping_add(1);
        self.next_creation.set(id);
        id
    }

    pub(super) fn register_creation(&self, key: String, id: u64, fut: Creation<P>, background: bool) {
        self.creating.borrow_mut().insert(key, CreationEntry { id, fut, background });
    }

    /// Forgets creation `id` of `key`, unless another has taken its place meanwhile.
    pub(super) fn finish_creation(&self, key: &str, id: u64) {
        let mut creating = self.creating.borrow_mut();
        if creating.get(key).is_some_and(|e| e.id == id) {
            creating.remove(key);
        }
    }

    pub(super) fn run_in_background(&self, key: &str, creation: Creation<P>, per_call: Option<&Runner>) {
        let Some(runner) = per_call.or(self.runner.as_ref()) else { return };
        let reporter = self.on_error.clone();
        runner(
            key,
            async move {
                // Counted as events by the creation itself; the sink hears of it too.
                if let (Err(e), Some(sink)) = (creation.await, reporter) {
                    sink(&e);
                }
            }
            .boxed_local(),
        );
    }
}
