// Graceful degradation: stale-if-error, creator soft and hard timeouts, backend timeouts, and a
// chaos run over KV with 30% of backend operations failing. Timers are injected (`sleep`) where
// the test is about timing; the chaos run uses real ones.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  BackendError,
  DurableObjectLeases,
  EdgepileError,
  FaultProxy,
  makeRegion,
  NO_VALUE,
  registerBackend,
  TimeoutError,
} from "../../src/js/workerd.js";
import { deferred, fakeClock, settle } from "./helpers.js";

/** A sleep whose timers fire when the test says so. */
function manualTimers() {
  const pending = [];
  const sleep = () => {
    const d = deferred();
    pending.push(d);
    return d.promise;
  };
  sleep.fireAll = () => pending.splice(0).forEach((d) => d.resolve());
  return sleep;
}

/**
 * Registers `name`: a Map backend whose lease store grants when the test resolves `granted`
 * (with a token), recording each lease given back in `released`.
 */
function lateLeaseBackend(name) {
  const map = new Map();
  const granted = deferred();
  const released = [];
  registerBackend(name, () => ({
    get: (k) => (map.has(k) ? map.get(k) : NO_VALUE),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    leases: { acquire: () => granted.promise, release: async (k, token) => void released.push([k, token]) },
  }));
  return { granted, released };
}

