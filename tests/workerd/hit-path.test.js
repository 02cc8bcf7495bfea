// The memory hit path: a memory region's values live on the JS side and a hit is judged there,
// by creation time, without entering the core. Every change must be seen at once, LRU order
// must count those hits, writes to one key must not send another key's hits to the core, and
// stats and events must read as if every hit went through the core.
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE } from "../../src/js/workerd.js";
import { fakeClock } from "./helpers.js";

function setup({ ttl = 60, maxEntries } = {}) {
  const clock = fakeClock();
  const mangled = [];
  const keyMangler = (k) => {
    mangled.push(k);
    return k;
  };
  const region = makeRegion({ clock, keyMangler }).configure("edgepile.memory", {
    expirationTime: ttl,
    ...(maxEntries ? { arguments: { maxEntries } } : {}),
  });
  let made = 0;
  const creator = (v) => () => {
    made++;
    return { v };
  };
  return { region, clock, mangled, creator, made: () => made };
}

describe("memory hits", () => {
  it("check their arguments as any call does: a stored key with a bad creator or a bad key is refused", async () => {
    const { region, creator } = setup();
    await region.getOrCreate("k", creator(1));
    await expect(region.getOrCreate("k", "not a function")).rejects.toMatchObject({ name: "ValidationError" });
    await expect(region.getOrCreate("k", undefined)).rejects.toMatchObject({ name: "ValidationError" });
    await expect(region.getOrCreate(42, creator(2))).rejects.toMatchObject({ name: "ValidationError" });
    await expect(region.getOrCreate("k\uD800", creator(2))).rejects.toMatchObject({ name: "ValidationError" });
    // Even when the store holds such a key (written under the API): refused, not served.
    await region.actualBackend.set("k\uD801", await region.actualBackend.get("k"));
    await expect(region.getOrCreate("k\uD801", creator(2))).rejects.toMatchObject({ name: "ValidationError" });
    expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 1 });
  });

  it("follow a TTL function per call, and per-call options", async () => {
    const clock = fakeClock();
    let ttl = 60;
    const region = makeRegion({ clock }).configure("edgepile.memory", { expirationTime: () => ttl });
    expect(await region.getOrCreate("k", () => 1)).toBe(1);
    clock.advance(30);
    expect(await region.getOrCreate("k", () => 2)).toBe(1);
    ttl = 10; // now older than the TTL: regenerated
    expect(await region.getOrCreate("k", () => 3)).toBe(3);
    clock.advance(5);
    expect(await region.getOrCreate("k", () => 4, { expirationTime: 1 })).toBe(4);
  });

  it("are served without going back to the store (the key is mangled once, not per hit)", async () => {
    const { region, mangled, creator, made } = setup();
    await region.getOrCreate("k", creator(1));
    const afterCreate = mangled.length;
    for (let i = 0; i < 100; i++) expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 1 });
    expect(made()).toBe(1);
    expect(mangled.length - afterCreate).toBeLessThanOrEqual(1);
    expect(region.stats().hits).toBe(100);
    region.resetStats();
    expect(region.stats().hits).toBe(0);
  });

  it("see set, delete, and writes through actualBackend at once", async () => {
    const { region, creator } = setup();
    await region.getOrCreate("k", creator(1));
    await region.getOrCreate("k", creator(1));
    await region.set("k", { v: 2 });
    expect(await region.getOrCreate("k", creator(9))).toEqual({ v: 2 });
    await region.delete("k");
    expect(await region.getOrCreate("k", creator(3))).toEqual({ v: 3 });
    const stored = await region.actualBackend.get("k");
    stored.payload = { v: 4 };
    await region.actualBackend.set("k", stored);
    expect(await region.getOrCreate("k", creator(9))).toEqual({ v: 4 });
  });

  it("respect the TTL under the region's clock", async () => {
    const { region, clock, creator, made } = setup({ ttl: 10 });
    await region.getOrCreate("k", creator(1));
    clock.advance(10);
    expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 1 }); // now - ct = ttl: still fresh
    clock.advance(0.001);
    expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 2 });
    expect(made()).toBe(2);
  });

  it("respect hard and soft invalidation", async () => {
    const { region, clock, creator, made } = setup();
    await region.getOrCreate("k", creator(1));
    await region.getOrCreate("k", creator(1));
    clock.advance(1);
    region.invalidate(true);
    expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 2 });
    clock.advance(1);
    region.invalidate(false);
    // soft: this caller regenerates (dogpile: the lock holder creates); the value is new
    expect(await region.getOrCreate("k", creator(3))).toEqual({ v: 3 });
    expect(made()).toBe(3);
  });

  it("respect a shorter expirationTime given per call", async () => {
    const { region, clock, creator } = setup({ ttl: 3600 });
    await region.getOrCreate("k", creator(1));
    clock.advance(5);
    expect(await region.getOrCreate("k", creator(2))).toEqual({ v: 1 });
    expect(await region.getOrCreate("k", creator(2), { expirationTime: 1 })).toEqual({ v: 2 });
    expect(await region.getOrCreate("k", creator(3))).toEqual({ v: 2 });
  });

  it("see evictions: a value pushed out of a full store is created again", async () => {
    const { region, creator, made } = setup({ maxEntries: 2 });
    await region.getOrCreate("a", creator("a"));
    await region.getOrCreate("a", creator("a"));
    await region.getOrCreate("b", creator("b"));
    await region.getOrCreate("c", creator("c")); // evicts a, the least recently used
    expect(await region.getOrCreate("a", creator("a2"))).toEqual({ v: "a2" });
    expect(made()).toBe(4);
  });

  it("never hand one key's value to another", async () => {
    const { region, creator } = setup();
    for (let i = 0; i < 50; i++) await region.getOrCreate(`k${i}`, creator(i));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) expect(await region.getOrCreate(`k${i}`, creator(-1))).toEqual({ v: i });
    }
  });

  it("still reach listeners one event per hit", async () => {
    const { region, creator } = setup();
    const hits = [];
    region.on("hit", (e) => hits.push(e.key));
    await region.getOrCreate("k", creator(1));
    for (let i = 0; i < 5; i++) await region.getOrCreate("k", creator(1));
    expect(hits).toEqual(["k", "k", "k", "k", "k"]);
    expect(region.stats().hits).toBe(5);
  });

  it("keep LRU order: a key served only by hits is not the one evicted", async () => {
    const { region, creator, made } = setup({ maxEntries: 3 });
    for (const k of ["a", "b", "c"]) await region.getOrCreate(k, creator(k));
    for (let i = 0; i < 10; i++) await region.getOrCreate("a", creator("x")); // a: most recent
    await region.getOrCreate("d", creator("d")); // full: evicts b, the least recently used
    expect(region.actualBackend.keys()).toEqual(["d", "a", "c"]);
    expect(await region.getOrCreate("a", creator("a2"))).toEqual({ v: "a" });
    expect(await region.getOrCreate("b", creator("b2"))).toEqual({ v: "b2" });
    expect(made()).toBe(5);
  });

  it("of one key stay off the core while other keys are written, deleted and evicted", async () => {
    const { region, mangled, creator } = setup({ maxEntries: 50 });
    await region.getOrCreate("hot", creator("hot"));
    await region.getOrCreate("hot", creator("hot"));
    const hits = region.stats().hits;
    // Every trip through the core runs the key mangler; a hit judged in JS does not.
    const before = mangled.length;
    for (let i = 0; i < 200; i++) {
      await region.set(`w${i}`, { v: i }); // past 50 entries these evict older ones
      if (i % 3 === 0) await region.delete(`w${i - 1}`);
      expect(await region.getOrCreate("hot", creator("never"))).toEqual({ v: "hot" });
    }
    const coreMangles = mangled.length - before;
    // set and delete each go through the core once; the 200 hits add nothing.
    expect(coreMangles).toBe(200 + 67);
    expect(region.stats().hits - hits).toBe(200);
  });

  it("never serve a replaced value, whichever path replaced it", async () => {
    const { region, creator } = setup();
    await region.getOrCreate("k", creator(1));
    await region.getOrCreate("k", creator(1));
    await region.setMulti({ k: { v: 2 } });
    expect(await region.getOrCreate("k", creator(9))).toEqual({ v: 2 });
    expect(await region.get("k")).toEqual({ v: 2 });
    await region.deleteMulti(["k"]);
    expect(await region.get("k")).toBe(NO_VALUE);
    expect(await region.getOrCreateMulti(["k"], () => [{ v: 3 }])).toEqual([{ v: 3 }]);
    expect(await region.getOrCreate("k", creator(9))).toEqual({ v: 3 });
    region.actualBackend.set("k", { payload: { v: 4 }, metadata: { ct: Date.now() / 1000 + 1e6, v: 1 } });
    expect(await region.getOrCreate("k", creator(9))).toEqual({ v: 4 });
  });

  it("hand the backend surface CachedValues with all their metadata, and refuse malformed ones", async () => {
    const { region, creator } = setup();
    const backend = region.actualBackend;
    const ct = Date.now() / 1000;
    backend.set("t", { payload: { v: 5 }, metadata: { ct, v: 1, tags: ["a"], valueVersion: 3, d: 0.25 } });
    const got = backend.get("t");
    expect(got.constructor.name).toBe("CachedValue");
    expect(got).toEqual({ payload: { v: 5 }, metadata: { ct, v: 1, tags: ["a"], valueVersion: 3, d: 0.25 } });
    for (const metadata of [
      { ct, v: 1, tags: "a" },
      { ct, v: 1, tags: [1] },
      { ct, v: 1, valueVersion: -1 },
      { ct, v: 1, d: "x" },
    ]) {
      expect(() => backend.set("t", { payload: 0, metadata })).toThrow(/CachedValue objects/);
    }
    expect(backend.get("t").payload).toEqual({ v: 5 });
    // An entry removed and written again is a new value, not the old one's fields.
    await region.delete("t");
    expect(backend.get("t")).toBe(NO_VALUE);
    expect(await region.getOrCreate("t", creator(6))).toEqual({ v: 6 });
    expect(backend.get("t").metadata.tags).toBeUndefined();
  });

  it("honour get()'s own TTL and ignoreExpiration without counting as served", async () => {
    const { region, clock, creator } = setup({ ttl: 10 });
    await region.getOrCreate("k", creator(1));
    clock.advance(5);
    expect(await region.get("k")).toEqual({ v: 1 });
    expect(await region.get("k", { expirationTime: 2 })).toBe(NO_VALUE);
    clock.advance(10);
    expect(await region.get("k")).toBe(NO_VALUE);
    expect(await region.get("k", { ignoreExpiration: true })).toEqual({ v: 1 });
    expect(region.stats().hits).toBe(0);
  });

  it("answer set, delete and a synchronous miss without a promise from the core", async () => {
    // Proved by order: work that needs no I/O is done before the call's first await resumes.
    const { region, creator } = setup();
    const order = [];
    const miss = region.getOrCreate("m", () => {
      order.push("creator");
      return { v: 1 };
    });
    order.push("returned");
    expect(await miss).toEqual({ v: 1 });
    expect(order).toEqual(["creator", "returned"]);
    await region.set("s", { v: 2 });
    expect(region.actualBackend.get("s").payload).toEqual({ v: 2 });
    await region.getOrCreate("n", creator(5));
    expect(region.actualBackend.keys()).toContain("n");
  });
});

