// What a region costs in KV operations, counted by a wrapper around the binding. The README's
// table quotes these assertions.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BackendError, makeRegion, ValidationError } from "../../src/js/workerd.js";
import { deferred, fakeClock, settle } from "./helpers.js";

/** A KV binding that counts reads (single and bulk), writes and deletes, and can fail writes. */
function countingKv(inner) {
  const counts = { reads: 0, bulkReads: 0, writes: 0, deletes: 0 };
  let failWrites;
  const kv = {
    counts,
    failWritesWith(err) {
      failWrites = err;
    },
    get(key, type) {
      if (Array.isArray(key)) counts.bulkReads++;
      else counts.reads++;
      return inner.get(key, type);
    },
    put(key, value, opts) {
      counts.writes++;
      kv.lastPut = { key, opts };
      if (failWrites) return Promise.reject(failWrites);
      return inner.put(key, value, opts);
    },
    delete(key) {
      counts.deletes++;
      return inner.delete(key);
    },
  };
  return kv;
}

let n = 0;
const key = () => `cost:${++n}`;

function kvRegion(args = {}, options = {}, regionOptions = {}) {
  const kv = countingKv(env.CACHE);
  const region = makeRegion({ clock: fakeClock(), ...regionOptions }).configure("edgepile.cloudflare_kv", {
    expirationTime: 300,
    ...options,
    arguments: { namespace: kv, ...args },
  });
  return { kv, region };
}

describe("KV operations per call", () => {
  it("a hit is exactly 1 read and 0 writes", async () => {
    const { kv, region } = kvRegion();
    const k = key();
    await region.getOrCreate(k, () => "v");
    kv.counts.reads = kv.counts.writes = 0;
    expect(await region.getOrCreate(k, () => "other")).toBe("v");
    expect(kv.counts).toEqual({ reads: 1, bulkReads: 0, writes: 0, deletes: 0 });
  });

  it("a cold miss is 1 read and 1 write", async () => {
    const { kv, region } = kvRegion();
    await region.getOrCreate(key(), () => "v");
    expect(kv.counts).toEqual({ reads: 1, bulkReads: 0, writes: 1, deletes: 0 });
  });

  it("a cold miss with the Durable Object lease: still 1 read and 1 write (the lease lives in the DO)", async () => {
    const { kv, region } = kvRegion({ lockNamespace: env.LEASES });
    await region.getOrCreate(key(), () => "v");
    expect(kv.counts).toEqual({ reads: 1, bulkReads: 0, writes: 1, deletes: 0 });
  });

  it("a cold miss with KV leases: 4 reads, 2 writes, 1 delete", async () => {
    const { kv, region } = kvRegion({ distributedLock: true }, {}, { sleep: () => Promise.resolve() });
    await region.getOrCreate(key(), () => "v");
    // value read + lease read; lease write; lease read-back (verify); value write;
    // release: lease read + delete
    expect(kv.counts).toEqual({ reads: 4, bulkReads: 0, writes: 2, deletes: 1 });
  });

  it("with KV leases, a value key that would be another key's lease key is refused", async () => {
    const { kv, region } = kvRegion({ distributedLock: true }, {}, { sleep: () => Promise.resolve() });
    const victim = key();
    await expect(region.set(`edgepile-lock:${victim}`, { token: "forged", expires: 9e15 })).rejects.toBeInstanceOf(ValidationError);
    await expect(region.get(`edgepile-lock:${victim}`)).rejects.toBeInstanceOf(ValidationError);
    await expect(region.getOrCreate(`edgepile-lock:${victim}`, () => 1)).rejects.toBeInstanceOf(ValidationError);
    expect(kv.counts.writes).toBe(0);
    expect(await region.getOrCreate(victim, () => "v")).toBe("v"); // its lease was free
    const own = kvRegion({ distributedLock: true, lockPrefix: "L|" }, {}, { sleep: () => Promise.resolve() });
    await expect(own.region.set("L|x", 1)).rejects.toBeInstanceOf(ValidationError);
    await own.region.set("edgepile-lock:x", 1); // not reserved under another prefix
    expect(() => kvRegion({ distributedLock: true, lockPrefix: "" })).toThrow(ValidationError);
    await kvRegion().region.set(`edgepile-lock:${victim}`, 1); // without KV leases, an ordinary key
  });

  it("with KV leases, a key that leaves no room for lockPrefix: the error names the prefix and the room left", async () => {
    const errors = [];
    const { region } = kvRegion({ distributedLock: true }, {}, { sleep: () => Promise.resolve(), onError: (e) => errors.push(e) });
    const long = `${key()}:`.padEnd(505, "x"); // a valid KV key, but not with "edgepile-lock:" before it
    expect(await region.getOrCreate(long, () => "v")).toBe("v"); // created, without the lease
    const [err] = errors;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/lockPrefix "edgepile-lock:".*keep keys to 498 bytes/);
  });

  it("100 concurrent cold calls in one isolate: 1 read, 1 creator call, 1 write", async () => {
    const { kv, region } = kvRegion();
    const k = key();
    let calls = 0;
    const values = await Promise.all(Array.from({ length: 100 }, () => region.getOrCreate(k, async () => `v${++calls}`)));
    expect(calls).toBe(1);
    expect(new Set(values)).toEqual(new Set(["v1"]));
    expect(kv.counts).toEqual({ reads: 1, bulkReads: 0, writes: 1, deletes: 0 });
  });

  it("getMulti is one binary read per key, all at once (billed as a bulk read is: per key)", async () => {
    const { kv, region } = kvRegion();
    const keys = Array.from({ length: 250 }, () => key());
    await region.setMulti(Object.fromEntries(keys.slice(0, 3).map((k, i) => [k, i])));
    kv.counts.writes = 0;
    const values = await region.getMulti(keys);
    expect(values.slice(0, 3)).toEqual([0, 1, 2]);
    expect(kv.counts.bulkReads).toBe(0);
    expect(kv.counts.reads).toBe(250);
    const created = await region.getOrCreateMulti(keys.slice(0, 5), (...missing) => missing.map((m) => m.length));
    expect(created.slice(0, 3)).toEqual([0, 1, 2]);
    expect(kv.counts.reads).toBe(255);
  });
});

