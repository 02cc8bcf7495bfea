//! Where the core's pending work runs in JS: tasks polled from promise reactions.
//!
//! wasm-bindgen-futures schedules every wake-up with `queueMicrotask`, and in workerd a
//! `queueMicrotask` call costs far more than a promise reaction (a CPU profile of a KV hit showed
//! its three calls as the largest cost after the read itself). This executor keeps that one's
//! guarantees (a task is polled from a reaction, never inside another task's poll) but schedules
//! a run as a reaction to one settled promise, and a run also polls what it wakes.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use crate::slab::Slab;

struct Slot {
    /// `None` while the task is being polled.
    future: Option<LocalBoxFuture<'static, ()>>,
    waker: Waker,
    queued: bool,
}

struct Executor {
    tasks: RefCell<Slab<Slot>>,
    ready: RefCell<VecDeque<u64>>,
    scheduled: Cell<bool>,
    settled: Promise,
    run: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    static EXECUTOR: Executor = Executor {
        tasks: RefCell::default(),
        ready: RefCell::default(),
        scheduled: Cell::new(false),
        settled: Promise::resolve(&JsValue::UNDEFINED),
        run: Closure::new(|_: JsValue| run_ready()),
    };
}

/// A waker names its task by id, so it holds nothing that is not `Send`.
struct TaskWaker(u64);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        wake(self.0);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        wake(self.0);
    }
}

fn wake(id: u64) {
    EXECUTOR.with(|ex| {
        let newly = ex.tasks.borrow_mut().get_mut(id).is_some_and(|slot| !std::mem::replace(&mut slot.queued, true));
        if newly {
            ex.ready.borrow_mut().push_back(id);
            if !ex.scheduled.replace(true) {
                let _ = ex.settled.then(&ex.run);
            }
        }
    });
}

/// Polls the woken tasks, including those woken while this run goes on (a finished read waking
/// the call that awaits it): one promise reaction for the chain, not one per link. A task woken
/// again after its poll in this run waits for the next one, so a run always ends.
fn run_ready() {
    // `scheduled` stays set while the run goes on: what is woken meanwhile is polled here.
    let mut polled: Vec<u64> = Vec::new();
    let mut later: Vec<u64> = Vec::new();
    while let Some(id) = EXECUTOR.with(|ex| ex.ready.borrow_mut().pop_front()) {
        if polled.contains(&id) {
            later.push(id);
            continue;
        }
        polled.push(id);
        // Taken out of the table while polled: the poll may spawn or wake other tasks.
        let taken = EXECUTOR.with(|ex| {
            ex.tasks.borrow_mut().get_mut(id).and_then(|slot| {
                slot.queued = false;
                Some((slot.future.take()?, slot.waker.clone()))
            })
        });
        let Some((mut future, waker)) = taken else { continue };
        let done = future.poll_unpin(&mut Context::from_waker(&waker)).is_ready();
        EXECUTOR.with(|ex| {
            let mut tasks = ex.tasks.borrow_mut();
            if done {
                tasks.remove(id);
            } else if let Some(slot) = tasks.get_mut(id) {
                slot.future = Some(future);
            }
        });
    }
    EXECUTOR.with(|ex| {
        let again = !later.is_empty();
        ex.ready.borrow_mut().extend(later);
        ex.scheduled.set(again);
        if again {
            let _ = ex.settled.then(&ex.run);
        }
    });
}

/// Runs `future` to completion as a task of its own, first polled from a promise reaction.
pub fn spawn(future: LocalBoxFuture<'static, ()>) {
    let id = EXECUTOR.with(|ex| {
        ex.tasks.borrow_mut().insert_with(|id| Slot {
            future: Some(future),
            waker: Waker::from(Arc::new(TaskWaker(id))),
            queued: false,
        })
    });
    wake(id);
}

/// A Promise of `future`'s outcome (as `wasm_bindgen_futures::future_to_promise`).
pub fn to_promise(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let mut future = Some(future);
    Promise::new(&mut |resolve: Function, reject: Function| {
        if let Some(future) = future.take() {
            spawn(
                async move {
                    // A settle function that throws has nobody to report to.
                    let _ = match future.await {
                        Ok(value) => resolve.call1(&JsValue::UNDEFINED, &value),
                        Err(error) => reject.call1(&JsValue::UNDEFINED, &error),
                    };
                }
                .boxed_local(),
            );
        }
    })
}
