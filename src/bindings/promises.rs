//! Awaiting a JS promise from Rust. The JS layer installs `awaitInto(promise, id)`, which calls
//! the export `settled(id, value, ok)` back: one call each way. A `JsFuture` makes two closures
//! per await and frees them afterwards (a FinalizationRegistry entry each, and a call into wasm
//! to drop each), which a KV hit measurably paid for; this needs neither.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use crate::slab::Slab;

enum State {
    Waiting(Option<Waker>),
    Settled(Result<JsValue, JsValue>),
}

thread_local! {
    static TABLE: RefCell<Slab<State>> = RefCell::default();
    static AWAIT_INTO: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the JS layer (see `install`).
pub fn set_await_into(f: Function) {
    AWAIT_INTO.with(|a| *a.borrow_mut() = Some(f));
}

/// Called by the JS layer's `awaitInto` when the promise `id` settles.
#[wasm_bindgen]
pub fn settled(id: f64, value: JsValue, ok: bool) {
    let waker = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        // An await dropped before its promise settled is no longer listed: nothing to do.
        let entry = t.get_mut(id as u64)?;
        let previous = std::mem::replace(entry, State::Settled(if ok { Ok(value) } else { Err(value) }));
        match previous {
            State::Waiting(waker) => waker,
            State::Settled(_) => None,
        }
    });
    if let Some(waker) = waker {
        waker.wake();
    }
}

struct Awaiting(u64);

impl Future for Awaiting {
    type Output = Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        TABLE.with(|t| {
            let mut t = t.borrow_mut();
            let Some(entry) = t.get_mut(self.0) else {
                return Poll::Ready(Err(JsValue::from_str("edgepile: an await lost its promise")));
            };
            match entry {
                State::Settled(_) => match t.remove(self.0) {
                    Some(State::Settled(outcome)) => Poll::Ready(outcome),
                    _ => Poll::Pending,
                },
                State::Waiting(waker) => {
                    *waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    }
}

impl Drop for Awaiting {
    fn drop(&mut self) {
        TABLE.with(|t| t.borrow_mut().remove(self.0));
    }
}

/// The outcome of `promise`.
pub async fn wait(promise: Promise) -> Result<JsValue, JsValue> {
    let helper = AWAIT_INTO.with(|a| a.borrow().clone());
    // Installed before the core's first use (install.js); without it nothing could be awaited.
    let Some(helper) = helper else { return Err(JsValue::from_str("edgepile: the JS layer is not installed")) };
    let id = TABLE.with(|t| t.borrow_mut().insert(State::Waiting(None)));
    let awaiting = Awaiting(id);
    helper.call2(&JsValue::UNDEFINED, &promise, &JsValue::from(id as f64))?;
    awaiting.await
}