describe("KV limits and failures", () => {
  it("writes carry an expirationTtl covering expiry plus stale serving, never under 60 s", async () => {
    const { kv, region } = kvRegion();
    await region.set(key(), 1);
    expect(kv.lastPut.opts).toEqual({ expirationTtl: 600 });
    await region.getOrCreate(key(), () => 1, { expirationTime: 5 });
    expect(kv.lastPut.opts).toEqual({ expirationTtl: 65 });
    await region.getOrCreate(key(), () => 1, { expirationTime: -1 });
    expect(kv.lastPut.opts).toBeUndefined();
    const { kv: kv2, region: r2 } = kvRegion({ staleTtl: 1000 });
    await r2.set(key(), 1);
    expect(kv2.lastPut.opts).toEqual({ expirationTtl: 1300 });
  });

  it("a region's staleIfError keeps values that long past expiry, when it is the longer window", async () => {
    const { kv, region } = kvRegion({}, { expirationTime: 60, staleIfError: 600 });
    await region.set(key(), 1);
    expect(kv.lastPut.opts).toEqual({ expirationTtl: 660 });
    const { kv: kv2, region: r2 } = kvRegion({ staleTtl: 1000 }, { expirationTime: 60, staleIfError: 600 });
    await r2.set(key(), 1);
    expect(kv2.lastPut.opts).toEqual({ expirationTtl: 1060 });
  });

  it("a value past expiry is served while its creator fails, for the region's whole staleIfError", async () => {
    const clock = fakeClock();
    const { region } = kvRegion({}, { expirationTime: 60, staleIfError: 600 }, { clock });
    const k = key();
    await region.set(k, "kept");
    clock.advance(500); // past expiry, past the default stale window (60 s), within staleIfError
    const failing = () => {
      throw new Error("source down");
    };
    expect(await region.getOrCreate(k, failing)).toBe("kept");
  });

  it("keys over 512 bytes are refused with the way out; a mangler makes them fit", async () => {
    const { region } = kvRegion();
    const long = "k".repeat(600);
    const err = await region.set(long, 1).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain("lengthConditionalMangler(512, sha256MangleKey)");
    const { lengthConditionalMangler, sha256MangleKey } = await import("../../src/js/workerd.js");
    const { region: mangled } = kvRegion({}, {}, { keyMangler: lengthConditionalMangler(512, sha256MangleKey) });
    await mangled.set(long, 1);
    expect(await mangled.get(long)).toBe(1);
  });

  it("a write that gets 429s after creation: the value is returned, the write retried in the background, then dropped and reported as a BackendError with the cause", async () => {
    const reported = [];
    const { kv, region } = kvRegion({}, {}, { onError: (e) => reported.push(e), sleep: () => Promise.resolve() });
    const tooMany = new Error("KV PUT failed: 429 Too Many Requests");
    kv.failWritesWith(tooMany);
    expect(await region.getOrCreate(key(), () => "created")).toBe("created");
    await settle();
    expect(kv.counts.writes).toBe(5);
    expect(region.stats()).toMatchObject({ retriedWrites: 4, droppedWrites: 1 });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(BackendError);
    expect(reported[0].cause.message).toContain("429");
    expect(reported[0].cause.cause).toBe(tooMany);
    await expect(region.set(key(), 1)).resolves.toBeUndefined(); // its value exists: a 429 fails no caller
  });
});

