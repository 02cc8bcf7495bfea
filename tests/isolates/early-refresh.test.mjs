// Early refresh across isolates: eight Workers (isolates) in one workerd over one KV namespace
// and one LeaseCoordinator, under constant load across many TTL periods. Time is driven by the
// test (each request carries `now`, one STEP a round), and so is δ: a creation lasts CREATION of
// test time (plus at most a step), however fast the machine runs the rounds. XFetch then fires
// about β·δ·ln(hits per second · β·δ) ≈ 0.4 s before expiry, and before TTL / 2 with a chance
// of e^-15 per hit: a second regeneration of one value would start right after the first ends.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requestJson, startIsolates } from "./harness.mjs";

const ISOLATES = 8;
const TTL = 3; // seconds of test time
const PERIODS = 8;
const STEP = 0.02; // test seconds between rounds of one request per isolate
const CREATION = 0.06; // test seconds a creation takes
let mf;
let apps;
let now = 1_700_000_000_000;

before(async () => {
  ({ mf, apps } = await startIsolates({
    script: "tests/isolates/workers/early.js",
    kv: "early-cache",
    durableObjects: { LEASES: "LeaseCoordinator" },
  }));
});

after(async () => {
  await mf?.dispose();
});

const json = (worker, path) => requestJson(worker, `${path}&now=${now}`);

/** Constant load on `key` for PERIODS TTL periods after a warm-up; what every isolate saw. */
async function constantLoad(key, lock, beta) {
  const query = `key=${key}&lock=${lock}&beta=${beta}&ttl=${TTL}&d=${CREATION * 1000}`;
  // The first value, created once: its creation lasts until test time moves on.
  let created = false;
  const first = json(apps[0], `/get?${query}`).then(() => {
    created = true;
  });
  while (!created) {
    now += STEP * 1000;
    await json(apps[0], `/counts?${query}`);
  }
  await first;
  for (let i = 0; i < ISOLATES; i++) await json(apps[i], `/get?${query}`);
  await Promise.all(apps.map((app) => json(app, `/reset?${query}`)));
  const slow = [];
  const end = now + PERIODS * TTL * 1000;
  let rounds = 0;
  for (; now < end; rounds++) {
    now += STEP * 1000;
    const results = await Promise.all(apps.map((app) => json(app, `/get?${query}`)));
    for (const res of results) if (res.ms > 15) slow.push(res.ms);
  }
  const counts = await Promise.all(apps.map((app) => json(app, `/counts?${query}`)));
  const sum = (f) => counts.reduce((n, c) => n + c[f], 0);
  const starts = counts.flatMap((c) => c.started).sort((a, b) => a - b);
  const gaps = starts.slice(1).map((t, i) => t - starts[i]);
  return {
    requests: rounds * ISOLATES,
    stale: sum("staleServed"),
    misses: sum("misses"),
    leaseWaits: sum("leaseWaits"),
    hits: sum("hits"),
    regenerations: starts.length,
    minGap: Math.min(...gaps),
    slow,
  };
}

describe(`early refresh, 8 isolates, constant load across ${PERIODS} TTL periods`, () => {
  it("with the Durable Object lease: ≤ 1 regeneration per period, 0 stale, 0 waits", async () => {
    const r = await constantLoad("hot-do", "do", 1);
    console.log(
      `  DO lease: ${r.regenerations} regenerations over ${PERIODS} periods (closest two ${r.minGap.toFixed(2)} s apart), ${r.stale} stale, ${r.misses} waits, ${r.hits}/${r.requests} hits`,
    );
    assert.equal(r.stale, 0, "no caller is served a stale value");
    assert.equal(r.misses + r.leaseWaits, 0, "no caller waits for a creation or a lease");
    assert.equal(r.hits, r.requests);
    assert.ok(r.regenerations >= PERIODS - 1, `${r.regenerations}: the value was refreshed every period`);
    // Two regenerations of one value would start within one creation's time of each other.
    assert.ok(r.minGap > TTL / 2, `regenerations ${r.minGap} s apart: more than one in a period`);
    assert.ok(r.regenerations <= PERIODS + 1, `${r.regenerations} regenerations`);
  });
});
