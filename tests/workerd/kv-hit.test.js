// A plain getOrCreate's fresh hit over KV (and any store whose reads return bytes) is judged by
// the core from the read's bytes alone (RegionCore.readHit), without the rest of the
// get-or-create. It must decide exactly as the whole way does: these pin what it may serve,
// what it counts and reports, and what it must leave to the whole way.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BackendError, makeRegion, prefixMangler, ValidationError } from "../../src/js/workerd.js";
import { deferred, fakeClock, settle } from "./helpers.js";

let n = 0;
const key = () => `hit:${++n}`;

function kvRegion(options = {}, regionOptions = {}, args = {}) {
  const clock = fakeClock();
  const region = makeRegion({ clock, ...regionOptions }).configure("edgepile.cloudflare_kv", {
    expirationTime: 60,
    ...options,
    arguments: { namespace: env.CACHE, ...args },
  });
  return { clock, region };
}

/** The test KV namespace with `get` replaced. */
const withGet = (get) => ({ get, put: env.CACHE.put.bind(env.CACHE), delete: env.CACHE.delete.bind(env.CACHE) });

/** The test KV namespace, its reads counted. */
function countingKv() {
  const kv = withGet((...a) => {
    kv.reads++;
    return env.CACHE.get(...a);
  });
  kv.reads = 0;
  return kv;
}

const counter = () => {
  const c = { calls: 0 };
  c.create = () => `v${++c.calls}`;
  return c;
};

