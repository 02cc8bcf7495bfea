// region.on(...) and region.stats() through the public API.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeRegion, ValidationError } from "../../src/js/workerd.js";
import { deferred, fakeClock, settle } from "./helpers.js";

describe("events and stats", () => {
  it("counts and reports hits, misses, stale serves and regenerations", async () => {
    const clock = fakeClock();
    const r = makeRegion({ clock }).configure("edgepile.memory", { expirationTime: 10 });
    const events = [];
    const off = r.on("*", (e) => events.push(`${e.type}:${e.key}`));
    await Promise.all(Array.from({ length: 5 }, () => r.getOrCreate("k", async () => "v")));
    await r.getOrCreate("k", () => "other");
    r.invalidate(false);
    const gate = deferred();
    const regen = r.getOrCreate("k", async () => {
      await gate.promise;
      return "new";
    });
    expect(await r.getOrCreate("k", () => "x")).toBe("v"); // stale while regenerating
    gate.resolve();
    await regen;
    expect(r.stats()).toMatchObject({ hits: 1, misses: 5, staleServed: 1, regenerations: 2, creatorErrors: 0 });
    expect(events.filter((e) => e === "regenerationEnd:k")).toHaveLength(2);
    expect(events).toContain("stale:k");
    off();
    await r.getOrCreate("k", () => "x");
    expect(events.filter((e) => e.startsWith("hit"))).toHaveLength(1); // not heard after off()
    expect(r.stats().hits).toBe(2); // still counted
  });

  it("creator and backend errors are events with the error", async () => {
    const r = makeRegion().configure("edgepile.memory");
    const errors = [];
    r.on("creatorError", (e) => errors.push(e.error));
    const boom = new Error("boom");
    await expect(
      r.getOrCreate("k", () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(errors).toEqual([boom]);
    expect(r.stats().creatorErrors).toBe(1);
  });

  it("lease events across a stale value held elsewhere", async () => {
    const clock = fakeClock();
    const a = makeRegion({ clock }).configure("edgepile.cloudflare_kv", {
      expirationTime: 10,
      arguments: { namespace: env.CACHE, lockNamespace: env.LEASES },
    });
    const b = makeRegion({ clock }).configure("edgepile.cloudflare_kv", {
      expirationTime: 10,
      arguments: { namespace: env.CACHE, lockNamespace: env.LEASES },
    });
    const key = `lease-ev-${Date.now()}`;
    await a.getOrCreate(key, () => "old");
    clock.advance(11);
    const seen = [];
    b.on("leaseContended", (e) => seen.push(e.type));
    const gate = deferred();
    const regen = a.getOrCreate(key, async () => {
      await gate.promise;
      return "new";
    });
    await settle();
    expect(await b.getOrCreate(key, () => "b")).toBe("old"); // a holds the lease: b serves stale
    expect(seen).toEqual(["leaseContended"]);
    gate.resolve();
    expect(await regen).toBe("new");
  });

  it("unknown events and non-function listeners are refused; a throwing listener breaks nothing", async () => {
    const r = makeRegion().configure("edgepile.memory");
    expect(() => r.on("hits", () => {})).toThrow(ValidationError);
    expect(() => r.on("hit", "nope")).toThrow(ValidationError);
    r.on("miss", () => {
      throw new Error("listener bug");
    });
    expect(await r.getOrCreate("k", () => 1)).toBe(1);
  });
});
