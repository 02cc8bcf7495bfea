// KV-aware writes: one write per key per second from this isolate (the newest value wins and is
// served meanwhile), 429s retried in the background with backoff, bounded, every outcome counted.
// Time is a fake clock and a fake timer the test moves, so "one second" is exact.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FaultProxy, JsonCodecProxy, makeRegion, NO_VALUE, ValidationError } from "../../src/js/workerd.js";
import { fakeClock, settle } from "./helpers.js";

/** A clock with timers: sleep(ms) resolves once the test has moved the clock past it. */
function fakeTime() {
  const clock = fakeClock();
  let timers = [];
  const sleep = (ms) => new Promise((resolve) => timers.push({ at: clock() + ms, resolve }));
  const tick = async (seconds, step = 0.05) => {
    for (let t = 0; t < seconds; t += step) {
      clock.advance(step);
      const due = timers.filter((x) => x.at <= clock());
      timers = timers.filter((x) => x.at > clock());
      due.forEach((x) => x.resolve());
      await settle();
    }
  };
  return { clock, sleep, tick, pending: () => timers.length };
}

function countingKv(inner) {
  const puts = [];
  return {
    puts,
    get: (key, type) => inner.get(key, type),
    put: (key, value, opts) => {
      puts.push(key);
      return inner.put(key, value, opts);
    },
    delete: (key) => inner.delete(key),
  };
}

let n = 0;
const fresh = (what) => `${what}:${++n}:${Math.random()}`;

function kvRegion({ wrap, onError } = {}) {
  const time = fakeTime();
  const kv = countingKv(env.CACHE);
  const events = [];
  const region = makeRegion({ clock: time.clock, sleep: time.sleep, onError }).configure("edgepile.cloudflare_kv", {
    expirationTime: 300,
    arguments: { namespace: kv },
    wrap,
  });
  region.on("*", (e) => {
    if (e.type.startsWith("write")) events.push(e);
  });
  return { region, kv, time, events };
}

