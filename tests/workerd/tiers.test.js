// Two tiers: an L1 in the isolate over a shared backend, and the coherence point that tells
// isolates what others wrote, deleted and invalidated. Two regions over one KV namespace stand
// for two isolates here (each has its own L1); tests/isolates/ runs the same with eight Workers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BackendError, makeRegion, NO_VALUE, ValidationError } from "../../src/js/workerd.js";
import { conformance } from "./conformance.js";
import { fakeClock, mapBackend, settle } from "./helpers.js";

const l1 = { maxEntries: 100, ttl: 30 };
conformance("cloudflare_kv + l1", {
  backend: "edgepile.cloudflare_kv",
  arguments: () => ({ namespace: env.CACHE }),
  persists: true,
  configure: { l1 },
});
conformance("cloudflare_cache + l1", {
  backend: "edgepile.cloudflare_cache",
  arguments: { cacheName: "tiers" },
  persists: true,
  configure: { l1 },
});
conformance("durable_object + l1", {
  backend: "edgepile.durable_object",
  arguments: () => ({ namespace: env.STORE, shards: 2 }),
  persists: true,
  configure: { l1 },
});
conformance("js object + l1", { backend: mapBackend, persists: true, configure: { l1 } });

/** A KV binding that counts reads and writes. */
function countingKv(inner) {
  const counts = { reads: 0, writes: 0, deletes: 0 };
  return {
    counts,
    get: (key, type) => {
      counts.reads += Array.isArray(key) ? key.length : 1;
      return inner.get(key, type);
    },
    put: (key, value, opts) => {
      counts.writes++;
      return inner.put(key, value, opts);
    },
    delete: (key) => {
      counts.deletes++;
      return inner.delete(key);
    },
  };
}

/** An in-memory coherence point (the pluggable form), shared by the "isolates" of a test. */
function memoryPoint({ logMax = Infinity } = {}) {
  const state = { version: 0, hard: 0, soft: 0, log: [] };
  const point = {
    calls: { changes: 0, publish: 0, invalidate: 0 },
    fail: false,
    async changes(region, since) {
      point.calls.changes++;
      if (point.fail) throw new Error("point down");
      // As coherence/log.js: null when changes after `since` have fallen off the log.
      const oldest = state.log.length > 0 ? state.log[0][0] : state.version + 1;
      const changes = since < oldest - 1 && since !== state.version ? null : state.log.filter(([v]) => v > since);
      return { version: state.version, hard: state.hard, soft: state.soft, changes };
    },
    async publish(region, keys) {
      point.calls.publish++;
      for (const k of keys) state.log.push([++state.version, k]);
      if (state.log.length > logMax) state.log.splice(0, state.log.length - logMax);
      return state.version;
    },
    async invalidate(region, hard, at) {
      point.calls.invalidate++;
      state[hard ? "hard" : "soft"] = Math.max(state[hard ? "hard" : "soft"], at);
      state.version++;
    },
  };
  return point;
}

let n = 0;
const unique = () => `tiers:${++n}`;

/** `count` regions ("isolates") over one counting KV namespace, one clock, one point. */
function isolates(count, { coherence, l1: tier = { maxEntries: 100, ttl: 30 }, prefix = unique() } = {}) {
  const clock = fakeClock();
  const kv = countingKv(env.CACHE);
  const regions = Array.from({ length: count }, () =>
    makeRegion({ name: prefix, clock, keyMangler: (k) => `${prefix}:${k}` }).configure("edgepile.cloudflare_kv", {
      expirationTime: 3600,
      arguments: { namespace: kv },
      l1: tier,
      ...(coherence ? { coherence: { namespace: coherence, interval: 1 } } : {}),
    }),
  );
  return { regions, clock, kv };
}

