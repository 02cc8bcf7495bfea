// Stampedes across isolates: eight copies of the application, each a Worker (an isolate) of its
// own in one workerd, sharing one KV namespace and one LeaseCoordinator Durable Object.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requestJson, startIsolates } from "./harness.mjs";

const ISOLATES = 8;
let mf;
let apps;
let upstream;

before(async () => {
  ({ mf, apps, upstream } = await startIsolates({
    script: "tests/isolates/workers/app.js",
    kv: "shared-cache",
    durableObjects: { LEASES: "LeaseCoordinator" },
  }));
});

after(async () => {
  await mf?.dispose();
});

const json = (worker, path) => requestJson(worker, path);

async function creations() {
  return (await json(upstream, "/count")).calls;
}

/** n concurrent cold requests for `key`, spread round-robin over the isolates. */
async function stampede(key, lock, n = 200, extra = "") {
  await json(upstream, "/reset");
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => json(apps[i % ISOLATES], `/get?key=${key}&lock=${lock}&ms=300${extra}`)),
  );
  const values = new Set(results.map((r) => JSON.stringify(r.value)));
  return { calls: await creations(), distinctValues: values.size };
}

describe("200 concurrent cold requests over 8 isolates", () => {
  it("with the Durable Object lease: exactly 1 creator call", async () => {
    const { calls, distinctValues } = await stampede("cold-do", "do");
    console.log(`  DO lease: ${calls} creator call(s)`);
    assert.equal(calls, 1);
    assert.equal(distinctValues, 1);
  });

  it("with KV lease keys (write-then-verify), in one location: 1 creator call, as no lease cannot", async () => {
    const { calls, distinctValues } = await stampede("cold-kv", "kv");
    console.log(`  KV leases: ${calls} creator call(s)`);
    assert.equal(calls, 1, `${calls} creator calls`);
    assert.equal(distinctValues, 1);
  });

  it("with KV lease keys and KV writes that take 30 ms to land: still 1 creator call (read-then-write made 8)", async () => {
    const { calls, distinctValues } = await stampede("cold-kv-slow", "kv", 200, "&kvWriteMs=30");
    console.log(`  KV leases, 30 ms writes: ${calls} creator call(s)`);
    assert.equal(calls, 1, `${calls} creator calls`);
    assert.equal(distinctValues, 1);
  });

  it("with KV lease keys and 30 ms KV writes, five rounds: every request answered (none cancelled as hung)", async () => {
    // Callers joining another request's work are kept alive by a timer; ended from that request's
    // context, it once stopped before the answer reached theirs (1 round in about 6).
    for (let round = 0; round < 5; round++) {
      const { distinctValues } = await stampede(`cold-kv-rounds-${round}`, "kv", 200, "&kvWriteMs=30");
      assert.equal(distinctValues, 1);
    }
  });

  it("without leases: one creation per isolate (in-isolate coalescing only)", async () => {
    const { calls } = await stampede("cold-none", "none");
    console.log(`  no lease: ${calls} creator call(s)`);
    // More than one: the bound the leases meet is one no lease can.
    assert.ok(calls > 1 && calls <= ISOLATES, `${calls}`);
  });
});

describe("lease holders that hang or die", () => {
  it("a holder hanging past lockTimeout does not block the others for longer", async () => {
    await json(upstream, "/reset");
    // isolate 0 takes the lease and its creator hangs for 8 s
    const hanging = json(apps[0], "/get?key=hang&lock=do&ms=8000&lockTimeout=1");
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const other = await json(apps[1], "/get?key=hang&lock=do&ms=50&lockTimeout=1");
    const waited = Date.now() - started;
    console.log(`  waited ${waited} ms with lockTimeout 1 s`);
    assert.ok(waited >= 900 && waited < 4000, `${waited}`);
    assert.equal(other.value.key, "hang");
    await hanging;
  });

  it("an expired lease is taken over", async () => {
    await json(upstream, "/reset");
    // a 1 s lease held by a creator that takes 6 s: it expires long before the creator ends
    const slow = json(apps[2], "/get?key=expire&lock=do&ms=6000&leaseTtl=1&lockTimeout=30");
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const next = await json(apps[3], "/get?key=expire&lock=do&ms=50&leaseTtl=1&lockTimeout=30");
    const waited = Date.now() - started;
    console.log(`  took over an expired lease after ${waited} ms (lockTimeout 30 s)`);
    assert.ok(waited < 5000, `${waited}`);
    assert.equal(next.value.key, "expire");
    await slow;
  });
});
