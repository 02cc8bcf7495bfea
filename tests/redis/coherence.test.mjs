// The coherence point on Redis (src/js/coherence/redis.js): the same answers as the Durable
// Object's state (log.js), and what one process does — set, delete, invalidate, invalidate
// tags — seen by the others: at their next call when pub/sub carries it, within the interval
// when it does not.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { describe, it } from "node:test";
import { RedisCoherence, makeRegion } from "../../src/js/node.js";
import { Coherence } from "../../src/js/coherence/point.js";
import {
  LOG_MAX,
  changesSince,
  emptyState,
  emptyTags,
  mark,
  markTags,
  record,
  shardAt,
  tagChangesSince,
} from "../../src/js/coherence/log.js";
import { fakeClock, key, useRedis } from "./helpers.mjs";

const redis = useRedis();

/** A RedisCoherence closed after the test. */
function point(t, options = {}) {
  const p = new RedisCoherence({ url: redis.server.url, ...options });
  t.after(() => p.close());
  return p;
}

describe("the state, as the Durable Object keeps it", () => {
  it("answers every `since` as log.js does, across publishes, marks, tag marks and a trimmed log", { timeout: 30_000 }, async (t) => {
    const p = point(t);
    const region = key("same");
    // The Durable Object's state: the coordinator applies log.js to it.
    const state = emptyState();
    const shardStates = new Map();
    const doTags = (shard, tags, hard, at) => {
      const s = shardStates.get(shard) ?? emptyTags();
      shardStates.set(shard, s);
      shardAt(state, shard, markTags(s, tags, hard, at));
      state.version++;
    };
    const steps = [
      async () => assert.equal(await p.publish(region, ["a", "b c"]), record(state, ["a", "b c"])),
      async () => {
        await p.invalidate(region, true, 100.25);
        mark(state, true, 100.25);
      },
      async () => {
        await p.invalidate(region, false, 50.5);
        mark(state, false, 50.5);
      },
      async () => {
        await p.invalidate(region, true, 10);
        mark(state, true, 10);
      }, // older: the mark stays
      async () => {
        await p.invalidateTags(region, 3, ["x", "y"], true, 7.5);
        doTags(3, ["x", "y"], true, 7.5);
      },
      async () => {
        await p.invalidateTags(region, 3, ["y"], false, 8.125);
        doTags(3, ["y"], false, 8.125);
      },
      async () => {
        await p.invalidateTags(region, 0, ["z"], false, 9);
        doTags(0, ["z"], false, 9);
      },
    ];
    const compare = async () => {
      const oldest = state.log[0]?.[0] ?? 0; // where "too far behind" begins
      for (const since of [0, 1, 2, oldest - 2, oldest - 1, oldest, state.version - 1, state.version, state.version + 1]) {
        assert.deepEqual(await p.changes(region, since), changesSince(state, since), `changes since ${since}`);
      }
      for (const [shard, s] of shardStates) {
        for (const since of [0, 1, s.version]) assert.deepEqual(await p.tagChanges(region, shard, since), tagChangesSince(s, since));
      }
    };
    for (const step of steps) {
      await step();
      await compare();
    }
    // Past LOG_MAX entries the oldest go: an asker that far behind learns it cannot know (null).
    const many = Array.from({ length: LOG_MAX + 10 }, (_, i) => `k${i}`);
    assert.equal(await p.publish(region, many), record(state, many));
    await compare();
    assert.equal((await p.changes(region, 1)).changes, null);
  });

  it("changes recorded at once by several connections all land (atomic, unlike a read-modify-write)", async (t) => {
    const points = [point(t), point(t), point(t), point(t)];
    const region = key("atomic");
    await Promise.all(points.flatMap((p, i) => Array.from({ length: 25 }, (_, j) => p.publish(region, [`${i}:${j}`]))));
    const { version, changes } = await points[0].changes(region, 0);
    assert.equal(version, 100);
    assert.equal(new Set(changes.map(([, k]) => k)).size, 100);
  });
});

describe("announcements (Coherence.nudge)", () => {
  it("make the next call check, except for versions already taken on and this region's own writes", async () => {
    let announce;
    const transport = {
      changes: async () => ({ version: 5, hard: 0, soft: 0, changes: [], shards: [] }),
      publish: async () => 7,
      invalidate: async () => {},
      watch: async (region, onChange) => {
        announce = onChange;
        return () => {};
      },
    };
    const c = new Coherence(transport, { region: "r", interval: 100, timeout: 1 });
    await c.sync(
      0,
      () => {},
      (e) => assert.fail(e),
    );
    assert.equal(typeof announce, "function", "subscribed at the first check");
    assert.equal(c.due(1), false);
    announce(5);
    assert.equal(c.due(1), false, "a version already taken on");
    await c.publish(["k"]);
    announce(7);
    assert.equal(c.due(1), false, "its own write");
    announce(8);
    assert.equal(c.due(1), true);
    await c.sync(
      1,
      () => {},
      (e) => assert.fail(e),
    );
    assert.equal(c.due(2), false);
    announce(undefined);
    assert.equal(c.due(2), true, "after a reconnection: announcements may have been lost");
  });
});

/** Two regions (two connections, as two processes have) over one Redis, sharing a clock. */
function pair(t, { pubsub = true, interval = 10 } = {}) {
  const clock = fakeClock();
  const regions = [0, 1].map(() =>
    makeRegion({ clock }).configure("edgepile.redis", {
      expirationTime: 3600,
      l1: { maxEntries: 100, ttl: 3600 },
      coherence: { namespace: point(t, { pubsub }), interval },
      arguments: { url: redis.server.url },
    }),
  );
  t.after(() => Promise.all(regions.map((r) => r.actualBackend.close())));
  return { regions, clock };
}

