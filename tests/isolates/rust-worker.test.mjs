// The Rust API from a real workers-rs Worker (examples/rust-worker), built by
// scripts/build-rust-example.sh and run in workerd next to a JS Worker on the same KV.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Miniflare } from "miniflare";
import { bundle, workerOptions } from "../../scripts/workerd-harness.mjs";

let mf;

before(async () => {
  const readerDir = await bundle("kv-reader", "tests/isolates/workers/kv-reader.js");
  mf = new Miniflare({
    workers: [
      {
        name: "rust",
        ...workerOptions("examples/rust-worker", { kvNamespaces: { CACHE: "shared" }, compatibilityFlags: [] }),
      },
      { name: "reader", ...workerOptions(readerDir, { kvNamespaces: { CACHE: "shared" } }) },
    ],
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
});

async function get(name, path) {
  const res = await (await mf.getWorker(name)).fetch(`http://x${path}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

it("a Rust Worker caches through edgepile over worker::kv::KvStore: miss, then hit", async () => {
  const first = await get("rust", "/?n=5000");
  const second = await get("rust", "/?n=5000");
  assert.deepEqual(first, { cache: "miss", n: 5000, primesUpToN: 669 });
  assert.deepEqual(second, { cache: "hit", n: 5000, primesUpToN: 669 });
});

it("a JS Worker reads the Rust Worker's value from the same namespace: one stored format", async () => {
  await get("rust", "/?n=100");
  const read = await get("reader", "/?key=primes:100");
  assert.deepEqual(read, { value: { n: 100, count: 25 } });
});

it("a JS Worker reads the Rust Worker's Timestamp as a Date and its BigInt as a bigint", async () => {
  await get("rust", "/order?id=7");
  const read = await get("reader", "/?key=order:7");
  assert.deepEqual(read, {
    value: { id: 7, createdAt: { $date: "2023-11-14T22:13:20.123Z" }, total: { $bigint: "700000000000000000000" }, lines: ["tea"] },
  });
});

it("the Rust Worker reads a JS Worker's Date, BigInts, Set, Map and undefined into Rust types", async () => {
  await get("reader", "/write?key=from-js:1");
  const read = await get("rust", "/read?key=from-js:1");
  assert.deepEqual(read.typed, {
    createdAtMs: 1_700_000_000_123,
    small: 10,
    huge: String(2n ** 100n),
    tags: ["new", "sale"],
    prices: { tea: 2.5 },
    note: null,
  });
  // read as rmpv::Value, nothing is lost: the Date stays the timestamp extension
  assert.match(read.generic, /^\{"createdAt": \[-1, \[/);
});
