// checkValue, migrate and valueVersion (issue 16): a stored value that fails the check is a miss,
// regenerated under the lock and overwritten; migrate's new value is stored; the check runs once
// per read from a shared backend, never on a memory hit; entries of another valueVersion are
// misses. Creator calls are counted throughout.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { decodeCachedValue, makeRegion, NO_VALUE, ValidationError } from "../../src/js/workerd.js";
import { deferred, fakeClock } from "./helpers.js";

let unique = 0;
const key = (name) => `check:${name}:${++unique}`;
const kv = (options = {}, regionOptions = {}) =>
  makeRegion(regionOptions).configure("edgepile.cloudflare_kv", { expirationTime: 300, arguments: { namespace: env.CACHE }, ...options });

/** A creator that counts its calls and returns what `make(n)` gives for the nth. */
function counted(make) {
  const creator = () => make(++creator.calls);
  creator.calls = 0;
  return creator;
}

/** What KV holds under `k`, decoded. */
async function stored(k) {
  return decodeCachedValue(new Uint8Array(await env.CACHE.get(k, "arrayBuffer")));
}

const isV2 = (v) => v !== null && typeof v === "object" && v.shape === 2;

describe("checkValue", () => {
  it("a stored value that fails is a miss: the creator runs once and its value overwrites it", async () => {
    const k = key("fail");
    await kv().set(k, { shape: 1 });
    const region = kv({ checkValue: isV2 });
    const creator = counted(() => ({ shape: 2 }));
    expect(await region.getOrCreate(k, creator)).toEqual({ shape: 2 });
    expect(creator.calls).toBe(1);
    expect((await stored(k)).payload).toEqual({ shape: 2 });
    expect(await region.getOrCreate(k, creator)).toEqual({ shape: 2 });
    expect(creator.calls).toBe(1);
    expect(await region.get(k)).toEqual({ shape: 2 });
  });

  it("a plain get of a failing value is NO_VALUE", async () => {
    const k = key("get");
    await kv().set(k, { shape: 1 });
    expect(await kv({ checkValue: isV2 }).get(k)).toBe(NO_VALUE);
    expect(await kv({ checkValue: isV2 }).getMulti([k])).toEqual([NO_VALUE]);
  });

  it("50 concurrent callers of a failing value: one check, one creation, one write", async () => {
    const k = key("concurrent");
    await kv().set(k, { shape: 1 });
    let checks = 0;
    const region = kv({
      checkValue: (v) => {
        checks++;
        return isV2(v);
      },
    });
    const creator = counted(() => ({ shape: 2 }));
    const results = await Promise.all(Array.from({ length: 50 }, () => region.getOrCreate(k, creator)));
    expect(results.every(isV2)).toBe(true);
    expect(creator.calls).toBe(1);
    expect(checks).toBe(1);
  });

  it("a memory hit is not checked; a read from the shared backend is, once per read", async () => {
    let checks = 0;
    const checkValue = () => {
      checks++;
      return true;
    };
    const memory = makeRegion().configure("edgepile.memory", { checkValue });
    await memory.getOrCreate("m", () => 1);
    for (let i = 0; i < 10; i++) await memory.getOrCreate("m", () => 2);
    expect(checks).toBe(0);
    const k = key("reads");
    const region = kv({ checkValue });
    await region.getOrCreate(k, () => 1);
    expect(checks).toBe(0); // a created value is not read back
    await region.getOrCreate(k, () => 2);
    await region.get(k);
    expect(checks).toBe(2);
  });

  const schemas = {
    "a function returning a string (a reason)": (v) => (isV2(v) ? true : "old shape"),
    "an async function": async (v) => isV2(v),
    "a function that throws": (v) => {
      if (!isV2(v)) throw new Error("old shape");
      return true;
    },
    "zod-like safeParse": { safeParse: (v) => (isV2(v) ? { success: true, data: v } : { success: false, error: new Error("x") }) },
    "parse that throws": {
      parse: (v) => {
        if (!isV2(v)) throw new Error("x");
        return v;
      },
    },
    "Standard Schema (valibot, zod ≥ 3.24)": {
      "~standard": { version: 1, vendor: "t", validate: (v) => (isV2(v) ? { value: v } : { issues: [{ message: "x" }] }) },
    },
    "an async Standard Schema": {
      "~standard": { version: 1, vendor: "t", validate: async (v) => (isV2(v) ? { value: v } : { issues: [{ message: "x" }] }) },
    },
    "arktype-like: a function with ~standard": Object.assign((v) => (isV2(v) ? v : { summary: "x" }), {
      "~standard": { version: 1, vendor: "arktype", validate: (v) => (isV2(v) ? { value: v } : { issues: [{ message: "x" }] }) },
    }),
  };
  for (const [name, checkValue] of Object.entries(schemas)) {
    it(`${name}: passes the new shape, fails the old`, async () => {
      const [good, bad] = [key("good"), key("bad")];
      await kv().set(good, { shape: 2 });
      await kv().set(bad, { shape: 1 });
      const region = kv({ checkValue });
      const creator = counted(() => ({ shape: 2, made: true }));
      expect(await region.getOrCreate(good, creator)).toEqual({ shape: 2 });
      expect(creator.calls).toBe(0);
      expect(await region.getOrCreate(bad, creator)).toEqual({ shape: 2, made: true });
      expect(creator.calls).toBe(1);
    });
  }

  it("a schema's output is served (not stored)", async () => {
    const k = key("output");
    await kv().set(k, { shape: 2, extra: "dropped by the schema" });
    const strip = { safeParse: (v) => ({ success: true, data: { shape: v.shape } }) };
    expect(await kv({ checkValue: strip }).get(k)).toEqual({ shape: 2 });
    expect((await stored(k)).payload).toEqual({ shape: 2, extra: "dropped by the schema" });
  });

  it("per call and on cacheOnArguments, over the region's", async () => {
    const k = key("call");
    await kv().set(k, { shape: 1 });
    const region = kv({ checkValue: () => true });
    const creator = counted(() => ({ shape: 2 }));
    expect(await region.getOrCreate(k, creator)).toEqual({ shape: 1 });
    expect(await region.getOrCreate(k, creator, { checkValue: isV2 })).toEqual({ shape: 2 });
    expect(creator.calls).toBe(1);

    const load = counted((n) => ({ shape: 2, n }));
    const cached = region.cacheOnArguments((id) => load(id), { namespace: `ns${++unique}`, checkValue: isV2 });
    await region.set(await keyOf(region, cached, 7), { shape: 1 });
    expect(await cached(7)).toEqual({ shape: 2, n: 1 });
    expect(await cached(7)).toEqual({ shape: 2, n: 1 });
    expect(load.calls).toBe(1);

    const many = counted(() => ({ shape: 2 }));
    const multi = region.cacheMultiOnArguments((...ids) => ids.map(() => many()), { namespace: `m${++unique}`, checkValue: isV2 });
    await multi(1, 2);
    expect(many.calls).toBe(2);
    await multi(1, 2);
    expect(many.calls).toBe(2);
  });

  it("refuses what is neither a function nor a schema, at configure and per call", async () => {
    expect(() => kv({ checkValue: 42 })).toThrow(ValidationError);
    expect(() => kv({ checkValue: { validate: () => true } })).toThrow(ValidationError);
    expect(() => kv({ migrate: "no" })).toThrow(ValidationError);
    await expect(kv().getOrCreate(key("bad"), () => 1, { checkValue: {} })).rejects.toBeInstanceOf(ValidationError);
    expect(() => kv().cacheOnArguments(() => 1, { checkValue: 1 })).toThrow(ValidationError);
  });
});