describe("with pub/sub cut: within the interval", () => {
  it("set and delete in one region: the other serves its L1 until the interval, then the new value or a miss", async (t) => {
    const {
      regions: [a, b],
      clock,
    } = pair(t, { pubsub: false });
    const k = key("setdel");
    assert.equal(await a.getOrCreate(k, () => "v1"), "v1");
    assert.equal(await b.getOrCreate(k, () => assert.fail("stored")), "v1");
    await a.set(k, "v2");
    clock.advance(9);
    assert.equal(await b.get(k), "v1", "no message, interval not over: L1 answers");
    clock.advance(1);
    assert.equal(await b.get(k), "v2");
    await a.delete(k);
    clock.advance(10);
    assert.equal(await b.getOrCreate(k, () => "v3"), "v3");
  });

  it("hard and soft invalidation, and tags, reach the other region at the interval", async (t) => {
    const {
      regions: [a, b],
      clock,
    } = pair(t, { pubsub: false });
    const [k, tagged, other] = [key("inv"), key("tagged"), key("other")];
    let made = 0;
    const creator = () => `v${++made}`;
    assert.equal(await b.getOrCreate(k, creator), "v1");
    assert.equal(await b.getOrCreate(tagged, creator, { tags: ["t"] }), "v2");
    assert.equal(await b.getOrCreate(other, creator, { tags: ["u"] }), "v3");
    clock.advance(10);
    assert.equal(await b.getOrCreate(tagged, creator), "v2"); // b checks now: the next check is 10 s away
    await a.invalidateTags(["t"]);
    assert.equal(await b.getOrCreate(tagged, creator), "v2", "before the interval");
    clock.advance(10);
    assert.equal(await b.getOrCreate(tagged, creator), "v4");
    assert.equal(await b.getOrCreate(other, creator), "v3", "another tag's entry keeps hitting");
    await a.invalidate(true);
    assert.equal(await b.getOrCreate(k, creator), "v1", "before the interval");
    clock.advance(10);
    assert.equal(await b.getOrCreate(k, creator), "v5");
    clock.advance(10);
    await a.invalidate(false);
    clock.advance(10);
    let release;
    const slow = new Promise((r) => (release = r));
    const regenerating = b.getOrCreate(k, () => slow.then(() => "v6")); // b regenerates (dogpile: it waits)
    assert.equal(await b.getOrCreate(k, () => assert.fail("one creation")), "v5", "others are served stale meanwhile");
    release();
    assert.equal(await regenerating, "v6");
  });
});

/** A forked process (coherence-process.mjs) and a request function to it. */
async function child(t) {
  const c = fork(new URL("./coherence-process.mjs", import.meta.url), [redis.server.url], { stdio: "inherit" });
  await new Promise((resolve, reject) => {
    c.once("message", (m) => (m.ready ? resolve() : reject(new Error("unexpected message"))));
    c.once("exit", (code) => reject(new Error(`the process exited early (${code})`)));
  });
  let next = 0;
  const ask = (op, k, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const onMessage = (m) => {
        if (m.id !== id) return;
        c.off("message", onMessage);
        if (m.error) reject(new Error(m.error));
        else resolve(m.value);
      };
      c.on("message", onMessage);
      c.send({ id, op, key: k, ...extra });
    });
  // Closed in order when it can be, killed when it cannot: a failed test leaves no process behind.
  t.after(async () => {
    if (c.connected) await Promise.race([ask("close").catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });
  return ask;
}

/**
 * Asks until `expected` comes back, for at most `ms` of real time: pub/sub delivery across
 * processes takes a moment, and nothing else can change the child's answer (its clock stands
 * still and its interval is an hour).
 */
async function eventually(ask, expected, ms = 2000) {
  const deadline = Date.now() + ms;
  let got;
  while ((got = await ask()) !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return got;
}

describe("with pub/sub: at the other process's next call", () => {
  it("set, delete, hard invalidation and tags in this process reach another process well within its hour-long interval", {
    timeout: 30_000,
  }, async (t) => {
    const ask = await child(t);
    const clock = fakeClock();
    const p = point(t);
    const here = makeRegion({ clock }).configure("edgepile.redis", {
      expirationTime: 3600,
      l1: { maxEntries: 100, ttl: 3600 },
      coherence: { namespace: p, interval: 3600 },
      arguments: { url: redis.server.url },
    });
    t.after(() => here.actualBackend.close());
    const [k, tagged] = [key("pubsub"), key("pubsub-tagged")];
    assert.equal(await here.getOrCreate(k, () => "v1"), "v1");
    assert.equal(await ask("getOrCreate", k), "v1");
    assert.equal(await ask("getOrCreate", tagged, { tags: ["t"] }), "made here 1");

    await here.set(k, "v2");
    assert.equal(await eventually(() => ask("get", k), "v2"), "v2");
    await here.delete(k);
    assert.equal(await eventually(() => ask("get", k), "<no value>"), "<no value>");
    assert.equal(await ask("getOrCreate", k), "made here 2");

    clock.advance(1); // invalidations cover entries created at or before their time
    await here.invalidateTags(["t"]);
    assert.equal(await eventually(() => ask("getOrCreate", tagged, { tags: ["t"] }), "made here 3"), "made here 3");
    await here.invalidate(true);
    assert.equal(await eventually(() => ask("getOrCreate", k), "made here 4"), "made here 4");
  });
});
