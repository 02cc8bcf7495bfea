//! Leases and timers provided by the JS layer: a lease client object with
//! `acquire(key, ttlSeconds) → token | null` and `release(key, token)` (the Durable Object
//! coordinator or KV lease keys), and `sleep(ms)`.

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::callbacks::{settle, settle_method};
use crate::error::Result;
use crate::lease::Leases;

#[wasm_bindgen]
extern "C" {
    /// A lease client of the JS layer, called structurally.
    pub type JsLeaseClient;
    #[wasm_bindgen(method, catch)]
    fn acquire(this: &JsLeaseClient, key: &str, ttl_seconds: f64) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn release(this: &JsLeaseClient, key: &str, token: &str) -> std::result::Result<JsValue, JsValue>;
    /// `this[name]`, read only after a call threw: was the method missing?
    #[wasm_bindgen(method, structural, indexing_getter)]
    fn member(this: &JsLeaseClient, name: &str) -> JsValue;
}

pub struct JsLeases {
    client: JsLeaseClient,
}

impl JsLeases {
    pub fn new(client: JsValue) -> Self {
        JsLeases { client: client.unchecked_into() }
    }

    /// The outcome of one call on the client, settled; a missing method is reported as such.
    async fn settle(&self, name: &str, called: std::result::Result<JsValue, JsValue>) -> Result<JsValue> {
        settle_method("lease client", name, |n| self.client.member(n).is_function(), called).await
    }
}

impl Leases for JsLeases {
    fn acquire<'a>(&'a self, key: &'a str, ttl: f64) -> LocalBoxFuture<'a, Result<Option<String>>> {
        async move {
            let token = self.settle("acquire", self.client.acquire(key, ttl)).await?;
            Ok(token.as_string())
        }
        .boxed_local()
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> LocalBoxFuture<'a, Result<()>> {
        async move { self.settle("release", self.client.release(key, token)).await.map(drop) }.boxed_local()
    }
}

/// `sleep(ms)` from JS as a future of `seconds`.
pub fn sleeper(sleep: Function) -> crate::lease::Sleep {
    std::rc::Rc::new(move |seconds: f64| {
        let out = sleep.call1(&JsValue::UNDEFINED, &(seconds * 1000.0).into());
        async move {
            if let Ok(p) = out {
                let _ = settle(p).await;
            }
        }
        .boxed_local()
    })
}

/// A background runner from a JS function `(key, run) => …` that must call `run()` (which
/// returns the regeneration's promise), e.g. `(key, run) => ctx.waitUntil(run())`.
pub fn runner(f: Function) -> crate::region::Runner {
    std::rc::Rc::new(move |key: &str, work: LocalBoxFuture<'static, ()>| {
        let run = Closure::once_into_js(move || {
            super::executor::to_promise(async move {
                work.await;
                Ok(JsValue::UNDEFINED)
            })
        });
        // A runner that throws cannot fail the request that served the stale value.
        let _ = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(key), &run);
    })
}
