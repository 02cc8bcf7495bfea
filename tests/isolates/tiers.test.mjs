// Two tiers across isolates: eight Workers (isolates) in one workerd, each with its own L1, over
// one KV namespace, one LeaseCoordinator and one CoherenceCoordinator. Time is driven by the test
// (each request carries the region clock's `now`), so "within the interval" is exact.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requestJson, startIsolates } from "./harness.mjs";

const ISOLATES = 8;
let mf;
let apps;
let upstream;
let now = 1_700_000_000_000;

before(async () => {
  ({ mf, apps, upstream } = await startIsolates({
    script: "tests/isolates/workers/tiered.js",
    kv: "tiers-cache",
    durableObjects: { LEASES: "LeaseCoordinator", COHERENCE: "CoherenceCoordinator" },
    groups: { app: 8, hang: 1 },
  }));
});

after(async () => {
  await mf?.dispose();
});

const json = (worker, path) => requestJson(worker, `${path}${path.includes("?") ? "&" : "?"}now=${now}`);

const everyone = (path) => Promise.all(apps.map((app) => json(app, path)));
const advance = (seconds) => {
  now += seconds * 1000;
};
const creations = async () => (await json(upstream, "/count")).calls;

describe("an L1 in each of 8 isolates over one KV namespace", () => {
  it("after the first read, hits cost no KV read", async () => {
    await json(apps[0], "/get?key=l1");
    const before = await everyone("/counts");
    await everyone("/read?key=l1");
    const afterFirst = await everyone("/counts");
    for (let i = 0; i < 10; i++) await everyone("/get?key=l1");
    const afterHits = await everyone("/counts");
    afterHits.forEach((c, i) => {
      assert.equal(afterFirst[i].reads - before[i].reads, i === 0 ? 0 : 1, `isolate ${i}: one read to fill L1`);
      assert.equal(c.reads, afterFirst[i].reads, `isolate ${i}: 10 hits, 0 KV reads`);
      assert.ok(c.l1Hits >= 10);
    });
  });
});

describe("coherence across 8 isolates (interval 1 s)", () => {
  it("hard invalidation in isolate 0: every isolate's next call after the interval gets one new value, 1 creator call in all", async () => {
    const first = await json(apps[0], "/get?key=hard");
    await everyone("/get?key=hard");
    await json(upstream, "/reset");
    advance(1);
    await json(apps[0], "/invalidate?hard=1");
    advance(1);
    const results = await everyone("/get?key=hard&ms=200");
    const values = new Set(results.map((r) => JSON.stringify(r.value)));
    assert.equal(await creations(), 1);
    assert.equal(values.size, 1);
    assert.notDeepEqual(results[0].value, first.value);
  });

  it("soft invalidation: the stale value everywhere at once while exactly 1 regeneration runs", async () => {
    const old = (await json(apps[0], "/get?key=soft")).value;
    await everyone("/get?key=soft");
    await json(upstream, "/reset");
    advance(1);
    await json(apps[0], "/invalidate?hard=0");
    advance(1);
    const results = await everyone("/get?key=soft&ms=1000");
    assert.equal(await creations(), 1);
    const stale = results.filter((r) => JSON.stringify(r.value) === JSON.stringify(old));
    assert.equal(stale.length, ISOLATES - 1, "all but the one regenerating caller are served the stale value");
    for (const r of stale) assert.ok(r.ms < 800, `served stale at once (${r.ms} ms)`);
  });

  it("set and delete in isolate 0: every isolate serves the new value / a miss within the interval", async () => {
    await json(apps[0], "/set?key=sd&value=old");
    await json(apps[0], "/set?key=gone&value=x");
    advance(1); // KV takes one write per key per second (KvWrites holds a faster one)
    await everyone("/read?key=sd");
    await everyone("/read?key=gone");
    await json(apps[0], "/set?key=sd&value=new");
    await json(apps[0], "/delete?key=gone");
    advance(1);
    for (const r of await everyone("/read?key=sd")) assert.equal(r.value, "new");
    for (const r of await everyone("/read?key=gone")) assert.equal(r.value, null);
  });

  it("a coherence point that hangs: requests still answer within backendTimeout, every failure counted", async () => {
    const app = await mf.getWorker("hang0");
    const res = await app.fetch(`http://app/get?key=hang&point=hang&now=${now}`);
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.value.key, "hang");
    advance(1);
    const started = Date.now();
    const again = await (await app.fetch(`http://app/get?key=hang&point=hang&now=${now}`)).json();
    assert.ok(Date.now() - started < 1500, "bounded by backendTimeout (0.25 s) per check");
    assert.deepEqual(again.value, body.value);
    const counts = await (await app.fetch(`http://app/counts?point=hang&now=${now}`)).json();
    assert.ok(counts.backendErrors >= 2, `${counts.backendErrors} failures counted`);
  });
});