// A hit on an entry already judged fresh is served from the store's fast Map without judging it
// again (memory-store.js, "Fast entries"): no key mangler here, so nothing else is in the way.
describe("memory hits served without judging again", () => {
  function plain({ ttl = 10, maxEntries } = {}) {
    const clock = fakeClock();
    const region = makeRegion({ clock }).configure("edgepile.memory", {
      expirationTime: ttl,
      ...(maxEntries ? { arguments: { maxEntries } } : {}),
    });
    const made = [];
    const creator = (v) => () => {
      made.push(v);
      return { v };
    };
    return { region, clock, creator, made };
  }

  it("expire exactly when a judged hit would, whichever key's life ends first", async () => {
    const { region, clock, creator, made } = plain({ ttl: 10 });
    await region.getOrCreate("a", creator("a")); // created at 0
    clock.advance(1);
    expect(await region.getOrCreate("a", creator("x"))).toEqual({ v: "a" }); // judged, then fast
    clock.advance(4);
    await region.getOrCreate("b", creator("b")); // created at 5
    clock.advance(1);
    for (let i = 0; i < 3; i++) {
      expect(await region.getOrCreate("a", creator("x"))).toEqual({ v: "a" });
      expect(await region.getOrCreate("b", creator("x"))).toEqual({ v: "b" });
    }
    clock.advance(3.9995); // 9.9995: within a millisecond of a's end, judged again
    expect(await region.getOrCreate("a", creator("x"))).toEqual({ v: "a" });
    clock.advance(0.0005); // 10: now - ct = ttl, still fresh
    expect(await region.getOrCreate("a", creator("x"))).toEqual({ v: "a" });
    clock.advance(0.001);
    expect(await region.getOrCreate("a", creator("a2"))).toEqual({ v: "a2" });
    expect(await region.getOrCreate("b", creator("x"))).toEqual({ v: "b" }); // b lives to 15
    clock.advance(4.999); // 15: b's now - ct = ttl, still fresh
    expect(await region.getOrCreate("b", creator("x"))).toEqual({ v: "b" });
    clock.advance(0.001);
    expect(await region.getOrCreate("b", creator("b2"))).toEqual({ v: "b2" });
    expect(made).toEqual(["a", "b", "a2", "b2"]);
    expect(region.stats().hits).toBe(11);
  });

  it("see every write, delete, eviction and invalidation of the key at once", async () => {
    const { region, clock, creator } = plain({ ttl: 3600, maxEntries: 3 });
    const hot = async (v) => {
      // twice: the first hit admits, the second is served without judging
      await region.getOrCreate("k", creator("x"));
      expect(await region.getOrCreate("k", creator("x"))).toEqual({ v });
    };
    await region.getOrCreate("k", creator(1));
    await hot(1);
    await region.set("k", { v: 2 });
    await hot(2);
    await region.setMulti({ k: { v: 3 } });
    await hot(3);
    region.actualBackend.set("k", { payload: { v: 4 }, metadata: { ct: clock() / 1000, v: 1 } });
    await hot(4);
    await region.delete("k");
    expect(await region.get("k")).toBe(NO_VALUE);
    expect(await region.getOrCreate("k", creator(5))).toEqual({ v: 5 });
    await hot(5);
    clock.advance(1);
    region.invalidate(true);
    expect(await region.getOrCreate("k", creator(6))).toEqual({ v: 6 });
    await hot(6);
    clock.advance(1);
    region.invalidate(false);
    expect(await region.getOrCreate("k", creator(7))).toEqual({ v: 7 });
    await hot(7);
    // Pushed out by three newer keys, none of them read.
    for (const k of ["p", "q", "r"]) await region.set(k, { v: k });
    expect(region.actualBackend.keys()).not.toContain("k");
    expect(await region.getOrCreate("k", creator(8))).toEqual({ v: 8 });
  });

  it("keep a key hot: served between every new key, it is never the one evicted", async () => {
    const { region, creator, made } = plain({ ttl: 3600, maxEntries: 4 });
    await region.getOrCreate("hot", creator("hot"));
    for (let i = 0; i < 100; i++) {
      await region.getOrCreate(`k${i}`, creator(i)); // a miss: fills, then evicts
      for (let j = 0; j < 3; j++) expect(await region.getOrCreate("hot", creator("again"))).toEqual({ v: "hot" });
    }
    expect(made.filter((v) => v === "again")).toEqual([]);
    expect(region.actualBackend.keys()).toContain("hot");
    expect(region.actualBackend.keys()).toHaveLength(4);
  });

  it("see a tag invalidation of a tagged value, hard and soft", async () => {
    const { region, clock } = plain({ ttl: 3600 });
    const tagged = { tags: ["user:1"] };
    await region.getOrCreate("t", () => ({ v: 1 }), tagged);
    await region.getOrCreate("u", () => ({ v: "u" }));
    for (let i = 0; i < 3; i++) {
      expect(await region.getOrCreate("t", () => ({ v: 9 }))).toEqual({ v: 1 });
      expect(await region.getOrCreate("t", () => ({ v: 9 }), tagged)).toEqual({ v: 1 });
      expect(await region.getOrCreate("u", () => ({ v: 9 }))).toEqual({ v: "u" });
    }
    clock.advance(1);
    await region.invalidateTags(["user:1"]);
    expect(await region.getOrCreate("t", () => ({ v: 2 }), tagged)).toEqual({ v: 2 });
    expect(await region.getOrCreate("u", () => ({ v: 9 }))).toEqual({ v: "u" }); // another tag's, untouched
    for (let i = 0; i < 3; i++) expect(await region.getOrCreate("t", () => ({ v: 9 }))).toEqual({ v: 2 });
    clock.advance(1);
    await region.invalidateTags(["user:1"], { hard: false });
    // soft: stale, so this caller regenerates
    expect(await region.getOrCreate("t", () => ({ v: 3 }), tagged)).toEqual({ v: 3 });
    expect(await region.getOrCreate("t", () => ({ v: 9 }))).toEqual({ v: 3 });
  });
});
