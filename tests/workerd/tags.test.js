// Tags: invalidate every entry about one thing, soft or hard, in this isolate at once and, with a
// coherence point, in every isolate within its interval. Several regions over one KV namespace
// stand for isolates here; tests/isolates/tags.test.mjs runs eight Workers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE, ValidationError } from "../../src/js/workerd.js";
import { fakeClock } from "./helpers.js";

let n = 0;
const unique = () => `tags:${++n}`;

/** A coherence point that counts its requests (the Durable Object behind it). */
function countingPoint(namespace) {
  const calls = { get: 0 };
  return {
    calls,
    idFromName: (name) => namespace.idFromName(name),
    get: (id) => {
      const stub = namespace.get(id);
      return new Proxy(stub, {
        get(target, prop) {
          const v = Reflect.get(target, prop);
          if (typeof v !== "function") return v;
          return (...args) => {
            calls.get++;
            return Reflect.apply(v, target, args); // an RPC stub's own `apply` would be remote
          };
        },
      });
    },
  };
}

function counting(kv) {
  const counts = { reads: 0, writes: 0 };
  return {
    counts,
    get: (k, t) => {
      counts.reads += Array.isArray(k) ? k.length : 1;
      return kv.get(k, t);
    },
    put: (k, v, o) => {
      counts.writes++;
      return kv.put(k, v, o);
    },
    delete: (k) => kv.delete(k),
  };
}

function isolates(count, { l1 = true, coherence = env.COHERENCE, backend = "kv" } = {}) {
  const clock = fakeClock();
  const name = unique();
  const kv = counting(env.CACHE);
  const regions = Array.from({ length: count }, () =>
    makeRegion({ name, clock, keyMangler: (k) => `${name}:${k}` }).configure(
      backend === "kv" ? "edgepile.cloudflare_kv" : "edgepile.memory",
      {
        expirationTime: 3600,
        ...(backend === "kv" ? { arguments: { namespace: kv } } : {}),
        ...(l1 && backend === "kv" ? { l1: { maxEntries: 100, ttl: 60 } } : {}),
        ...(coherence ? { coherence: { namespace: coherence, interval: 1 } } : {}),
      },
    ),
  );
  return { regions, clock, kv };
}