describe("KV-aware writes", () => {
  it("100 sets of one key within one second: at most 2 KV writes, the last value stored and served meanwhile", async () => {
    const { region, kv, time } = kvRegion();
    const key = fresh("burst");
    for (let i = 0; i < 100; i++) {
      await region.set(key, i);
      expect(await region.get(key)).toBe(i); // the newest value, before KV has it
      await time.tick(0.0099, 0.0099);
    }
    await time.tick(2);
    expect(kv.puts.filter((k) => k === key).length).toBeLessThanOrEqual(2);
    expect(await region.get(key)).toBe(99); // read from KV: nothing is held any more
    const stats = region.stats();
    expect(stats.deferredWrites).toBe(99);
    expect(stats.droppedWrites).toBe(0);
  });

  it("a write a second after the last goes straight through", async () => {
    const { region, kv, time } = kvRegion();
    const key = fresh("spaced");
    for (let i = 0; i < 5; i++) {
      await region.set(key, i);
      expect(kv.puts.length).toBe(i + 1);
      await time.tick(1.05);
    }
    expect(region.stats().deferredWrites).toBe(0);
  });

  it("30% 429s: every created value is eventually stored or reported dropped, none lost silently", async () => {
    const errors = [];
    const fault = new FaultProxy({ tooManyWritesRate: 0.3, seed: 7 });
    const { region, kv, time, events } = kvRegion({ wrap: [fault], onError: (e) => errors.push(e) });
    const keys = Array.from({ length: 60 }, () => fresh("flaky"));
    const values = await Promise.all(keys.map((k, i) => region.getOrCreate(k, () => ({ i }))));
    expect(values.map((v) => v.i)).toEqual(keys.map((_, i) => i)); // no caller failed
    await time.tick(40, 0.25);
    expect(time.pending()).toBe(0);
    const dropped = new Set(events.filter((e) => e.type === "writeDropped").map((e) => e.key));
    let stored = 0;
    for (const k of keys) {
      const inKv = (await env.CACHE.get(k, "arrayBuffer")) !== null;
      expect(inKv || dropped.has(k), `${k}: neither stored nor reported dropped`).toBe(true);
      if (inKv) stored++;
    }
    const stats = region.stats();
    expect(fault.injected.tooManyWrites).toBeGreaterThan(0);
    expect(stats.retriedWrites).toBe(events.filter((e) => e.type === "writeRetried").length);
    expect(stats.retriedWrites).toBeGreaterThan(0);
    expect(stats.droppedWrites).toBe(dropped.size);
    expect(errors.length).toBe(dropped.size);
    expect(stored + dropped.size).toBe(keys.length);
    expect(kv.puts.length).toBe(stored);
  });

  it("a write that keeps getting 429s is dropped after 4 retries, counted, an event and an onError", async () => {
    const errors = [];
    const fault = new FaultProxy({ tooManyWritesRate: 1 });
    const { region, time, events } = kvRegion({ wrap: [fault], onError: (e) => errors.push(e) });
    const key = fresh("doomed");
    await region.set(key, 1); // the caller's value exists: its set does not fail
    await time.tick(40, 0.25);
    expect(fault.injected.tooManyWrites).toBe(5);
    expect(region.stats()).toMatchObject({ retriedWrites: 4, droppedWrites: 1 });
    expect(events.map((e) => e.type)).toEqual(["writeRetried", "writeRetried", "writeRetried", "writeRetried", "writeDropped"]);
    expect(errors[0].name).toBe("BackendError");
  });

  it("a delete while a write is in flight wins: that write is not retried after a 429, nor served", async () => {
    const fault = new FaultProxy({ tooManyWritesRate: 1 });
    const { region, time, events } = kvRegion({ wrap: [fault] });
    const key = fresh("undo");
    const set = region.set(key, 1);
    await region.delete(key);
    await set;
    expect(await region.get(key)).toBe(NO_VALUE);
    await time.tick(20, 0.25);
    expect(fault.injected.tooManyWrites).toBe(1);
    expect(events).toEqual([]);
    expect(await region.get(key)).toBe(NO_VALUE);
    expect(await env.CACHE.get(key)).toBeNull();
  });

  it("a write a codec refuses at once fails the caller, as a rejected one does", async () => {
    const { region, kv } = kvRegion({ wrap: [JsonCodecProxy] });
    const key = fresh("refused");
    await expect(region.set(key, new Map([["a", 1]]))).rejects.toBeInstanceOf(ValidationError);
    expect(kv.puts.length).toBe(0);
    expect(await region.get(key)).toBe(NO_VALUE);
  });

  it("a delete is sent after the write in flight for the key has settled", async () => {
    const order = [];
    let release;
    const slow = {
      get: (key, type) => env.CACHE.get(key, type),
      put: async (key, value, opts) => {
        await new Promise((resolve) => {
          release = resolve;
        });
        await env.CACHE.put(key, value, opts);
        order.push("put");
      },
      delete: async (key) => {
        await env.CACHE.delete(key);
        order.push("delete");
      },
    };
    const region = makeRegion().configure("edgepile.cloudflare_kv", { expirationTime: 300, arguments: { namespace: slow } });
    const key = fresh("order");
    const set = region.set(key, 1);
    const del = region.delete(key);
    await settle();
    expect(order).toEqual([]);
    release();
    await Promise.all([set, del]);
    expect(order).toEqual(["put", "delete"]);
    expect(await env.CACHE.get(key)).toBeNull();
  });

  it("other write failures still reach the caller; a delete wins over held writes", async () => {
    const fault = new FaultProxy({ errorRate: { set: 1 } });
    const { region } = kvRegion({ wrap: [fault] });
    await expect(region.set(fresh("err"), 1)).rejects.toThrow();
    const { region: r2, time, kv } = kvRegion();
    const key = fresh("del");
    await r2.set(key, 1);
    await r2.set(key, 2);
    await r2.delete(key);
    await time.tick(2);
    expect(kv.puts.length).toBe(1);
    expect(await env.CACHE.get(key)).toBeNull();
  });

  it("a failed write of a key that spells 429 is not taken for KV's limit: it reaches the caller", async () => {
    const failing = {
      get: (key, type) => env.CACHE.get(key, type),
      put: () => Promise.reject(new Error("KV PUT failed: 413 Value too large")),
      delete: (key) => env.CACHE.delete(key),
    };
    const region = makeRegion().configure("edgepile.cloudflare_kv", { expirationTime: 300, arguments: { namespace: failing } });
    const err = await region.set(`user:429:${Math.random()}`, 1).catch((e) => e);
    expect(err?.cause?.message).toMatch(/413/);
    expect(region.stats().retriedWrites).toBe(0);
  });

  it("a held write on its way to KV is still served until it lands (never the older value)", async () => {
    let release;
    const gate = new Promise((resolve) => {
      release = resolve;
    });
    let puts = 0;
    const slow = {
      get: (key, type) => env.CACHE.get(key, type),
      put: async (key, value, opts) => {
        if (++puts === 2) await gate; // the held write hangs on its way
        return env.CACHE.put(key, value, opts);
      },
      delete: (key) => env.CACHE.delete(key),
    };
    const time = fakeTime();
    const region = makeRegion({ clock: time.clock, sleep: time.sleep }).configure("edgepile.cloudflare_kv", {
      expirationTime: 300,
      arguments: { namespace: slow },
    });
    const key = fresh("sending");
    await region.set(key, "v1");
    await region.set(key, "v2"); // held
    await time.tick(1.1); // now on its way, hanging
    expect(puts).toBe(2);
    expect(await region.get(key)).toBe("v2");
    release();
    await settle();
    expect(await region.get(key)).toBe("v2");
    expect(await env.CACHE.get(key)).not.toBeNull();
  });

  it("a held write keeps the value as it was set: changing the object afterwards changes nothing", async () => {
    const { region, time } = kvRegion();
    const key = fresh("copy");
    await region.set(key, { n: 1 });
    const value = { n: 2, at: new Date(5), tags: new Set(["a"]) };
    await region.set(key, value); // held
    value.n = 200;
    value.tags.add("b");
    expect(await region.get(key)).toEqual({ n: 2, at: new Date(5), tags: new Set(["a"]) });
    await time.tick(1.1);
    expect(await region.get(key)).toEqual({ n: 2, at: new Date(5), tags: new Set(["a"]) }); // as KV has it
  });

  it("a write after a delete still in flight waits for it: KV gets the delete, then the write", async () => {
    const order = [];
    let release;
    const gate = new Promise((resolve) => {
      release = resolve;
    });
    const slow = {
      get: (key, type) => env.CACHE.get(key, type),
      put: async (key, value, opts) => {
        order.push("put");
        return env.CACHE.put(key, value, opts);
      },
      delete: async (key) => {
        await gate;
        order.push("delete");
        return env.CACHE.delete(key);
      },
    };
    const region = makeRegion().configure("edgepile.cloudflare_kv", { expirationTime: 300, arguments: { namespace: slow } });
    const key = fresh("delete-then-set");
    const del = region.delete(key);
    await region.set(key, "after"); // returns at once: held behind the delete, and served
    expect(await region.get(key)).toBe("after");
    expect(order).toEqual([]);
    release();
    await del;
    for (let i = 0; i < 20 && order.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(["delete", "put"]);
    expect(await region.get(key)).toBe("after");
  });
});
