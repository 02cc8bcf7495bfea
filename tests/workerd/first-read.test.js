// getOrCreate over a chain with nothing in the isolate reads the chain in JS and lets the core
// decide from that answer (src/js/first-read.js). What must stay as with the core's own read:
// one read per key in flight, no decision on an answer a write has made out of date, a failed
// read reported once, the mangled key, the value check.
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE } from "../../src/js/workerd.js";
import { deferred, fakeClock, settle } from "./helpers.js";

/** A custom backend whose reads take what is stored when they begin and answer when `hold` lets them. */
function heldBackend() {
  const map = new Map();
  const b = {
    map,
    gets: [],
    hold: undefined,
    setGate: undefined,
    failNext: undefined,
    async get(key) {
      b.gets.push(key);
      const found = map.has(key) ? map.get(key) : NO_VALUE;
      const fail = b.failNext;
      b.failNext = undefined;
      if (b.hold) await b.hold.promise;
      if (fail) throw fail;
      return found;
    },
    async set(key, value) {
      if (b.setGate) await b.setGate.promise;
      map.set(key, value);
    },
    delete(key) {
      map.delete(key);
    },
  };
  return b;
}

/** A custom backend over `map` whose reads answer asynchronously. */
function asyncMap(map) {
  return {
    get: async (k) => (map.has(k) ? map.get(k) : NO_VALUE),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
  };
}

function region(backend, options = {}, regionOptions = {}) {
  return makeRegion({ clock: fakeClock(), ...regionOptions }).configure(backend, { expirationTime: 60, ...options });
}