describe("an L1 over KV", () => {
  it("serves hits without a KV read after the first, on the synchronous path", async () => {
    const {
      regions: [r],
      kv,
    } = isolates(1);
    let made = 0;
    const creator = () => ({ v: ++made });
    expect(await r.getOrCreate("a", creator)).toEqual({ v: 1 });
    const reads = kv.counts.reads;
    for (let i = 0; i < 50; i++) expect(await r.getOrCreate("a", creator)).toEqual({ v: 1 });
    expect(kv.counts.reads - reads).toBe(0);
    expect(r.stats().l1Hits).toBe(50);
    expect(made).toBe(1);
  });

  it("fills on a read of a value another isolate stored, getMulti included", async () => {
    const {
      regions: [a, b],
      kv,
    } = isolates(2);
    await a.setMulti({ x: 1, y: 2 });
    const reads = kv.counts.reads;
    expect(await b.getMulti(["x", "y", "z"])).toEqual([1, 2, NO_VALUE]);
    expect(kv.counts.reads - reads).toBe(3);
    expect(await b.getMulti(["x", "y"])).toEqual([1, 2]);
    expect(await b.get("x")).toBe(1);
    expect(kv.counts.reads - reads).toBe(3);
  });

  it("is bounded by maxEntries", async () => {
    const {
      regions: [r],
      kv,
    } = isolates(1, { l1: { maxEntries: 3, ttl: 60 } });
    for (const k of ["a", "b", "c", "d"]) await r.set(k, k);
    const reads = kv.counts.reads;
    expect(await r.get("a")).toBe("a"); // evicted from L1: read from KV again
    expect(await r.get("d")).toBe("d");
    expect(kv.counts.reads - reads).toBe(1);
  });

  it("without coherence, serves another isolate's overwritten or deleted value for at most l1.ttl", async () => {
    const {
      regions: [a, b],
      clock,
    } = isolates(2, { l1: { maxEntries: 10, ttl: 5 } });
    await a.set("k", "old");
    clock.advance(1); // KV takes one write per key per second (KvWrites holds a faster one)
    expect(await b.get("k")).toBe("old");
    await a.set("k", "new");
    await a.delete("gone");
    clock.advance(5);
    expect(await b.get("k")).toBe("old"); // within l1.ttl
    clock.advance(0.001);
    expect(await b.get("k")).toBe("new");
    await b.get("d");
    await a.set("d", 1);
    await a.delete("d");
    expect(await b.get("d")).toBe(NO_VALUE);
  });

  it("a failed L2 write leaves nothing in L1", async () => {
    const clock = fakeClock();
    const failing = { get: () => null, put: () => Promise.reject(new Error("KV down")), delete: async () => {} };
    const r = makeRegion({ clock }).configure("edgepile.cloudflare_kv", { arguments: { namespace: failing }, l1: { ttl: 60 } });
    await expect(r.set("k", 1)).rejects.toBeInstanceOf(BackendError);
    expect(await r.get("k")).toBe(NO_VALUE);
  });

  it("refuses l1 where it makes no sense, and bad settings", () => {
    expect(() => makeRegion().configure("edgepile.memory", { l1: {} })).toThrow(ValidationError);
    expect(() => makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, l1: { ttl: 0 } })).toThrow(
      ValidationError,
    );
    expect(() =>
      makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, l1: { ttl: 1, size: 3 } }),
    ).toThrow(ValidationError);
    expect(() =>
      makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, coherence: { namespace: {} } }),
    ).toThrow(ValidationError);
  });
});