describe("background regeneration through ctx.waitUntil", () => {
  it("a stale value is returned at once; exactly one regeneration per stale window", async () => {
    const clock = fakeClock();
    const kv = countingKv(env.CACHE);
    const region = makeRegion({ clock }).configure("edgepile.cloudflare_kv", {
      expirationTime: 10,
      arguments: { namespace: kv, lockNamespace: env.LEASES },
    });
    const k = key();
    let calls = 0;
    const gate = deferred();
    const creator = async () => {
      calls++;
      if (calls > 1) await gate.promise;
      return `v${calls}`;
    };
    await region.getOrCreate(k, creator);
    clock.advance(11);
    const ctx = createExecutionContext();
    const view = region.withContext(ctx);
    const served = await Promise.all(Array.from({ length: 20 }, () => view.getOrCreate(k, creator)));
    expect(served.every((v) => v === "v1")).toBe(true); // nobody waited for the regeneration
    await settle();
    expect(calls).toBe(2);
    // later requests in the same stale window: still stale, no second regeneration
    expect(await region.getOrCreate(k, creator, { ctx })).toBe("v1");
    gate.resolve();
    await waitOnExecutionContext(ctx);
    expect(calls).toBe(2);
    expect(await region.getOrCreate(k, creator)).toBe("v2");
  });

  it("a function cached through withContext(ctx) has its stale values regenerated through ctx too", async () => {
    const clock = fakeClock();
    const region = makeRegion({ clock }).configure("edgepile.memory", { expirationTime: 10 });
    const waited = [];
    const ctx = { waitUntil: (p) => waited.push(p) };
    let n = 0;
    const load = region.withContext(ctx).cacheOnArguments(function load(id) {
      n++;
      return { id, n };
    });
    expect(await load(1)).toEqual({ id: 1, n: 1 });
    clock.advance(11);
    expect(await load(1)).toEqual({ id: 1, n: 1 }); // stale, served at once
    expect(waited.length).toBeGreaterThanOrEqual(1);
    await Promise.all(waited);
    expect(await load(1)).toEqual({ id: 1, n: 2 });
  });

  it("asyncCreationRunner receives (region, key, run, lease) as dogpile's does", async () => {
    const clock = fakeClock();
    const runs = [];
    const region = makeRegion({
      clock,
      asyncCreationRunner: (r, k, run, lease) => runs.push({ r, k, lease, done: run() }),
    }).configure("edgepile.memory", { expirationTime: 10 });
    await region.getOrCreate("k", () => "old");
    clock.advance(11);
    expect(await region.getOrCreate("k", () => "new")).toBe("old");
    expect(runs).toHaveLength(1);
    expect(runs[0].r).toBe(region);
    expect(runs[0].k).toBe("k");
    await runs[0].done;
    expect(await region.getOrCreate("k", () => "newer")).toBe("new");
  });
});