/** The key cacheOnArguments stores `args` under (found by calling it once and listing KV). */
async function keyOf(region, cached, ...args) {
  const before = new Set((await env.CACHE.list()).keys.map((k) => k.name));
  await cached.set({ probe: true }, ...args);
  const added = (await env.CACHE.list()).keys.map((k) => k.name).filter((k) => !before.has(k));
  expect(added).toHaveLength(1);
  return added[0];
}

describe("migrate", () => {
  const migrate = (v) => (v.shape === 1 ? { shape: 2, name: v.fullName } : undefined);

  it("an old value is migrated, stored in its place and served; the creator never runs", async () => {
    const k = key("migrate");
    const clock = fakeClock();
    await kv({}, { clock }).set(k, { shape: 1, fullName: "Ada" });
    const before = (await stored(k)).metadata.ct;
    clock.advance(10);
    const region = kv({ migrate, checkValue: isV2 }, { clock });
    const creator = counted(() => ({ shape: 2, name: "made" }));
    expect(await region.getOrCreate(k, creator)).toEqual({ shape: 2, name: "Ada" });
    expect(creator.calls).toBe(0);
    const after = await stored(k);
    expect(after.payload).toEqual({ shape: 2, name: "Ada" });
    expect(after.metadata.ct).toBe(before); // migrating does not make the value any younger
    expect(await region.get(k)).toEqual({ shape: 2, name: "Ada" });
  });

  it("returning NO_VALUE makes it a miss; a migrated value that fails checkValue is a miss", async () => {
    const [a, b] = [key("nv"), key("badmig")];
    await kv().set(a, { shape: 1 });
    await kv().set(b, { shape: 1 });
    const creator = counted(() => ({ shape: 2 }));
    await kv({ migrate: () => NO_VALUE }).getOrCreate(a, creator);
    await kv({ migrate: () => ({ shape: 1.5 }), checkValue: isV2 }).getOrCreate(b, creator);
    expect(creator.calls).toBe(2);
    expect((await stored(b)).payload).toEqual({ shape: 2 });
  });

  it("an async migrate works; one that throws fails the call with its error", async () => {
    const k = key("async");
    await kv().set(k, { shape: 1, fullName: "Bo" });
    expect(await kv({ migrate: async (v) => migrate(v) }).get(k)).toEqual({ shape: 2, name: "Bo" });
    const boom = new Error("migration bug");
    await expect(
      kv({
        migrate: () => {
          throw boom;
        },
      }).getOrCreate(k, () => 1),
    ).rejects.toBe(boom);
  });

  it("a migrated value that cannot be stored is a ValidationError", async () => {
    const k = key("unstorable");
    await kv().set(k, { shape: 1 });
    await expect(kv({ migrate: () => ({ f() {} }) }).get(k)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("valueVersion", () => {
  it("entries written under another version are misses, both ways; creator calls counted", async () => {
    const k = key("version");
    const v1 = kv({ valueVersion: 1 });
    const v2 = kv({ valueVersion: 2 });
    const creator = counted((n) => n);
    expect(await v1.getOrCreate(k, creator)).toBe(1);
    expect(await v2.getOrCreate(k, creator)).toBe(2);
    expect((await stored(k)).metadata.valueVersion).toBe(2);
    expect(await v2.getOrCreate(k, creator)).toBe(2);
    expect(await v1.get(k)).toBe(NO_VALUE);
    expect(await v1.get(k, { ignoreExpiration: true })).toBe(NO_VALUE);
    expect(await kv().get(k)).toBe(NO_VALUE); // unversioned (0) is a version too
    expect(creator.calls).toBe(2);
  });

  it("without one, entries carry no version (the envelope is unchanged)", async () => {
    const k = key("none");
    await kv().set(k, 1);
    expect((await stored(k)).metadata).toEqual({ ct: expect.any(Number), v: 1 });
  });

  it("an entry of another version in memory is a miss, as in the core", async () => {
    for (const [version, entry] of [
      [2, { ct: Date.now() / 1000, v: 1, valueVersion: 1 }],
      [2, { ct: Date.now() / 1000, v: 1 }],
      [undefined, { ct: Date.now() / 1000, v: 1, valueVersion: 3 }],
    ]) {
      const region = makeRegion().configure("edgepile.memory", { expirationTime: 300, valueVersion: version });
      region.actualBackend.set("k", { payload: "old", metadata: entry });
      const creator = counted(() => "new");
      expect(await region.getOrCreate("k", creator)).toBe("new");
      expect(await region.get("k")).toBe("new");
      expect(creator.calls).toBe(1);
    }
  });

  it("an entry of another version read into L1 is never served from it", async () => {
    const k = key("l1version");
    await kv({ valueVersion: 1 }).set(k, "v1");
    const region = kv({ valueVersion: 2, l1: { maxEntries: 10, ttl: 60 } });
    expect(await region.get(k)).toBe(NO_VALUE); // read from KV into L1, then found to be another version
    const creator = counted(() => "v2");
    expect(await region.getOrCreate(k, creator)).toBe("v2");
    expect(await region.getOrCreate(k, creator)).toBe("v2");
    expect(creator.calls).toBe(1);
  });

  it("is an integer from 0 to 2³²−1", () => {
    for (const bad of [-1, 1.5, "2", 2 ** 32]) expect(() => kv({ valueVersion: bad })).toThrow(ValidationError);
  });
});

describe("with two tiers (l1)", () => {
  it("a value read from KV is not in L1 until an async check has passed it", async () => {
    const k = key("l1async");
    await kv().set(k, { shape: 1 });
    const gate = deferred();
    let reached;
    const checking = new Promise((resolve) => {
      reached = resolve;
    });
    let checks = 0;
    const region = kv({
      l1: { maxEntries: 10, ttl: 60 },
      checkValue: async (v) => {
        checks++;
        reached();
        await gate.promise;
        return isV2(v);
      },
    });
    const creator = counted(() => ({ shape: 2 }));
    const first = region.getOrCreate(k, creator);
    await checking; // the value is read and under its check
    const second = region.getOrCreate(k, creator);
    gate.resolve();
    expect(await first).toEqual({ shape: 2 });
    expect(await second).toEqual({ shape: 2 });
    expect(creator.calls).toBe(1);
    // A value that passes is in L1 afterwards: served without another read or check.
    const good = key("l1asyncgood");
    await kv().set(good, { shape: 2 });
    expect(await region.getOrCreate(good, creator)).toEqual({ shape: 2 });
    const before = checks;
    expect(await region.getOrCreate(good, creator)).toEqual({ shape: 2 });
    expect(checks).toBe(before);
  });

  it("a call with a check of its own has what L1 holds checked, as the core does", async () => {
    const k = key("l1call");
    await kv().set(k, { shape: 1 });
    const region = kv({ l1: { maxEntries: 10, ttl: 60 } });
    expect(await region.getOrCreate(k, () => ({ shape: 0 }))).toEqual({ shape: 1 }); // now in L1
    const creator = counted(() => ({ shape: 2 }));
    expect(await region.getOrCreate(k, creator, { checkValue: isV2 })).toEqual({ shape: 2 });
    expect(creator.calls).toBe(1);
    let migrated = 0;
    const migrate = (v) => {
      migrated++;
      return { ...v, migrated: true };
    };
    expect(await region.getOrCreate(k, creator, { migrate })).toEqual({ shape: 2, migrated: true });
    expect(migrated).toBe(1);
  });

  it("an L1 hit is not checked again; a rejected value's L1 copy is dropped, never served unchecked", async () => {
    const [good, bad] = [key("l1good"), key("l1bad")];
    await kv().set(good, { shape: 2 });
    await kv().set(bad, { shape: 1 });
    let checks = 0;
    const region = kv({
      l1: { maxEntries: 10, ttl: 60 },
      checkValue: (v) => {
        checks++;
        return isV2(v);
      },
    });
    const creator = counted(() => ({ shape: 2, made: true }));
    expect(await region.getOrCreate(good, creator)).toEqual({ shape: 2 });
    expect(await region.getOrCreate(good, creator)).toEqual({ shape: 2 }); // from L1
    expect(checks).toBe(1);
    expect(await region.get(bad)).toBe(NO_VALUE); // read from KV into L1, then rejected
    expect(await region.getOrCreate(bad, creator)).toEqual({ shape: 2, made: true });
    expect(creator.calls).toBe(1);
  });
});
