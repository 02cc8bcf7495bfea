// Tags across isolates: eight Workers, each with its own L1, over one KV namespace, one
// LeaseCoordinator and one CoherenceCoordinator (region object and tag shards). Time is driven
// by the test (each request carries the region clock's `now`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requestJson, startIsolates } from "./harness.mjs";

const ISOLATES = 8;
let mf;
let apps;
let upstream;
let now = 1_800_000_000_000;

before(async () => {
  ({ mf, apps, upstream } = await startIsolates({
    script: "tests/isolates/workers/tiered.js",
    kv: "tags-cache",
    durableObjects: { LEASES: "LeaseCoordinator", COHERENCE: "CoherenceCoordinator" },
    groups: { app: ISOLATES },
  }));
});

after(async () => {
  await mf?.dispose();
});

const json = (worker, path) => requestJson(worker, `${path}&now=${now}`);
const everyone = (path) => Promise.all(apps.map((app) => json(app, path)));
const creations = async () => (await (await upstream.fetch("http://u/count")).json()).calls;

describe("invalidating a tag in isolate 0", () => {
  for (const hard of [true, false]) {
    it(`${hard ? "hard" : "soft"}: exactly the tagged entries are regenerated, once across 8 isolates; the rest keep hitting`, async () => {
      const t = hard ? "h" : "s";
      const entries = { [`${t}-a`]: "group:1", [`${t}-b`]: "group:1,period:2", [`${t}-c`]: "period:2", [`${t}-d`]: "" };
      for (const [key, tags] of Object.entries(entries)) {
        await json(apps[0], `/get?key=${key}&tags=${tags}`);
        await everyone(`/get?key=${key}&tags=${tags}`);
      }
      // one more round after an interval: every isolate has seen every write, its L1 is warm
      now += 1000;
      for (const [key, tags] of Object.entries(entries)) await everyone(`/get?key=${key}&tags=${tags}`);
      const before = await everyone("/counts?");
      await upstream.fetch("http://u/reset");
      now += 1000;
      await json(apps[0], `/invalidate-tags?tags=group:1&hard=${hard ? 1 : 0}`);
      now += 1000;
      for (const [key, tags] of Object.entries(entries)) await everyone(`/get?key=${key}&tags=${tags}&ms=100`);
      // two tagged keys, one creation each across all isolates (the Durable Object lease)
      assert.equal(await creations(), 2);
      // the untagged and other-tag entries were L1 hits in every isolate: no KV read for them
      const after = await everyone("/counts?");
      after.forEach((c, i) => assert.ok(c.l1Hits - before[i].l1Hits >= 2, `isolate ${i}: ${c.l1Hits - before[i].l1Hits} L1 hits`));
    });
  }
});