describe("degradation", () => {
  it("staleIfError: a failed regeneration serves the stale value within the grace, the error past it", async () => {
    const clock = fakeClock();
    const reported = [];
    const r = makeRegion({ clock, onError: (e) => reported.push(e) }).configure("edgepile.memory", {
      expirationTime: 10,
      staleIfError: 60,
    });
    await r.getOrCreate("k", () => "old");
    clock.advance(30);
    const boom = new Error("upstream down");
    expect(
      await r.getOrCreate("k", () => {
        throw boom;
      }),
    ).toBe("old");
    expect(reported).toContain(boom);
    clock.advance(50); // 70 s past expiry: beyond the 60 s grace
    await expect(
      r.getOrCreate("k", () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    // per call: no grace at all
    await expect(
      r.getOrCreate(
        "k",
        () => {
          throw boom;
        },
        { staleIfError: 0 },
      ),
    ).rejects.toBe(boom);
  });

  it("creatorSoftTimeout: the regenerating caller gets the stale value, the creation finishes later", async () => {
    const clock = fakeClock();
    const sleep = manualTimers();
    const r = makeRegion({ clock, sleep }).configure("edgepile.memory", { expirationTime: 10, creatorSoftTimeout: 0.5 });
    await r.getOrCreate("k", () => "old");
    clock.advance(11);
    const gate = deferred();
    const call = r.getOrCreate("k", async () => {
      await gate.promise;
      return "new";
    });
    await settle();
    sleep.fireAll();
    expect(await call).toBe("old");
    gate.resolve();
    await settle();
    expect(await r.getOrCreate("k", () => "never")).toBe("new");
  });

  it("creatorTimeout: a caller with nothing to serve gets a TimeoutError", async () => {
    const sleep = manualTimers();
    const r = makeRegion({ sleep }).configure("edgepile.memory", { creatorTimeout: 2 });
    const call = r.getOrCreate("k", () => new Promise(() => {}));
    await settle();
    sleep.fireAll();
    const err = await call.catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain("2000 ms");
    // The creator's failure to finish: counted once, as the creator's, not the backend's.
    expect(r.stats()).toMatchObject({ creatorErrors: 1, backendErrors: 0 });
  });

  it("creatorTimeout ends the creation too: the next call creates again, a stale caller is not held", async () => {
    const clock = fakeClock();
    const sleep = manualTimers();
    const r = makeRegion({ clock, sleep }).configure("edgepile.memory", { expirationTime: 10, creatorTimeout: 2 });
    const hung = r.getOrCreate("k", () => new Promise(() => {}));
    await settle();
    sleep.fireAll();
    expect(await hung.catch((e) => e)).toBeInstanceOf(TimeoutError);
    expect(await r.getOrCreate("k", () => "made")).toBe("made"); // not a wait on the hung one
    // A caller regenerating a stale value: its creator hangs; creatorTimeout ends it too, and it
    // fails (no staleIfError) rather than hanging with it.
    clock.advance(11);
    const stale = r.getOrCreate("k", () => new Promise(() => {}));
    await settle();
    sleep.fireAll();
    expect(await stale.catch((e) => e)).toBeInstanceOf(TimeoutError);
    expect(await r.getOrCreate("k", () => "again")).toBe("again");
    expect(r.stats()).toMatchObject({ creatorErrors: 2, backendErrors: 0 });
  });

  it("creatorTimeout with staleIfError: the stale value is served, the timeout counted as the creator's", async () => {
    const clock = fakeClock();
    const sleep = manualTimers();
    const errors = [];
    const r = makeRegion({ clock, sleep, onError: (e) => errors.push(e) }).configure("edgepile.memory", {
      expirationTime: 10,
      creatorTimeout: 2,
      staleIfError: 60,
    });
    await r.getOrCreate("k", () => "old");
    clock.advance(11);
    const stale = r.getOrCreate("k", () => new Promise(() => {}));
    await settle();
    sleep.fireAll();
    expect(await stale).toBe("old");
    expect(errors.map((e) => e.name)).toEqual(["TimeoutError"]);
    expect(r.stats()).toMatchObject({ creatorErrors: 1, backendErrors: 0, staleServed: 1 });
  });

  it("backendTimeout: a hanging backend is a BackendError, not a hung request", async () => {
    const sleep = manualTimers();
    const r = makeRegion({ sleep }).configure("edgepile.memory", {
      backendTimeout: 0.1,
      wrap: [new FaultProxy({ hangRate: 1 })],
    });
    const call = r.getOrCreate("k", () => 1);
    await settle();
    sleep.fireAll();
    const err = await call.catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain("did not answer within 100 ms");
  });

  it("backendTimeout bounds the lease client too: a lease store that hangs does not hold the call", async () => {
    const sleep = manualTimers();
    const map = new Map();
    registerBackend("test.hanging-lease", () => ({
      get: (k) => (map.has(k) ? map.get(k) : NO_VALUE),
      set: (k, v) => void map.set(k, v),
      delete: (k) => void map.delete(k),
      leases: { acquire: () => new Promise(() => {}), release: async () => {} },
    }));
    const errors = [];
    const r = makeRegion({ sleep, onError: (e) => errors.push(e) }).configure("test.hanging-lease", { backendTimeout: 0.1 });
    const call = r.getOrCreate("k", () => "made");
    for (let i = 0; i < 5; i++) {
      await settle();
      sleep.fireAll();
    }
    expect(await call).toBe("made");
    expect(errors.map((e) => e.message).join()).toContain("did not answer within 100 ms");
  });

  it("a lease granted after backendTimeout is given back at once, not left held until its TTL", async () => {
    const sleep = manualTimers();
    const { granted, released } = lateLeaseBackend("test.late-lease");
    const r = makeRegion({ sleep }).configure("test.late-lease", { backendTimeout: 0.1 });
    const call = r.getOrCreate("k", () => "made");
    for (let i = 0; i < 5; i++) {
      await settle();
      sleep.fireAll();
    }
    expect(await call).toBe("made"); // went ahead without the lease
    expect(released).toEqual([]);
    granted.resolve("late-token"); // the lease store answers at last: that lease is ours
    await settle();
    expect(released).toEqual([["k", "late-token"]]);
  });

  it("a lease granted between the core's bound and the lease client's is given back too", async () => {
    // Timers kept as a runtime keeps them: by deadline, then in the order they were set; fired one
    // at a time, so the lease store can answer between two timers due at once.
    let timers = [];
    const sleep = (ms) => new Promise((resolve) => timers.push({ at: ms, resolve }));
    const fireNext = async () => {
      const next = timers.reduce((a, b) => (b.at < a.at ? b : a));
      timers = timers.filter((x) => x !== next);
      next.resolve();
      await settle();
    };
    const { granted, released } = lateLeaseBackend("test.lease-between-bounds");
    const r = makeRegion({ sleep }).configure("test.lease-between-bounds", { backendTimeout: 0.1 });
    const call = r.getOrCreate("k", () => "made");
    let answered = false;
    call.then(() => {
      answered = true;
    });
    await settle();
    while (!answered) await fireNext(); // until a bound gives up on the acquire and the call goes on…
    granted.resolve("token"); // …then the lease store answers…
    await settle();
    while (timers.length > 0) await fireNext(); // …and the other bounds fire
    expect(await call).toBe("made");
    expect(released).toEqual([["k", "token"]]); // no one held it: given back at once
  });

  it("creatorTimeout bounds a creation's wait for another isolate's lease too: one TimeoutError, counted once", async () => {
    // Timers that fire when the fake clock passes them.
    const clock = fakeClock();
    let timers = [];
    const sleep = (ms) => new Promise((resolve) => timers.push({ at: clock() + ms, resolve }));
    const tick = async (seconds) => {
      for (let t = 0; t < seconds; t += 0.05) {
        clock.advance(0.05);
        const due = timers.filter((x) => x.at <= clock());
        timers = timers.filter((x) => x.at > clock());
        due.forEach((x) => x.resolve());
        await settle();
      }
    };
    const map = new Map();
    registerBackend("test.held-lease", () => ({
      get: (k) => (map.has(k) ? map.get(k) : NO_VALUE),
      set: (k, v) => void map.set(k, v),
      delete: (k) => void map.delete(k),
      leases: { acquire: async () => null, release: async () => {} }, // always held elsewhere
    }));
    const r = makeRegion({ clock, sleep }).configure("test.held-lease", { creatorTimeout: 2, arguments: { lockTimeout: 10 } });
    let made = 0;
    const call = r.getOrCreate("k", () => ++made).catch((e) => e);
    await tick(2.5);
    const err = await call;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain("2000 ms");
    expect(made).toBe(0); // it never got the lease, nor waited out lockTimeout to create anyway
    expect(r.stats()).toMatchObject({ creatorErrors: 1, leaseTimeouts: 0, backendErrors: 0 });
    // The creation is over: the next call starts one of its own, which ends alike.
    const next = r.getOrCreate("k", () => ++made).catch((e) => e);
    await tick(2.5);
    expect(await next).toBeInstanceOf(TimeoutError);
    expect(r.stats().creatorErrors).toBe(2);
  });

  it("FaultProxy refuses nonsense rates", () => {
    expect(() => new FaultProxy({ errorRate: 2 })).toThrow();
    expect(() => new FaultProxy({ corruptRate: -1 })).toThrow();
  });
});

describe("chaos over KV", () => {
  it("10,000 requests over 200 keys with 30% of backend operations failing: no wrong value, typed errors only, every failure counted", async () => {
    const fault = new FaultProxy({ errorRate: 0.12, tooManyWritesRate: 0.05, hangRate: 0.03, hangMs: 60, corruptRate: 0.1, seed: 42 });
    const region = makeRegion({ name: "chaos" }).configure("edgepile.cloudflare_kv", {
      expirationTime: 5,
      staleIfError: 60,
      backendTimeout: 0.02,
      arguments: { namespace: env.CACHE, lockNamespace: env.LEASES, lockTimeout: 2 },
      wrap: [fault],
    });
    const generations = new Map();
    let wrong = 0;
    let served = 0;
    const errors = new Map();
    const KEYS = 200;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 500 }, async (_, i) => {
          const key = `chaos:${(batch * 500 + i * 7) % KEYS}`;
          try {
            const v = await region.getOrCreate(key, async () => {
              const gen = (generations.get(key) ?? 0) + 1;
              generations.set(key, gen);
              return { key, gen };
            });
            served++;
            if (v.key !== key || !(v.gen >= 1 && v.gen <= generations.get(key))) wrong++;
          } catch (e) {
            expect(e).toBeInstanceOf(EdgepileError);
            errors.set(e.name, (errors.get(e.name) ?? 0) + 1);
          }
        }),
      );
    }
    // Writes still in flight in the background (hung ones last hangMs) are counted when they end.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const injected = Object.values(fault.injected).reduce((a, b) => a + b, 0);
    const stats = region.stats();
    console.log(
      `chaos: ${served} served, errors ${JSON.stringify(Object.fromEntries(errors))}, injected ${JSON.stringify(fault.injected)}, stats.backendErrors ${stats.backendErrors}, retriedWrites ${stats.retriedWrites}`,
    );
    expect(wrong).toBe(0);
    expect(served + [...errors.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(served).toBeGreaterThan(5_000);
    expect(injected).toBeGreaterThan(100);
    // A 429 is KV's limit, not a failure: the write is retried in the background (or dropped).
    // A hang is a failure where a caller waits (backendTimeout); a write held in the background
    // just completes after hangMs, so hangs are counted where they failed someone, or not at all.
    expect(stats.backendErrors + stats.retriedWrites + stats.droppedWrites).toBeGreaterThanOrEqual(injected - fault.injected.hangs);
    // every lease taken during the run was released (or has expired): each key's lease is free
    const leases = new DurableObjectLeases(env.LEASES);
    for (let k = 0; k < KEYS; k++) {
      const token = await leases.acquire(`chaos:${k}`, 1);
      expect(token, `lease of chaos:${k} still held`).toBeTypeOf("string");
      await leases.release(`chaos:${k}`, token);
    }
  }, 120_000);
});

describe("per call", () => {
  it("backendTimeout per call bounds that call's reads", async () => {
    const sleep = manualTimers();
    const r = makeRegion({ sleep }).configure("edgepile.memory", { wrap: [new FaultProxy({ hangRate: 1 })] });
    const call = r.getOrCreate("k", () => 1, { backendTimeout: 0.05 });
    await settle();
    sleep.fireAll();
    const err = await call.catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain("50 ms");
  });
});
