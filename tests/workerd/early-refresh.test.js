// Early refresh (XFetch): a hit of a fresh value starts a background regeneration with
// probability exp(−remaining/(β·δ)), δ being how long the value's creation took. The draws and
// the clock are injected, so the fraction that fires is checked against the formula, and a firing
// hit is checked to return at once while exactly one regeneration runs.
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE } from "../../src/js/workerd.js";
import { CachedValue } from "../../src/js/cached-value.js";
import { random as seeded } from "../../src/js/proxies/fault.js"; // seeded: a failure reproduces
import { deferred, fakeClock, mapBackend, settle } from "./helpers.js";

const TTL = 100;
const DELTA = 2;

function setup({ random = seeded(15), earlyRefresh = true, backend = "edgepile.memory", ttl = TTL } = {}) {
  const clock = fakeClock();
  const region = makeRegion({ clock, random }).configure(backend, { expirationTime: ttl, earlyRefresh });
  let made = 0;
  const creator =
    (v, took = 0) =>
    () => {
      made++;
      clock.advance(took); // the creation takes `took` seconds of the region's clock
      return { v };
    };
  return { region, clock, creator, made: () => made };
}

describe("early refresh", () => {
  it("records δ, the creation's duration, with the value (and none when the clock stood still)", async () => {
    const { region, creator } = setup();
    await region.getOrCreate("timed", creator(1, DELTA));
    expect((await region.actualBackend.get("timed")).metadata.d).toBe(DELTA);
    await region.getOrCreate("instant", creator(1));
    expect((await region.actualBackend.get("instant")).metadata.d).toBeUndefined();
    await region.set("set", { v: 1 });
    expect((await region.actualBackend.get("set")).metadata.d).toBeUndefined();
  });

  // 10,000 hits per remaining TTL; each hit finds the value as it was (reset after a fire), so
  // every draw is independent. Tolerance: 0.02 absolute, at least 4 binomial standard deviations
  // (σ ≤ 0.005 at n = 10,000), so a correct implementation fails about once in 15,000 runs.
  for (const [beta, perCall] of [
    [1, false],
    [2, true],
  ]) {
    it(`fires with probability exp(−remaining/(β·δ)) over 10,000 hits (β = ${beta}${perCall ? ", per call" : ""})`, async () => {
      const { region, clock, creator, made } = setup({ earlyRefresh: perCall ? undefined : { beta } });
      const options = perCall ? { earlyRefresh: { beta } } : undefined;
      const N = 10_000;
      for (const remaining of [0.25, 1, 2, 4, 8, 20]) {
        const before = made();
        for (let i = 0; i < N; i++) {
          const ct = clock() / 1000 - (TTL - remaining);
          region.actualBackend.set("k", new CachedValue({ v: 0 }, { ct, v: 1, d: DELTA }));
          expect(await region.getOrCreate("k", creator(1), options)).toEqual({ v: 0 });
        }
        const fraction = (made() - before) / N;
        const expected = Math.exp(-remaining / (beta * DELTA));
        expect(Math.abs(fraction - expected), `remaining ${remaining}: ${fraction} vs ${expected}`).toBeLessThan(0.02);
      }
    });
  }

  it("never fires without δ, when off for the call, or for a value that never expires", async () => {
    const { region, clock, creator, made } = setup({ random: () => 0 });
    await region.getOrCreate("timed", creator(1, DELTA));
    await region.getOrCreate("instant", creator(1));
    clock.advance(TTL - 0.1);
    for (let i = 0; i < 100; i++) {
      await region.getOrCreate("instant", creator(2));
      await region.getOrCreate("timed", creator(2), { earlyRefresh: false });
    }
    expect(made()).toBe(2);
    const forever = setup({ random: () => 0, ttl: -1 });
    await forever.region.getOrCreate("k", forever.creator(1, DELTA));
    for (let i = 0; i < 100; i++) await forever.region.getOrCreate("k", forever.creator(2));
    expect(forever.made()).toBe(1);
  });

  it("serves a firing hit at once and starts exactly one regeneration, through ctx.waitUntil", async () => {
    const { region, clock } = setup({ random: () => 0 });
    await region.getOrCreate("k", () => {
      clock.advance(DELTA);
      return { v: 1 };
    });
    clock.advance(TTL - 1);
    const gate = deferred();
    let calls = 0;
    const slow = async () => {
      calls++;
      await gate.promise;
      return { v: 2 };
    };
    const waited = [];
    const ctx = { waitUntil: (p) => waited.push(p) };
    const served = await Promise.all(Array.from({ length: 100 }, () => region.getOrCreate("k", slow, { ctx })));
    expect(served.every((v) => v.v === 1)).toBe(true);
    expect(calls).toBe(1);
    expect(waited.length).toBeGreaterThanOrEqual(1);
    gate.resolve();
    await Promise.all(waited);
    await settle();
    expect(await region.getOrCreate("k", slow)).toEqual({ v: 2 });
    expect(calls).toBe(1);
    const stats = region.stats();
    expect(stats.hits).toBe(101);
    expect(stats.regenerations).toBe(2);
    expect(stats.staleServed + stats.leaseWaits).toBe(0);
  });

  it("a regeneration in the background runs to its end when another creation of the key takes its place", async () => {
    const { region, clock } = setup({ random: () => 0 });
    await region.getOrCreate("k", () => {
      clock.advance(DELTA);
      return { v: 1 };
    });
    clock.advance(TTL - 1);
    const ends = [];
    region.on("regenerationEnd", (e) => ends.push(e.ok));
    const gate = deferred();
    let refreshed = false;
    const slow = async () => {
      await gate.promise;
      refreshed = true;
      return { v: 2 };
    };
    expect(await region.getOrCreate("k", slow)).toEqual({ v: 1 }); // fires: no ctx, no runner
    await region.delete("k");
    expect(await region.getOrCreate("k", () => ({ v: 3 }))).toEqual({ v: 3 }); // a creation of its own
    gate.resolve();
    await settle();
    expect(refreshed).toBe(true);
    expect(ends).toEqual([true, true]);
    expect(region.stats().regenerations).toBe(3);
  });

  it("works in the core too (a backend the JS hit path does not read)", async () => {
    const { region, clock } = setup({ random: () => 0, backend: mapBackend() });
    let calls = 0;
    const gate = deferred();
    const create = async () => {
      calls++;
      if (calls === 1) clock.advance(DELTA);
      else await gate.promise;
      return { v: calls };
    };
    await region.getOrCreate("k", create);
    clock.advance(TTL - 1);
    const served = await Promise.all(Array.from({ length: 20 }, () => region.getOrCreate("k", create)));
    expect(served.every((v) => v.v === 1)).toBe(true);
    expect(calls).toBe(2);
    gate.resolve();
    await settle();
    expect(await region.get("k")).toEqual({ v: 2 });
  });

  it("is taken by cacheOnArguments and checked", async () => {
    const { region, clock } = setup({ random: () => 0, earlyRefresh: false });
    let calls = 0;
    const f = region.cacheOnArguments(
      function times(x) {
        calls++;
        clock.advance(DELTA);
        return x * calls;
      },
      { earlyRefresh: { beta: 1 } },
    );
    expect(await f(3)).toBe(3);
    clock.advance(TTL - 1);
    expect(await f(3)).toBe(3); // fired: served the current value, regenerated meanwhile
    await settle();
    expect(calls).toBe(2);
    expect(await f(3)).toBe(6);
    expect(() =>
      region.cacheOnArguments(
        function id(x) {
          return x;
        },
        { earlyRefresh: { beta: 0 } },
      ),
    ).toThrow(/beta/);
    expect(() => makeRegion().configure("edgepile.memory", { earlyRefresh: "yes" })).toThrow(/earlyRefresh/);
    await expect(region.getOrCreate("k", () => 1, { earlyRefresh: { beta: -1 } })).rejects.toThrow(/beta/);
    expect(NO_VALUE).toBeDefined();
  });
});
