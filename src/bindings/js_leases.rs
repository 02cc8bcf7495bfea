//! Leases and timers provided by the JS layer: a lease client object with
//! `acquire(key, ttlSeconds) → token | null` and `release(key, token)` (the Durable Object
//! coordinator or KV lease keys), and `sleep(ms)`.

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::callbacks::settle;
use super::errors::from_backend_js;
use crate::error::{Error, Result};
use crate::lease::Leases;

pub struct JsLeases {
    client: JsValue,
}

impl JsLeases {
    pub fn new(client: JsValue) -> Self {
        JsLeases { client }
    }

    async fn call(&self, method: &str, args: [JsValue; 2]) -> Result<JsValue> {
        let f = js_sys::Reflect::get(&self.client, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| Error::validation(format!("the lease client has no {method}() method")))?;
        let out = f.call2(&self.client, &args[0], &args[1]).map_err(from_backend_js)?;
        settle(out).await.map_err(from_backend_js)
    }
}

impl Leases for JsLeases {
    fn acquire<'a>(&'a self, key: &'a str, ttl: f64) -> LocalBoxFuture<'a, Result<Option<String>>> {
        async move {
            let token = self.call("acquire", [key.into(), ttl.into()]).await?;
            Ok(token.as_string())
        }
        .boxed_local()
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> LocalBoxFuture<'a, Result<()>> {
        async move { self.call("release", [key.into(), token.into()]).await.map(drop) }.boxed_local()
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
            wasm_bindgen_futures::future_to_promise(async move {
                work.await;
                Ok(JsValue::UNDEFINED)
            })
        });
        // A runner that throws cannot fail the request that served the stale value.
        let _ = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(key), &run);
    })
}
