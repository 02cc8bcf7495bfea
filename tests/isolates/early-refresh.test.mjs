// Early refresh across isolates: eight Workers (isolates) in one workerd over one KV namespace
// and one LeaseCoordinator, under constant load across many TTL periods. Time is driven by the
// test (each request carries `now`); creations take a real upstream round trip, their δ.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Miniflare } from "miniflare";
import { bundle, workerOptions } from "../../scripts/workerd-harness.mjs";

const ISOLATES = 8;
const TTL = 3; // seconds of test time
const PERIODS = 8;
const STEP = 0.02; // test seconds between rounds of one request per isolate
let mf;
let apps;
let now = 1_700_000_000_000;

before(async () => {
  const dir = await bundle("isolates-early", "tests/isolates/workers/early.js");
  const upstreamDir = await bundle("isolates-upstream", "tests/isolates/workers/upstream.js");
  mf = new Miniflare({
    workers: [
      { name: "upstream", ...workerOptions(upstreamDir) },
      ...Array.from({ length: ISOLATES }, (_, i) => ({
        name: `app${i}`,
        ...workerOptions(dir, {
          kvNamespaces: { CACHE: "early-cache" },
          durableObjects: { LEASES: i === 0 ? "LeaseCoordinator" : { className: "LeaseCoordinator", scriptName: "app0" } },
          serviceBindings: { UPSTREAM: "upstream" },
        }),
      })),
    ],
  });
  await mf.ready;
  apps = await Promise.all(Array.from({ length: ISOLATES }, (_, i) => mf.getWorker(`app${i}`)));
});

after(async () => {
  await mf?.dispose();
});

async function json(worker, path) {
  const res = await worker.fetch(`http://app${path}&now=${now}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

/** Constant load on `key` for PERIODS TTL periods after a warm-up; what every isolate saw. */
async function constantLoad(key, lock, beta) {
  const query = `key=${key}&lock=${lock}&beta=${beta}&ttl=${TTL}`;
  await json(apps[0], `/get?${query}`); // the first value, created once
  for (let i = 0; i < ISOLATES; i++) await json(apps[i], `/get?${query}`);
  await Promise.all(apps.map((app) => json(app, `/reset?${query}`)));
  const slow = [];
  const rounds = Math.round((PERIODS * TTL) / STEP);
  for (let r = 0; r < rounds; r++) {
    now += STEP * 1000;
    const results = await Promise.all(apps.map((app) => json(app, `/get?${query}`)));
    for (const res of results) if (res.ms > 15) slow.push(res.ms);
  }
  const counts = await Promise.all(apps.map((app) => json(app, `/counts?${query}`)));
  const sum = (f) => counts.reduce((n, c) => n + c[f], 0);
  const starts = counts.flatMap((c) => c.started).sort((a, b) => a - b);
  const gaps = starts.slice(1).map((t, i) => t - starts[i]);
  return { requests: rounds * ISOLATES, stale: sum("staleServed"), misses: sum("misses"), leaseWaits: sum("leaseWaits"), hits: sum("hits"), regenerations: starts.length, minGap: Math.min(...gaps), slow };
}

describe(`early refresh, 8 isolates, constant load across ${PERIODS} TTL periods`, () => {
  it("with the Durable Object lease: ≤ 1 regeneration per period, 0 stale, 0 waits", async () => {
    const r = await constantLoad("hot-do", "do", 2);
    console.log(`  DO lease: ${r.regenerations} regenerations over ${PERIODS} periods (closest two ${r.minGap.toFixed(2)} s apart), ${r.stale} stale, ${r.misses} waits, ${r.hits}/${r.requests} hits`);
    assert.equal(r.stale, 0, "no caller is served a stale value");
    assert.equal(r.misses + r.leaseWaits, 0, "no caller waits for a creation or a lease");
    assert.equal(r.hits, r.requests);
    assert.ok(r.regenerations >= PERIODS - 1, `${r.regenerations}: the value was refreshed every period`);
    // Two regenerations of one value would start within one creation's time of each other.
    assert.ok(r.minGap > TTL / 2, `regenerations ${r.minGap} s apart: more than one in a period`);
    assert.ok(r.regenerations <= PERIODS + 1, `${r.regenerations} regenerations`);
  });
});