describe("a plain KV hit", () => {
  it("is served, counted once and reported under the mangled key", async () => {
    const mangle = prefixMangler("app:");
    const { region } = kvRegion({}, { keyMangler: mangle });
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    const events = [];
    region.on("*", (e) => events.push(`${e.type}:${e.key}`));
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    expect(c.calls).toBe(1);
    expect(region.stats()).toMatchObject({ hits: 2, misses: 1 });
    expect(events).toEqual([`hit:${mangle(k)}`, `hit:${mangle(k)}`]);
    expect(await env.CACHE.get(mangle(k), "arrayBuffer")).not.toBeNull();
  });

  it("past its expiration is not served: the creator makes the next value", async () => {
    const { clock, region } = kvRegion({ expirationTime: 10 });
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    clock.advance(9);
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    clock.advance(2);
    expect(await region.getOrCreate(k, c.create)).toBe("v2");
    expect(c.calls).toBe(2);
    expect(region.stats().hits).toBe(1);
  });

  it("after invalidate(), hard or soft, is not served as fresh", async () => {
    const { clock, region } = kvRegion();
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    clock.advance(1);
    region.invalidate();
    expect(await region.getOrCreate(k, c.create)).toBe("v2");
    clock.advance(1);
    region.invalidate(false);
    // Soft: the old value may be served while one call regenerates; never counted as a hit.
    await region.getOrCreate(k, c.create);
    await settle();
    expect(c.calls).toBe(3);
    expect(region.stats().hits).toBe(0);
  });

  it("of another valueVersion is not served", async () => {
    const k = key();
    const c = counter();
    const { region: v1 } = kvRegion({ valueVersion: 1 });
    await v1.getOrCreate(k, c.create);
    const { region: v2 } = kvRegion({ valueVersion: 2 });
    expect(await v2.getOrCreate(k, c.create)).toBe("v2");
    expect(v2.stats()).toMatchObject({ hits: 0, misses: 1 });
    expect(await v2.getOrCreate(k, c.create)).toBe("v2");
    expect(v2.stats().hits).toBe(1);
  });

  it("whose tag was invalidated is not served", async () => {
    const { clock, region } = kvRegion();
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create, { tags: ["org:1"] });
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    clock.advance(1);
    await region.invalidateTags(["org:1"]);
    expect(await region.getOrCreate(k, c.create)).toBe("v2");
  });

  it("goes through the region's value check, which can refuse it", async () => {
    let refuse = false;
    const seen = [];
    const { region } = kvRegion({
      checkValue: (value) => {
        seen.push(value);
        return !refuse;
      },
    });
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    refuse = true;
    expect(await region.getOrCreate(k, c.create)).toBe("v2");
    expect(seen).toContain("v1");
  });

  it("with early refresh, a hit may still start a regeneration", async () => {
    const background = [];
    const { clock, region } = kvRegion(
      { expirationTime: 10, earlyRefresh: { beta: 1 } },
      { random: () => 1e-12, asyncCreationRunner: (_r, _k, run) => background.push(run()) },
    );
    const k = key();
    const c = counter();
    await region.getOrCreate(k, async () => {
      clock.advance(1); // the creation takes a second of the region's clock: δ = 1
      return c.create();
    });
    clock.advance(5);
    expect(await region.getOrCreate(k, c.create)).toBe("v1"); // served, and the draw fired
    await Promise.all(background);
    expect(c.calls).toBe(2);
  });

  it("a write of the key that lands while the read is out: the value is read again, never the older one served", async () => {
    let hold;
    const holding = withGet(async (...a) => {
      const found = await env.CACHE.get(...a);
      if (hold !== undefined) await hold.promise;
      return found;
    });
    const { clock, region } = kvRegion({}, {}, { namespace: holding });
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    clock.advance(2); // KV's one write per second per key has passed
    hold = deferred();
    const pending = region.getOrCreate(k, c.create); // reads v1…
    await settle();
    await region.set(k, "written"); // …while this lands
    const release = hold;
    hold = undefined;
    release.resolve();
    expect(await pending).toBe("written");
    expect(c.calls).toBe(1);
  });

  it("a value written by this isolate and held back by KvWrites is what the next call gets", async () => {
    const { region } = kvRegion();
    const k = key();
    await region.set(k, "first");
    await region.set(k, "second"); // within KV's second: held, served meanwhile
    expect(await region.getOrCreate(k, () => "created")).toBe("second");
  });

  it("a KV read that fails reaches the caller as a BackendError with the cause, once", async () => {
    const cause = new Error("KV is down");
    const failing = withGet(() => Promise.reject(cause));
    const { region } = kvRegion({}, {}, { namespace: failing });
    const errors = [];
    region.on("backendError", (e) => errors.push(e.error));
    const k = key();
    const error = await region.getOrCreate(k, () => "v").catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toContain(JSON.stringify(k));
    expect(error.cause).toBe(cause);
    expect(errors).toHaveLength(1);
  });

  it("a KV get that throws synchronously is a failed read too", async () => {
    const cause = new Error("thrown at once");
    const throwing = withGet(() => {
      throw cause;
    });
    const { region } = kvRegion({}, {}, { namespace: throwing });
    const k = key();
    const error = await region.getOrCreate(k, () => "v").catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toContain(`KV read of ${JSON.stringify(k)} failed`);
    expect(error.cause).toBe(cause);
  });

  it("a KV answer that is no ArrayBuffer is a failed read, reported as one", async () => {
    const odd = withGet(async () => 1n);
    const { region } = kvRegion({}, {}, { namespace: odd });
    const errors = [];
    region.on("backendError", (e) => errors.push(e.error));
    const k = key();
    const error = await region.getOrCreate(k, () => "v").catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toContain(`KV read of ${JSON.stringify(k)} failed`);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(errors).toHaveLength(1);
  });

  it("a stand-in namespace that answers at once (no Promise) reads as KV does", async () => {
    const stored = new Map();
    const direct = {
      get: (k) => stored.get(k) ?? null,
      put: async (k, v) => void stored.set(k, new Uint8Array(v).slice().buffer),
      delete: async (k) => void stored.delete(k),
    };
    const { region } = kvRegion({}, {}, { namespace: direct });
    const k = key();
    const c = counter();
    expect(await region.getOrCreate(k, c.create)).toBe("v1"); // null: a miss, created
    expect(await region.getOrCreate(k, c.create)).toBe("v1"); // the ArrayBuffer: a hit
    expect(c.calls).toBe(1);
    expect(region.stats()).toMatchObject({ hits: 1, misses: 1, backendErrors: 0 });
  });

  it("concurrent plain calls of a warm key share one KV read, each counted as a hit", async () => {
    const counting = countingKv();
    const { region } = kvRegion({}, {}, { namespace: counting });
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    counting.reads = 0;
    const values = await Promise.all([1, 2, 3].map(() => region.getOrCreate(k, c.create)));
    expect(values).toEqual(["v1", "v1", "v1"]);
    expect(counting.reads).toBe(1);
    expect(c.calls).toBe(1);
    expect(region.stats()).toMatchObject({ hits: 3, misses: 1 });
  });

  it("one read per key in flight, also after reads of a thousand other keys", async () => {
    // Kept in the isolate, so the thousand creations take milliseconds.
    const reads = new Map();
    const stored = new Map();
    let hold;
    const holding = {
      async get(k) {
        reads.set(k, (reads.get(k) ?? 0) + 1);
        const found = stored.get(k)?.slice(0) ?? null;
        if (k === held && hold !== undefined) await hold.promise;
        return found;
      },
      put: async (k, v) => void stored.set(k, new Uint8Array(v).slice().buffer),
      delete: async (k) => void stored.delete(k),
    };
    const { region } = kvRegion({}, {}, { namespace: holding });
    const held = key();
    const c = counter();
    await region.getOrCreate(held, c.create);
    hold = deferred();
    const first = region.getOrCreate(held, c.create); // its read is out…
    await settle();
    for (let i = 0; i < 1100; i++) await region.getOrCreate(`${held}:other:${i}`, () => i); // …while these come and go
    const second = region.getOrCreate(held, c.create); // joins it
    hold.resolve();
    expect(await Promise.all([first, second])).toEqual(["v1", "v1"]);
    expect(reads.get(held)).toBe(2); // the creation's, then the one shared read
  }, 30_000);

  it("a hit listener that calls getOrCreate of the same key gets the value too", async () => {
    const { region } = kvRegion();
    const k = key();
    const c = counter();
    await region.getOrCreate(k, c.create);
    const nested = [];
    const off = region.on("hit", () => {
      off();
      nested.push(region.getOrCreate(k, c.create));
    });
    expect(await region.getOrCreate(k, c.create)).toBe("v1");
    expect(nested).toHaveLength(1);
    expect(await nested[0]).toBe("v1");
    expect(c.calls).toBe(1);
  });

  it("a key KV refuses is a ValidationError, before any read", async () => {
    const counting = countingKv();
    const { region } = kvRegion({}, {}, { namespace: counting });
    const error = await region.getOrCreate("x".repeat(513), () => "v").catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(counting.reads).toBe(0);
  });

  it("bytes that are not an edgepile value are reported and created over, never served", async () => {
    const { region } = kvRegion();
    const k = key();
    await env.CACHE.put(k, new Uint8Array([0x92, 0xc1, 0xc1]));
    const errors = [];
    region.on("backendError", (e) => errors.push(e.error));
    expect(await region.getOrCreate(k, () => "made")).toBe("made");
    expect(errors).toHaveLength(1);
  });
});