describe("coherence", () => {
  it("set and delete in one isolate: the others serve the new value, or a miss, within the interval", async () => {
    const point = memoryPoint();
    const {
      regions: [a, b],
      clock,
    } = isolates(2, { coherence: point });
    await a.set("k", "old");
    await a.set("gone", 1);
    clock.advance(1); // KV takes one write per key per second (KvWrites holds a faster one)
    expect(await b.get("k")).toBe("old");
    expect(await b.get("gone")).toBe(1);
    await a.set("k", "new");
    await a.delete("gone");
    expect(await b.get("k")).toBe("old"); // b checked less than an interval ago
    clock.advance(1);
    expect(await b.get("k")).toBe("new");
    expect(await b.get("gone")).toBe(NO_VALUE);
    expect(await a.get("k")).toBe("new");
  });

  it("an isolate whose own writes overflow the log keeps its L1; anyone else's writes among them drop it", async () => {
    const point = memoryPoint({ logMax: 4 });
    const {
      regions: [a, b],
      clock,
      kv,
    } = isolates(2, { coherence: point });
    await a.set("k", 1);
    expect(await a.get("k")).toBe(1); // a check: a is up to date
    for (let i = 0; i < 10; i++) await a.set(`mine${i}`, i);
    clock.advance(1);
    let reads = kv.counts.reads;
    expect(await a.get("k")).toBe(1);
    expect(kv.counts.reads - reads).toBe(0); // all 10 were a's own: L1 kept
    await b.set("theirs", 1);
    for (let i = 0; i < 10; i++) await a.set(`mine${i}`, i + 1);
    clock.advance(1);
    reads = kv.counts.reads;
    expect(await a.get("k")).toBe(1);
    expect(kv.counts.reads - reads).toBe(1); // b's write fell off the log with a's: L1 dropped
  });

  it("a key dropped by a check while a read of it is out is not kept from that read", async () => {
    const point = memoryPoint();
    const clock = fakeClock();
    const prefix = unique();
    let hold; // B's next KV read of the key answers what it read only when released
    const reads = [];
    const gated = {
      get: async (key, type) => {
        const gate = hold;
        const found = await env.CACHE.get(key, type);
        reads.push(key); // what KV held is read: the test writes only after this
        if (gate !== undefined) await gate;
        return found;
      },
      put: (key, value, opts) => env.CACHE.put(key, value, opts),
      delete: (key) => env.CACHE.delete(key),
    };
    const region = (namespace) =>
      makeRegion({ name: prefix, clock, keyMangler: (k) => `${prefix}:${k}` }).configure("edgepile.cloudflare_kv", {
        expirationTime: 3600,
        arguments: { namespace },
        l1: { maxEntries: 100, ttl: 30 },
        coherence: { namespace: point, interval: 1 },
      });
    const [a, b] = [region(env.CACHE), region(gated)];
    await a.set("k", "v1");
    let release;
    hold = new Promise((resolve) => {
      release = resolve;
    });
    clock.advance(2);
    const first = b.getOrCreate("k", () => "made"); // checks, misses L1, reads v1 from KV: held
    while (reads.length === 0) await settle();
    hold = undefined;
    await a.set("k", "v2"); // published: k is to be dropped everywhere
    clock.advance(2);
    expect(await b.get("other")).toBe(NO_VALUE); // B's check: k dropped (nothing in L1 yet)
    release();
    expect(await first).toBe("v1"); // that call read before the write
    expect(await b.getOrCreate("k", () => "made")).toBe("v2"); // not v1 from L1 for 30 s
  });

  it("a creation in one isolate is published too", async () => {
    const point = memoryPoint();
    const {
      regions: [a, b],
      clock,
    } = isolates(2, { coherence: point });
    await b.set("k", "b's");
    await a.getOrCreate("other", () => 1);
    await a.delete("k");
    expect(await a.getOrCreate("k", () => "a's")).toBe("a's");
    clock.advance(1);
    expect(await b.getOrCreate("k", () => "never")).toBe("a's");
  });

  it("a read out while this isolate deletes or sets the key puts nothing older in L1", async () => {
    const {
      regions: [writer, r],
    } = isolates(2);
    await writer.set("gone", "v1");
    const read = r.get("gone");
    await r.delete("gone");
    expect(await read).toBe("v1"); // answered before the delete
    expect(await r.get("gone")).toBe(NO_VALUE);
  });

  it("writes and deletes of one key in flight together: L1 and reads end as KV does", async () => {
    // KV puts wait for the test (`open`), and KV's one write a second waits on a timer it fires.
    const gates = [];
    const open = async () => {
      while (gates.length > 0) {
        gates.shift()();
        await settle();
      }
    };
    const kv = {
      get: (k, t) => env.CACHE.get(k, t),
      put: (k, v, o) => new Promise((resolve) => gates.push(() => resolve(env.CACHE.put(k, v, o)))),
      delete: (k) => env.CACHE.delete(k),
    };
    const timers = [];
    const sleep = () => new Promise((resolve) => timers.push(resolve));
    const fire = async () => {
      timers.splice(0).forEach((f) => f());
      await settle();
    };
    const prefix = unique();
    const r = makeRegion({ name: prefix, clock: fakeClock(), sleep, keyMangler: (k) => `${prefix}:${k}` }).configure(
      "edgepile.cloudflare_kv",
      { expirationTime: 3600, arguments: { namespace: kv }, l1: { maxEntries: 100, ttl: 30 } },
    );
    // A set in flight, then another held behind it: the first landing does not put itself in L1
    // over the second, which KV gets next.
    const first = r.set("a", "A");
    await settle();
    await r.set("a", "B"); // held: returns at once
    await open();
    await first;
    expect(await r.get("a")).toBe("B");
    await fire();
    await open();
    expect(await r.get("a")).toBe("B");
    // v1 written, v2 held then on its way, then a delete: from the delete on, the key is gone,
    // also for a read made while the delete waits for v2's write to settle.
    const written = r.set("b", "v1");
    await settle();
    await open();
    await written;
    await r.set("b", "v2"); // held
    await fire(); // v2 on its way, its put waiting
    const deleted = r.delete("b");
    expect(await r.get("b")).toBe(NO_VALUE);
    await open();
    await deleted;
    expect(await r.get("b")).toBe(NO_VALUE);
  });

  it("a write KV gets late (held for KV's one write a second) is told to every isolate again when it lands", async () => {
    const point = memoryPoint();
    const clock = fakeClock();
    const timers = [];
    const sleep = () => new Promise((resolve) => timers.push(resolve));
    const prefix = unique();
    const [a, b] = [0, 1].map(() =>
      makeRegion({ name: prefix, clock, sleep, keyMangler: (k) => `${prefix}:${k}` }).configure("edgepile.cloudflare_kv", {
        expirationTime: 3600,
        arguments: { namespace: env.CACHE },
        l1: { maxEntries: 100, ttl: 30 },
        coherence: { namespace: point, interval: 1 },
      }),
    );
    await a.set("k", "v1");
    await a.set("k", "v2"); // held: KV takes one write a second; published at once all the same
    clock.advance(1);
    expect(await b.getOrCreate("k", () => "never")).toBe("v1"); // told, but KV still has v1
    timers.splice(0).forEach((fire) => fire()); // the second passes: v2 lands in KV
    await settle();
    clock.advance(1);
    expect(await b.getOrCreate("k", () => "never")).toBe("v2"); // told again: not v1 for l1.ttl
  });

  it("hard invalidation in one isolate: every isolate's next call after the interval creates anew", async () => {
    const point = memoryPoint();
    const { regions, clock } = isolates(4, { coherence: point });
    let made = 0;
    const creator = () => ({ v: ++made });
    for (const r of regions) expect(await r.getOrCreate("k", creator)).toEqual({ v: 1 });
    clock.advance(1);
    await regions[0].invalidate(true);
    expect(await regions[0].getOrCreate("k", creator)).toEqual({ v: 2 }); // at once where invalidated
    clock.advance(1);
    for (const r of regions.slice(1)) expect(await r.getOrCreate("k", creator)).toEqual({ v: 2 });
    expect(made).toBe(2);
  });

  it("soft invalidation: the stale value is served while one caller regenerates", async () => {
    const point = memoryPoint();
    const {
      regions: [a, b],
      clock,
    } = isolates(2, { coherence: point });
    await a.getOrCreate("k", () => "v1");
    expect(await b.getOrCreate("k", () => "never")).toBe("v1");
    clock.advance(1);
    await a.invalidate(false);
    clock.advance(1);
    let release;
    const slow = new Promise((r) => (release = r));
    const regenerating = b.getOrCreate("k", () => slow.then(() => "v2")); // b regenerates (dogpile: it waits)
    expect(await b.getOrCreate("k", () => "never")).toBe("v1"); // others are served stale meanwhile
    release();
    expect(await regenerating).toBe("v2");
  });

  it("one check per interval, shared by concurrent calls", async () => {
    const point = memoryPoint();
    const {
      regions: [r],
      clock,
    } = isolates(1, { coherence: point });
    await r.set("k", 1);
    const before = point.calls.changes;
    await Promise.all(Array.from({ length: 20 }, () => r.get("k")));
    clock.advance(0.5);
    await r.get("k");
    expect(point.calls.changes - before).toBeLessThanOrEqual(1);
    clock.advance(1);
    await Promise.all(Array.from({ length: 20 }, () => r.get("k")));
    expect(point.calls.changes - before).toBeLessThanOrEqual(2);
  });

  it("a failing point: calls still answer, failures counted, no L1 value older than l1.ttl", async () => {
    const point = memoryPoint();
    const errors = [];
    const clock = fakeClock();
    const prefix = unique();
    const make = () =>
      makeRegion({ name: prefix, clock, keyMangler: (k) => `${prefix}:${k}`, onError: (e) => errors.push(e) }).configure(
        "edgepile.cloudflare_kv",
        {
          arguments: { namespace: env.CACHE },
          l1: { maxEntries: 10, ttl: 5 },
          coherence: { namespace: point, interval: 1 },
        },
      );
    const [a, b] = [make(), make()];
    await a.set("k", "old");
    clock.advance(1); // KV takes one write per key per second (KvWrites holds a faster one)
    expect(await b.get("k")).toBe("old");
    point.fail = true;
    await a.set("k", "new"); // published: the point still records
    clock.advance(1);
    expect(await b.get("k")).toBe("old"); // the check failed: L1 within its ttl
    expect(errors.some((e) => e instanceof BackendError)).toBe(true);
    expect(b.stats().backendErrors).toBeGreaterThanOrEqual(1);
    clock.advance(4.001);
    expect(await b.get("k")).toBe("new"); // past l1.ttl: from KV
  });

  /** A write in one region is seen by the other after one interval. */
  async function overwriteSeen({ regions: [a, b], clock }) {
    await a.set("k", "old");
    clock.advance(1); // KV takes one write per key per second (KvWrites holds a faster one)
    expect(await b.get("k")).toBe("old");
    await a.set("k", "new");
    clock.advance(1);
    expect(await b.get("k")).toBe("new");
  }

  it("over the CoherenceCoordinator Durable Object", async () => {
    const {
      regions: [a, b],
      clock,
    } = isolates(2, { coherence: env.COHERENCE });
    await overwriteSeen({ regions: [a, b], clock });
    let made = 0;
    await a.getOrCreate("c", () => ++made);
    await b.getOrCreate("c", () => ++made);
    clock.advance(1);
    await a.invalidate(true);
    clock.advance(1);
    expect(await b.getOrCreate("c", () => ++made)).toBe(2);
  });

  it("over a KV key, best effort", async () => {
    await overwriteSeen(isolates(2, { coherence: env.CACHE }));
  });
});