describe("the first read of getOrCreate, made in JS", () => {
  it("a write while the read is out: the core reads again and serves the written value, no creation", async () => {
    const b = heldBackend();
    const r = region(b);
    b.hold = deferred();
    let calls = 0;
    const pending = r.getOrCreate("k", () => ++calls);
    await settle();
    expect(b.gets).toEqual(["k"]);
    b.hold.resolve();
    b.hold = undefined;
    await r.set("k", "written"); // after the read began: its answer (nothing) is out of date
    expect(await pending).toBe("written");
    expect(calls).toBe(0);
    expect(b.gets).toEqual(["k", "k"]);
  });

  it("a write under way when the read begins and done while it is out: read again, no creation", async () => {
    const b = heldBackend();
    const r = region(b);
    b.setGate = deferred();
    const writing = r.set("k", "written");
    await settle();
    b.hold = deferred();
    let calls = 0;
    const pending = r.getOrCreate("k", () => ++calls);
    await settle();
    b.setGate.resolve();
    b.setGate = undefined;
    await writing;
    b.hold.resolve();
    b.hold = undefined;
    expect(await pending).toBe("written");
    expect(calls).toBe(0);
  });

  it("a write of another key while the read is out changes nothing: one read", async () => {
    const b = heldBackend();
    const r = region(b);
    await r.set("k", "stored");
    b.hold = deferred();
    const pending = r.getOrCreate("k", () => "created");
    await settle();
    b.hold.resolve();
    b.hold = undefined;
    await r.set("other", 1);
    expect(await pending).toBe("stored");
    expect(b.gets).toEqual(["k"]);
  });

  it("stale while revalidate: a call whose read is out while the regeneration's write lands reads the new value", async () => {
    const b = heldBackend();
    const clock = fakeClock();
    const background = [];
    const r = makeRegion({ clock, asyncCreationRunner: (_region, _key, run) => background.push(run()) }).configure(b, {
      expirationTime: 10,
    });
    let calls = 0;
    const creator = () => `v${++calls}`;
    expect(await r.getOrCreate("k", creator)).toBe("v1");
    clock.advance(11);
    b.setGate = deferred(); // the regeneration's write waits
    expect(await r.getOrCreate("k", creator)).toBe("v1"); // stale, regeneration in the background
    await settle();
    expect(calls).toBe(2);
    b.hold = deferred();
    const pending = r.getOrCreate("k", creator); // reads the old value…
    await settle();
    b.setGate.resolve(); // …while the new one is written
    b.setGate = undefined;
    await Promise.all(background);
    b.hold.resolve();
    b.hold = undefined;
    expect(await pending).toBe("v2");
    expect(calls).toBe(2);
  });

  it("calls sharing a read take the outcome of the first when it needs no I/O: one creation, one check", async () => {
    const sync = () => {
      const map = new Map();
      return {
        map,
        get: async (k) => (map.has(k) ? map.get(k) : NO_VALUE),
        set: (k, v) => void map.set(k, v),
        delete: (k) => void map.delete(k),
      };
    };
    // A creator that throws at once: called once, every call gets its error.
    let calls = 0;
    const throwing = region(sync());
    const failed = await Promise.all(
      Array.from({ length: 5 }, () =>
        throwing
          .getOrCreate("k", () => {
            calls++;
            throw new Error("no");
          })
          .catch((e) => e),
      ),
    );
    expect(calls).toBe(1);
    expect(new Set(failed).size).toBe(1);
    expect(throwing.stats().creatorErrors).toBe(1);
    // A value not kept (shouldCacheFn): created once, all get it; counted as 5 misses, one read.
    const s = sync();
    let gets = 0;
    const get = s.get;
    s.get = (k) => {
      gets++;
      return get(k);
    };
    const uncached = region(s);
    calls = 0;
    const values = await Promise.all(
      Array.from({ length: 5 }, () => uncached.getOrCreate("k", () => ++calls, { shouldCacheFn: () => false })),
    );
    expect(values).toEqual([1, 1, 1, 1, 1]);
    expect(gets).toBe(1);
    expect(uncached.stats()).toMatchObject({ misses: 5, hits: 0 });
    // A stored value: checked once, 5 hits.
    let checks = 0;
    const checked = region(sync(), {
      checkValue: () => {
        checks++;
        return true;
      },
    });
    await checked.set("k", "v");
    expect(await Promise.all(Array.from({ length: 5 }, () => checked.getOrCreate("k", () => "x")))).toEqual(["v", "v", "v", "v", "v"]);
    expect(checks).toBe(1);
    expect(checked.stats().hits).toBe(5);
  });

  it("calls sharing a read get what calls joining it get: the stale value while the first regenerates", async () => {
    const b = heldBackend();
    const clock = fakeClock();
    const r = makeRegion({ clock }).configure(b, { expirationTime: 10 });
    await r.set("k", "old");
    clock.advance(11);
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error("origin down");
    };
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => r.getOrCreate("k", failing).catch((e) => e.message)));
    expect(calls).toBe(1);
    expect(outcomes.filter((o) => o === "origin down")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "old")).toHaveLength(4);
    expect(r.stats().staleServed).toBe(4);
  });

  it("a value check that reaches the region for another key does not change what is counted", async () => {
    const b = heldBackend();
    let once = true;
    const r = region(b, {
      checkValue: () => {
        if (once) {
          once = false;
          r.getOrCreate("other", () => "o", { backendTimeout: 5 });
        }
        return true;
      },
    });
    await r.set("k", "v");
    expect(await Promise.all(Array.from({ length: 5 }, () => r.getOrCreate("k", () => "x")))).toEqual(["v", "v", "v", "v", "v"]);
    await settle();
    expect(r.stats()).toMatchObject({ hits: 5, misses: 1 });
  });

  it("a listener that deletes the key during a hit is not answered from the read it made out of date", async () => {
    const map = new Map();
    const r = region(asyncMap(map));
    await r.set("k", "old");
    let after;
    let once = true;
    r.on("hit", () => {
      if (once) {
        once = false;
        r.delete("k");
        after = r.get("k");
      }
    });
    expect(await r.getOrCreate("k", () => "x")).toBe("old");
    expect(await after).toBe(NO_VALUE);
  });

  it("a stored item whose getter writes the key while it is read leaves the region working", async () => {
    const map = new Map();
    const r = region(asyncMap(map));
    await r.set("k", "old");
    const stored = map.get("k");
    let once = true;
    let deleted;
    map.set("k", {
      get payload() {
        return stored.payload;
      },
      get metadata() {
        if (once) {
          once = false;
          deleted = r.delete("k"); // a write of the key while the core reads what the first read found
        }
        return stored.metadata;
      },
    });
    expect(["old", "new"]).toContain(await r.getOrCreate("k", () => "new"));
    await deleted;
    expect(await r.getOrCreate("other", () => 1)).toBe(1);
    await r.set("k", "again");
    expect(await r.get("k")).toBe("again");
  });

  it("without a write meanwhile, the read's answer is used as it is: one read, one creation", async () => {
    const b = heldBackend();
    const r = region(b);
    let calls = 0;
    expect(await r.getOrCreate("k", () => ++calls)).toBe(1);
    expect(await r.getOrCreate("k", () => ++calls)).toBe(1);
    expect(calls).toBe(1);
    expect(b.gets).toEqual(["k", "k"]);
    expect(r.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it("concurrent calls share one read; a call during the creation joins it without reading", async () => {
    const b = heldBackend();
    const r = region(b);
    b.hold = deferred();
    const gate = deferred();
    let calls = 0;
    const creator = async () => {
      calls++;
      await gate.promise;
      return { made: calls };
    };
    const first = Array.from({ length: 50 }, () => r.getOrCreate("cold", creator));
    await settle();
    b.hold.resolve();
    b.hold = undefined;
    await settle();
    expect(calls).toBe(1);
    const late = r.getOrCreate("cold", creator); // the creation runs: joined, no read
    await settle();
    gate.resolve();
    const values = await Promise.all([...first, late]);
    expect(new Set(values).size).toBe(1);
    expect(calls).toBe(1);
    expect(b.gets).toEqual(["cold"]);
  });

  it("a failed read: every call that shared it gets the error, reported once; the next call reads again", async () => {
    const b = heldBackend();
    const errors = [];
    const r = region(b, {}, { onError: (e) => errors.push(e) });
    b.hold = deferred();
    b.failNext = new Error("read failed");
    let calls = 0;
    const all = Array.from({ length: 10 }, () => r.getOrCreate("k", () => ++calls).catch((e) => e));
    await settle();
    b.hold.resolve();
    b.hold = undefined;
    const outcomes = await Promise.all(all);
    expect(outcomes.every((e) => e instanceof Error && e.name === "BackendError")).toBe(true);
    expect(new Set(outcomes).size).toBe(1);
    expect(r.stats().backendErrors).toBe(1);
    expect(calls).toBe(0);
    expect(b.gets).toEqual(["k"]);
    expect(await r.getOrCreate("k", () => ++calls)).toBe(1);
    expect(b.gets).toEqual(["k", "k"]);
  });

  it("a get that throws synchronously is a failed read too", async () => {
    const r = region({
      get() {
        throw new Error("sync");
      },
      set() {},
      delete() {},
    });
    await expect(r.getOrCreate("k", () => 1)).rejects.toMatchObject({ name: "BackendError" });
    expect(r.stats().backendErrors).toBe(1);
  });

  it("reads the mangled key, once per call", async () => {
    const b = heldBackend();
    const r = region(b, {}, { keyMangler: (k) => `m:${k}` });
    expect(await r.getOrCreate("a", () => "made")).toBe("made");
    expect(await r.getOrCreate("a", () => "again")).toBe("made");
    expect(b.gets).toEqual(["m:a", "m:a"]);
    expect([...b.map.keys()]).toEqual(["m:a"]);
  });

  it("a value the check rejects is not served from the read: it is created again", async () => {
    const b = heldBackend();
    const r = region(b, { checkValue: (v) => v !== "bad" });
    await r.set("k", "bad");
    expect(await r.getOrCreate("k", () => "good")).toBe("good");
    expect(await r.getOrCreate("k", () => "other")).toBe("good");
  });

  it("a region with a backendTimeout leaves its reads to the core, which bounds them", async () => {
    const never = { get: () => new Promise(() => {}), set() {}, delete() {} };
    const r = region(never, { backendTimeout: 0.01 }, { clock: undefined });
    await expect(r.getOrCreate("k", () => 1)).rejects.toMatchObject({ name: "BackendError" });
  });
});