describe("tags in one isolate", () => {
  it("hard: exactly the entries carrying the tag are created again; others keep hitting", async () => {
    const {
      regions: [r],
    } = isolates(1, { coherence: undefined, backend: "memory" });
    let made = 0;
    const create = (v) => () => ({ v, made: ++made });
    await r.getOrCreate("u42", create("u42"), { tags: ["user:42"] });
    await r.getOrCreate("u42-org", create("u42-org"), { tags: ["user:42", "org:7"] });
    await r.getOrCreate("org", create("org"), { tags: ["org:7"] });
    await r.getOrCreate("plain", create("plain"));
    await r.invalidateTags(["user:42"]);
    expect((await r.getOrCreate("u42", create("u42"), { tags: ["user:42"] })).made).toBe(5);
    expect((await r.getOrCreate("u42-org", create("u42-org"), { tags: ["user:42", "org:7"] })).made).toBe(6);
    expect((await r.getOrCreate("org", create("org"))).made).toBe(3);
    expect((await r.getOrCreate("plain", create("plain"))).made).toBe(4);
    // the new entries are newer than the mark, even though the clock stood still
    expect((await r.getOrCreate("u42", create("u42"))).made).toBe(5);
    expect(made).toBe(6);
  });

  it("soft: the tagged entry is served stale while one caller regenerates", async () => {
    const {
      regions: [r],
    } = isolates(1, { coherence: undefined });
    await r.getOrCreate("k", () => "v1", { tags: ["t"] });
    await r.invalidateTags(["t"], { hard: false });
    let release;
    const slow = new Promise((resolve) => (release = resolve));
    const regenerating = r.getOrCreate("k", () => slow.then(() => "v2"), { tags: ["t"] });
    expect(await r.getOrCreate("k", () => "never")).toBe("v1");
    expect(await r.get("k")).toBe(NO_VALUE); // get() returns fresh values only
    release();
    expect(await regenerating).toBe("v2");
    expect(await r.get("k")).toBe("v2");
  });

  it("set with tags, setMulti with tags, getOrCreateMulti with tags", async () => {
    const {
      regions: [r],
    } = isolates(1, { coherence: undefined });
    await r.set("a", 1, { tags: ["x"] });
    await r.setMulti({ b: 2, c: 3 }, { tags: ["y"] });
    await r.getOrCreateMulti(["d", "e"], (...ks) => ks.map((k) => k.toUpperCase()), { tags: ["x", "y"] });
    await r.invalidateTags(["y"]);
    expect(await r.getMulti(["a", "b", "c", "d", "e"])).toEqual([1, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE]);
  });

  it("cacheOnArguments: tags computed from the arguments", async () => {
    const {
      regions: [r],
    } = isolates(1, { coherence: undefined, backend: "memory" });
    let calls = 0;
    const load = r.cacheOnArguments(
      async function load(user, org) {
        calls++;
        return { user, org, calls };
      },
      { tags: (user, org) => [`user:${user}`, `org:${org}`] },
    );
    await load(1, 7);
    await load(2, 7);
    await load(3, 8);
    await r.invalidateTags(["org:7"]);
    expect((await load(1, 7)).calls).toBe(4);
    expect((await load(2, 7)).calls).toBe(5);
    expect((await load(3, 8)).calls).toBe(3);
    await load.set({ user: 3, org: 8, calls: 0 }, 3, 8);
    await r.invalidateTags(["user:3"]);
    expect((await load(3, 8)).calls).toBe(6);
  });

  it("cacheMultiOnArguments: set and refresh tag their entries as a call does", async () => {
    const {
      regions: [r],
    } = isolates(1, { coherence: undefined, backend: "memory" });
    let calls = 0;
    const load = r.cacheMultiOnArguments(
      async function items(...ids) {
        return ids.map((id) => ({ id, calls: ++calls }));
      },
      {
        tags: (...ids) => ids.map((id) => `item:${id}`),
      },
    );
    await load.set(new Map([["a", { id: "a", calls: 0 }]]));
    await load.refresh("b");
    expect(await load("a", "b")).toEqual([
      { id: "a", calls: 0 },
      { id: "b", calls: 1 },
    ]);
    await r.invalidateTags(["item:a", "item:b"]);
    expect(await load("a", "b")).toEqual([
      { id: "a", calls: 2 },
      { id: "b", calls: 3 },
    ]);
  });

  it("an entry with 20 tags, 10,000 distinct tags, one tag invalidated 100 times", { timeout: 30_000 }, async () => {
    const {
      regions: [r],
      kv,
    } = isolates(1, { coherence: undefined });
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    await r.getOrCreate("many", () => "v1", { tags: twenty });
    // 10,000 distinct tags over 320 entries of 32 tags (the most one entry may carry)
    const tagsOf = (e) => Array.from({ length: 32 }, (_, i) => `distinct:${e * 32 + i}`).filter((t) => Number(t.slice(9)) < 10_000);
    for (let e = 0; e < 313; e++) await r.set(`k${e}`, e, { tags: tagsOf(e) });
    const writes = kv.counts.writes;
    await r.invalidateTags(Array.from({ length: 1000 }, (_, i) => `distinct:${i * 10}`)); // touches every entry
    expect(kv.counts.writes).toBe(writes);
    expect(await r.get("k0")).toBe(NO_VALUE);
    expect(await r.get("k312")).toBe(NO_VALUE);
    expect(await r.getOrCreate("many", () => "never")).toBe("v1");
    await r.invalidateTags(["t19"]);
    expect(await r.getOrCreate("many", () => "v2", { tags: twenty })).toBe("v2");
    const reads = kv.counts.reads;
    for (let i = 0; i < 100; i++) await r.invalidateTags(["hot"]);
    expect(kv.counts.reads).toBe(reads); // invalidating costs no KV operation
    await r.getOrCreate("hot", () => "h1", { tags: ["hot"] });
    await r.invalidateTags(["hot"]);
    expect(await r.getOrCreate("hot", () => "h2", { tags: ["hot"] })).toBe("h2");
    await r.set("k5", "again", { tags: tagsOf(5) });
    expect(await r.get("k5")).toBe("again");
  });

  it("bad tags are a ValidationError before anything is stored", async () => {
    const {
      regions: [r],
      kv,
    } = isolates(1, { coherence: undefined });
    const writes = kv.counts.writes;
    for (const tags of ["t", [""], [1], [null], Array.from({ length: 33 }, (_, i) => `t${i}`), ["x".repeat(129)], ["\ud800"]]) {
      await expect(r.set("k", 1, { tags })).rejects.toBeInstanceOf(ValidationError);
      await expect(r.getOrCreate("k", () => 1, { tags })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(r.invalidateTags([""])).rejects.toBeInstanceOf(ValidationError);
    await expect(r.invalidateTags("t")).rejects.toBeInstanceOf(ValidationError);
    await expect(r.invalidateTags(["t"], { hard: true, soft: true })).rejects.toBeInstanceOf(ValidationError);
    expect(kv.counts.writes).toBe(writes);
    expect(await r.get("k")).toBe(NO_VALUE);
  });
});

describe("a clock that calls back into the region", () => {
  it("invalidating tags each time it is read leaves the region working", async () => {
    const map = new Map();
    const backend = {
      get: (k) => (map.has(k) ? map.get(k) : NO_VALUE),
      set: (k, v) => void map.set(k, v),
      delete: (k) => void map.delete(k),
    };
    let armed = false;
    const calls = [];
    const r = makeRegion({
      clock: () => {
        if (armed) {
          armed = false;
          calls.push(r.invalidateTags(["t"]));
          armed = true;
        }
        return 1_700_000_000_000;
      },
    }).configure(backend, { expirationTime: 60 });
    await r.set("k", "v", { tags: ["t"] });
    armed = true;
    const got = await r.getOrCreate("k", () => "x");
    armed = false;
    await Promise.all(calls);
    expect(calls.length).toBeGreaterThan(0);
    expect(["v", "x"]).toContain(got);
    expect(await r.getOrCreate("k2", () => 1)).toBe(1);
  });
});

describe("tags across isolates", () => {
  it("an invalidation in one isolate reaches the others within the interval, L1 on", async () => {
    const { regions, clock } = isolates(4);
    let made = 0;
    for (const r of regions) {
      await r.getOrCreate("tagged", () => ({ made: ++made }), { tags: ["group:1"] });
      await r.getOrCreate("other", () => ({ made: ++made }), { tags: ["group:2"] });
      await r.getOrCreate("untagged", () => ({ made: ++made }));
    }
    expect(made).toBe(3);
    // Hits in every isolate, so each holds "tagged" as a value it has judged fresh.
    for (const r of regions) {
      for (let i = 0; i < 2; i++) expect((await r.getOrCreate("tagged", () => ({ made: ++made }))).made).toBe(1);
    }
    clock.advance(1);
    await regions[0].invalidateTags(["group:1"]);
    expect((await regions[0].getOrCreate("tagged", () => ({ made: ++made }), { tags: ["group:1"] })).made).toBe(4);
    clock.advance(1);
    for (const r of regions.slice(1)) {
      expect((await r.getOrCreate("tagged", () => ({ made: ++made }), { tags: ["group:1"] })).made).toBe(4);
      expect((await r.getOrCreate("other", () => ({ made: ++made }))).made).toBe(2);
      expect((await r.getOrCreate("untagged", () => ({ made: ++made }))).made).toBe(3);
    }
    expect(made).toBe(4);
  });

  it("a value another isolate has been serving from L1 is not served once its tag is invalidated", async () => {
    // Nothing is written after the invalidation, so only the tag's mark tells isolate 1.
    const { regions, clock } = isolates(2);
    let made = 0;
    await regions[0].getOrCreate("tagged", () => ({ made: ++made }), { tags: ["group:1"] });
    for (const r of regions) {
      for (let i = 0; i < 3; i++) expect((await r.getOrCreate("tagged", () => ({ made: ++made }))).made).toBe(1);
    }
    clock.advance(1);
    await regions[0].invalidateTags(["group:1"]);
    clock.advance(1);
    expect((await regions[1].getOrCreate("tagged", () => ({ made: ++made }))).made).toBe(2);
  });

  it("L1 off, and soft: stale everywhere, one regeneration", async () => {
    const { regions, clock } = isolates(3, { l1: false });
    await regions[0].getOrCreate("k", () => "v1", { tags: ["g"] });
    clock.advance(1);
    await regions[1].invalidateTags(["g"], { hard: false });
    clock.advance(1);
    expect(await regions[2].getOrCreate("k", () => "v2", { tags: ["g"] })).toBe("v2"); // it regenerates
    expect(await regions[0].getOrCreate("k", () => "never")).toBe("v2"); // reads the new one from KV
  });

  it("a tagged hit costs no more backend operations than an untagged one while tag state is fresh", async () => {
    const point = countingPoint(env.COHERENCE);
    const {
      regions: [a, b],
      clock,
      kv,
    } = isolates(2, { coherence: point });
    await a.getOrCreate("tagged", () => 1, { tags: ["x", "y", "z"] });
    await a.getOrCreate("plain", () => 1);
    await a.invalidateTags(["unrelated"]);
    clock.advance(1);
    await b.getOrCreate("tagged", () => 2);
    await b.getOrCreate("plain", () => 2);
    const before = { reads: kv.counts.reads, point: point.calls.get };
    for (let i = 0; i < 50; i++) await b.getOrCreate("tagged", () => 3);
    const tagged = { reads: kv.counts.reads - before.reads, point: point.calls.get - before.point };
    for (let i = 0; i < 50; i++) await b.getOrCreate("plain", () => 3);
    const plain = { reads: kv.counts.reads - before.reads - tagged.reads, point: point.calls.get - before.point - tagged.point };
    expect(tagged).toEqual({ reads: 0, point: 0 });
    expect(plain).toEqual(tagged);
  });

  it("a custom point with tag methods that answers no shards: told at once, not silently local", async () => {
    const errors = [];
    const point = {
      changes: async () => ({ version: 0, hard: 0, soft: 0, changes: [] }), // no `shards`
      publish: async () => 0,
      invalidate: async () => {},
      tagChanges: async () => ({ version: 0, marks: [] }),
      invalidateTags: async () => {},
    };
    const r = makeRegion({ name: unique(), onError: (e) => errors.push(e) }).configure("edgepile.cloudflare_kv", {
      expirationTime: 3600,
      arguments: { namespace: env.CACHE },
      l1: { maxEntries: 10, ttl: 60 },
      coherence: { namespace: point, interval: 1 },
    });
    expect(await r.getOrCreate("k", () => "v", { tags: ["t"] })).toBe("v"); // the call goes on
    expect(errors.map((e) => e.name)).toEqual(["ValidationError"]);
    expect(errors[0].message).toContain("shards");
    await expect(r.invalidateTags(["t"])).rejects.toThrow(ValidationError);
    expect(await r.getOrCreate("k", () => "v2", { tags: ["t"] })).toBe("v2"); // applied here
  });

  it("a failing coherence point: tagged reads still answer, the failure is counted", async () => {
    const broken = {
      changes: () => Promise.reject(new Error("down")),
      publish: async () => 0,
      invalidate: async () => {},
      invalidateTags: () => Promise.reject(new Error("down")),
    };
    const {
      regions: [r],
      clock,
    } = isolates(1, { coherence: broken });
    expect(await r.getOrCreate("k", () => "v", { tags: ["t"] })).toBe("v");
    await expect(r.invalidateTags(["t"])).rejects.toThrow();
    expect(await r.getOrCreate("k", () => "v2", { tags: ["t"] })).toBe("v2"); // applied here at once
    clock.advance(1);
    expect(await r.getOrCreate("k", () => "never")).toBe("v2");
    expect(r.stats().backendErrors).toBeGreaterThanOrEqual(2);
  });
});
