// The dogpile lock inside workerd: stampedes, soft and hard invalidation, failing creators.
import { describe, expect, it } from "vitest";
import { makeRegion } from "../../src/js/workerd.js";
import { deferred, fakeClock, settle, track } from "./helpers.js";

function region(options = {}) {
  return makeRegion({ clock: fakeClock() }).configure("edgepile.memory", { expirationTime: 60, ...options });
}

describe("stampede protection in one isolate", () => {
  it("1,000 concurrent getOrCreate on a cold key run the creator once and all get its value", async () => {
    const r = region();
    let calls = 0;
    const gate = deferred();
    const creator = async () => {
      calls++;
      await gate.promise;
      return { made: calls };
    };
    const all = Array.from({ length: 1000 }, () => r.getOrCreate("cold", creator));
    await settle();
    expect(calls).toBe(1);
    gate.resolve();
    const values = await Promise.all(all);
    expect(calls).toBe(1);
    expect(values.every((v) => v.made === 1)).toBe(true);
    expect(new Set(values).size).toBe(1); // the very same object, not copies
  });

  it("a sync creator is coalesced too", async () => {
    const r = region();
    let calls = 0;
    const values = await Promise.all(Array.from({ length: 200 }, () => r.getOrCreate("k", () => ++calls)));
    expect(calls).toBe(1);
    expect(values.every((v) => v === 1)).toBe(true);
  });

  it("after soft invalidation: one regeneration, everyone else gets the stale value at once", async () => {
    const r = region();
    await r.set("k", "old");
    r.invalidate(false);
    let calls = 0;
    const gate = deferred();
    const creator = async () => {
      calls++;
      await gate.promise;
      return "new";
    };
    const promises = Array.from({ length: 100 }, () => r.getOrCreate("k", creator));
    const state = track(promises);
    await settle();
    expect(calls).toBe(1);
    // the regenerating caller waits for its new value; the 99 others already have "old"
    expect(state[0].done).toBe(false);
    expect(state.slice(1).every((s) => s.done && s.value === "old")).toBe(true);
    // callers arriving while it regenerates are served stale too, without a second creation
    expect(await r.getOrCreate("k", creator)).toBe("old");
    gate.resolve();
    expect(await promises[0]).toBe("new");
    expect(calls).toBe(1);
    expect(await r.getOrCreate("k", creator)).toBe("new");
  });

  it("after hard invalidation: everyone waits for and gets the new value", async () => {
    const r = region();
    await r.set("k", "old");
    r.invalidate(true);
    let calls = 0;
    const gate = deferred();
    const creator = async () => {
      calls++;
      await gate.promise;
      return "new";
    };
    const promises = Array.from({ length: 100 }, () => r.getOrCreate("k", creator));
    const state = track(promises);
    await settle();
    expect(state.some((s) => s.done)).toBe(false);
    expect(await r.get("k")).not.toBe("old");
    gate.resolve();
    const values = await Promise.all(promises);
    expect(values.every((v) => v === "new")).toBe(true);
    expect(calls).toBe(1);
  });

  it("expiry through the injected clock: stale after expirationTime, regenerated once", async () => {
    const clock = fakeClock();
    const r = makeRegion({ clock }).configure("edgepile.memory", { expirationTime: 10 });
    let calls = 0;
    const creator = () => `v${++calls}`;
    expect(await r.getOrCreate("k", creator)).toBe("v1");
    clock.advance(10);
    expect(await r.getOrCreate("k", creator)).toBe("v1");
    clock.advance(0.5);
    const values = await Promise.all(Array.from({ length: 10 }, () => r.getOrCreate("k", creator)));
    expect(values[0]).toBe("v2");
    expect(calls).toBe(2);
  });

  it("a creator that throws: nothing cached, every waiter rejected with that error, next call retries", async () => {
    const r = region();
    const boom = new TypeError("upstream down");
    let calls = 0;
    const gate = deferred();
    const failing = async () => {
      calls++;
      await gate.promise;
      throw boom;
    };
    const promises = Array.from({ length: 50 }, () => r.getOrCreate("k", failing));
    await settle();
    gate.resolve();
    const results = await Promise.allSettled(promises);
    expect(calls).toBe(1);
    expect(results.every((x) => x.status === "rejected" && x.reason === boom)).toBe(true);
    expect(await r.get("k")).toSatisfy((v) => String(v) === "NO_VALUE");
    expect(await r.getOrCreate("k", () => "recovered")).toBe("recovered");
    expect(calls).toBe(1);
  });

  it("a creator that throws synchronously rejects the same way", async () => {
    const r = region();
    const err = new RangeError("sync");
    await expect(
      r.getOrCreate("k", () => {
        throw err;
      }),
    ).rejects.toBe(err);
    expect(await r.getOrCreate("k", () => 1)).toBe(1);
  });
});
