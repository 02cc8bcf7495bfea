//! GET /?n=20000 → the number of primes up to n, computed slowly once and then served from
//! Workers KV through an edgepile region; `"cache": "hit" | "miss"` says which.

use std::cell::Cell;
use std::rc::Rc;

use edgepile::workers_rs::KvBackend;
use edgepile::{CreateOptions, RegionBuilder, Ttl};
use futures::FutureExt;
use serde::{Deserialize, Serialize};
use worker::{event, Context, Env, Request, Response, Result};

#[derive(Clone, Serialize, Deserialize)]
struct Primes {
    n: u32,
    count: u32,
}

fn count_primes(n: u32) -> u32 {
    (2..=n).filter(|i| (2..).take_while(|d| d * d <= *i).all(|d| i % d != 0)).count() as u32
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let url = req.url()?;
    let n: u32 =
        url.query_pairs().find(|(k, _)| k == "n").and_then(|(_, v)| v.parse().ok()).unwrap_or(10_000).min(1_000_000);
    let region = RegionBuilder::new("rust-example")
        .ttl(Ttl::Seconds(300.0))
        .build(KvBackend::<Primes>::shared(env.kv("CACHE")?));
    let created = Rc::new(Cell::new(false));
    let flag = created.clone();
    let creator = Box::new(move || {
        flag.set(true);
        async move { Ok(Primes { n, count: count_primes(n) }) }.boxed_local()
    });
    let value = region
        .get_or_create(&format!("primes:{n}"), creator, CreateOptions::default())
        .await
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    Response::from_json(&serde_json::json!({
        "cache": if created.get() { "miss" } else { "hit" },
        "n": value.n,
        "primesUpToN": value.count,
    }))
}
