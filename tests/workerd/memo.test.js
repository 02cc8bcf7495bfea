// The memory hit path: values a region peeked are reused while nothing in its store changed
// and they are within the TTL. Every change must be seen at once, and stats and events must
// read as if every hit went to the store.
import { describe, expect, it } from "vitest";
import { makeRegion } from "../../src/js/workerd.js";
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

describe("repeated memory hits", () => {
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
});
