//! Awaiting a JS promise from Rust. The JS layer installs `awaitInto(promise, id)`, which calls
//! the export `settled(id, value, ok)` back: one call each way. A `JsFuture` makes two closures
//! per await and frees them afterwards (a FinalizationRegistry entry each, and a call into wasm
//! to drop each), which a KV hit measurably paid for.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

enum State {
    Waiting(Option<Waker>),
    Settled(Result<JsValue, JsValue>),
}

#[derive(Default)]
struct Table {
    next: u32,
    entries: HashMap<u32, State>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::default();
    static AWAIT_INTO: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the JS layer (see `install`).
pub fn set_await_into(f: Function) {
    AWAIT_INTO.with(|a| *a.borrow_mut() = Some(f));
}

/// Called by the JS layer's `awaitInto` when the promise `id` settles.
#[wasm_bindgen]
pub fn settled(id: u32, value: JsValue, ok: bool) {
    let waker = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        // An await dropped before its promise settled is no longer listed: nothing to do.
        let entry = t.entries.get_mut(&id)?;
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

struct Awaiting(u32);

impl Future for Awaiting {
    type Output = Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        TABLE.with(|t| {
            let mut t = t.borrow_mut();
            match t.entries.remove(&self.0) {
                Some(State::Settled(outcome)) => Poll::Ready(outcome),
                _ => {
                    t.entries.insert(self.0, State::Waiting(Some(cx.waker().clone())));
                    Poll::Pending
                }
            }
        })
    }
}

impl Drop for Awaiting {
    fn drop(&mut self) {
        TABLE.with(|t| t.borrow_mut().entries.remove(&self.0));
    }
}

/// The outcome of `promise`.
pub async fn wait(promise: Promise) -> Result<JsValue, JsValue> {
    let helper = AWAIT_INTO.with(|a| a.borrow().clone());
    let Some(helper) = helper else { return JsFuture::from(promise).await };
    let id = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let id = t.next;
        t.next = id.wrapping_add(1);
        t.entries.insert(id, State::Waiting(None));
        id
    });
    let awaiting = Awaiting(id);
    helper.call2(&JsValue::UNDEFINED, &promise, &JsValue::from(id))?;
    awaiting.await
}
