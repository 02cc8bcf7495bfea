//! GET /?n=20000 → the number of primes up to n, computed slowly once and then served from
//! Workers KV through an edgepile region; `"cache": "hit" | "miss"` says which.
//!
//! Values shared with JS Workers (tests/isolates/rust-worker.test.mjs):
//! - GET /order?id=7 caches an `Order` with a `Timestamp` (a JS `Date`) and a `BigInt` (a JS
//!   `bigint`), which a JS Worker reads from the same namespace;
//! - GET /read?key=… reads what a JS Worker cached there: a `Date`, `BigInt`s, a `Set`, a `Map`
//!   and an `undefined`, each into the Rust type that fits.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use edgepile::values::{BigInt, Timestamp};
use edgepile::workers_rs::KvBackend;
use edgepile::{CreateOptions, GetOptions, RegionBuilder, Ttl};
use futures::FutureExt;
use serde::{Deserialize, Serialize};
use worker::{event, Context, Env, Request, Response, Result};

#[derive(Clone, Serialize, Deserialize)]
struct Primes {
    n: u32,
    count: u32,
}

/// Written here, read by JS as `{ id, createdAt: Date, total: bigint, lines: [...] }`.
#[derive(Clone, Serialize, Deserialize)]
struct Order {
    id: u32,
    #[serde(rename = "createdAt")]
    created_at: Timestamp,
    total: BigInt,
    lines: Vec<String>,
}

/// What a JS Worker writes (tests/isolates/workers/kv-reader.js, /write).
#[derive(Clone, Serialize, Deserialize)]
struct FromJs {
    #[serde(rename = "createdAt")]
    created_at: Timestamp,
    small: i64,                   // a JS 10n: a BigInt that fits reads as an integer
    huge: BigInt,                 // a JS 2n ** 100n
    tags: Vec<String>,            // a JS Set
    prices: HashMap<String, f64>, // a JS Map
    note: Option<String>,         // a JS undefined
}

fn count_primes(n: u32) -> u32 {
    (2..=n).filter(|i| (2..).take_while(|d| d * d <= *i).all(|d| i % d != 0)).count() as u32
}

fn failed(e: edgepile::Error) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let url = req.url()?;
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    match url.path() {
        "/order" => {
            let id: u32 = param("id").and_then(|v| v.parse().ok()).unwrap_or(1);
            let region = RegionBuilder::new("orders").build(KvBackend::<Order>::shared(env.kv("CACHE")?));
            let order = Order {
                id,
                created_at: Timestamp::from_unix_millis(1_700_000_000_123.0),
                total: BigInt(i128::from(id) * 10_i128.pow(20)),
                lines: vec!["tea".into()],
            };
            let creator = Box::new(move || async move { Ok(order) }.boxed_local());
            region.get_or_create(&format!("order:{id}"), creator, CreateOptions::default()).await.map_err(failed)?;
            Response::from_json(&serde_json::json!({ "stored": format!("order:{id}") }))
        }
        "/read" => {
            let key = param("key").unwrap_or_default();
            let region = RegionBuilder::new("from-js").build(KvBackend::<FromJs>::shared(env.kv("CACHE")?));
            let any = RegionBuilder::new("any").build(KvBackend::<rmpv::Value>::shared(env.kv("CACHE")?));
            let read = region.get(&key, GetOptions::default()).await.map_err(failed)?;
            // Whatever JS wrote, rmpv::Value reads it: an extension it does not map stays one.
            let generic = any.get(&key, GetOptions::default()).await.map_err(failed)?;
            Response::from_json(&serde_json::json!({
                "typed": read.map(|v| serde_json::json!({
                    "createdAtMs": v.created_at.unix_millis(),
                    "small": v.small,
                    "huge": v.huge.0.to_string(),
                    "tags": v.tags,
                    "prices": v.prices,
                    "note": v.note,
                })),
                "generic": generic.map(|v| v.to_string()),
            }))
        }
        _ => primes(&url, env).await,
    }
}

async fn primes(url: &worker::Url, env: Env) -> Result<Response> {
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
    let value =
        region.get_or_create(&format!("primes:{n}"), creator, CreateOptions::default()).await.map_err(failed)?;
    Response::from_json(&serde_json::json!({
        "cache": if created.get() { "miss" } else { "hit" },
        "n": value.n,
        "primesUpToN": value.count,
    }))
}
