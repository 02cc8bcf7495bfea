// One suite for every backend, inside workerd (dogpile's fixtures.py pattern). A backend's
// test file names it, its arguments and its capabilities; cases skip by capability.
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE } from "../../src/js/workerd.js";
import { fakeClock } from "./helpers.js";

let unique = 0;

/**
 * @param {string} label
 * @param {{ backend: string | (() => object), arguments?: object | (() => object), wrap?: () => any[],
 *           persists: boolean, bounded?: boolean, configure?: object, json?: boolean }} spec  configure: more
 *           options for every region of the suite (an l1 tier, say); json: values pass a JSON codec
 */
export function conformance(label, spec) {
  const make = (options = {}, regionOptions = {}) => {
    const clock = fakeClock();
    const wrap = spec.wrap?.();
    const args = typeof spec.arguments === "function" ? spec.arguments() : spec.arguments;
    const backend = typeof spec.backend === "function" ? spec.backend() : spec.backend;
    const r = makeRegion({ clock, ...regionOptions }).configure(backend, { arguments: args, wrap, ...spec.configure, ...options });
    return { r, clock };
  };
  // keys unique per test, so backends that share state across tests stay independent
  const key = (name) => `${label}:${name}:${++unique}`;
  const itPersists = spec.persists ? it : it.skip;

  describe(`${label} conformance`, () => {
    it("get of a missing key is NO_VALUE", async () => {
      const { r } = make();
      expect(await r.get(key("missing"))).toBe(NO_VALUE);
    });

    it("set, get, delete", async () => {
      const { r } = make();
      const k = key("sgd");
      await r.set(k, { a: [1, 2, { b: "c" }] });
      expect(await r.get(k)).toEqual(spec.persists ? { a: [1, 2, { b: "c" }] } : NO_VALUE);
      await r.delete(k);
      expect(await r.get(k)).toBe(NO_VALUE);
    });

    itPersists("stores every kind of plain value", async () => {
      const { r } = make();
      const values = [
        null,
        true,
        false,
        0,
        -1.5,
        2 ** 53,
        "",
        "héllo ☃ 😀",
        [],
        {},
        [null, [[]]],
        { x: { y: { z: 1 } } },
        // A JSON codec refuses bytes (values.test.js); every other store keeps them.
        ...(spec.json ? [] : [new Uint8Array([0, 255])]),
      ];
      for (const [i, v] of values.entries()) {
        const k = key(`kind${i}`);
        await r.set(k, v);
        expect(await r.get(k)).toEqual(v);
      }
    });

    it("getMulti, setMulti, deleteMulti", async () => {
      const { r } = make();
      const [a, b, c] = [key("a"), key("b"), key("c")];
      await r.setMulti({ [a]: 1, [b]: 2 });
      expect(await r.getMulti([a, c, b])).toEqual(spec.persists ? [1, NO_VALUE, 2] : [NO_VALUE, NO_VALUE, NO_VALUE]);
      await r.deleteMulti([a]);
      expect((await r.getMulti([a]))[0]).toBe(NO_VALUE);
      await r.setMulti(new Map([[c, 3]]));
      expect(await r.get(c)).toBe(spec.persists ? 3 : NO_VALUE);
    });

    it("getOrCreate creates once, then hits", async () => {
      const { r } = make();
      const k = key("goc");
      let calls = 0;
      for (let i = 0; i < 3; i++) expect(await r.getOrCreate(k, () => `v${++calls}`)).toBe(spec.persists ? "v1" : `v${i + 1}`);
      expect(calls).toBe(spec.persists ? 1 : 3);
    });

    itPersists("expirationTime per region, per call, as a function, and -1 = never", async () => {
      const { r, clock } = make({ expirationTime: 10 });
      let calls = 0;
      const creator = () => ++calls;
      const [k1, k2, k3, k4] = [key("region"), key("call"), key("fn"), key("never")];
      await r.getOrCreate(k1, creator);
      await r.getOrCreate(k2, creator, { expirationTime: 1 });
      let fnCalls = 0;
      const ttlFn = () => {
        fnCalls++;
        return 5;
      };
      await r.getOrCreate(k3, creator, { expirationTime: ttlFn });
      await r.getOrCreate(k4, creator, { expirationTime: -1 });
      clock.advance(2);
      expect(await r.get(k1)).toBe(1);
      expect(await r.get(k2, { expirationTime: 1 })).toBe(NO_VALUE);
      expect(await r.getOrCreate(k2, creator, { expirationTime: 1 })).toBe(5);
      clock.advance(4);
      expect(await r.getOrCreate(k3, creator, { expirationTime: ttlFn })).toBe(6);
      expect(fnCalls).toBe(2);
      clock.advance(1e6);
      expect(await r.get(k1)).toBe(NO_VALUE);
      expect(await r.get(k1, { ignoreExpiration: true })).toBe(1);
      expect(await r.getOrCreate(k4, creator, { expirationTime: -1 })).toBe(4);
    });

    itPersists("a region-level expirationTime function is evaluated per call", async () => {
      let ttl = 100;
      const { r, clock } = make({ expirationTime: () => ttl });
      const k = key("fnregion");
      await r.set(k, "v");
      clock.advance(50);
      expect(await r.getOrCreate(k, () => "new")).toBe("v");
      ttl = 10;
      expect(await r.getOrCreate(k, () => "new")).toBe("new");
    });

    it("shouldCacheFn decides what is stored", async () => {
      const { r } = make();
      const k = key("should");
      let calls = 0;
      const creator = () => ({ ok: ++calls > 1 });
      const shouldCacheFn = (v) => v.ok;
      expect(await r.getOrCreate(k, creator, { shouldCacheFn })).toEqual({ ok: false });
      expect(await r.get(k)).toBe(NO_VALUE);
      expect(await r.getOrCreate(k, creator, { shouldCacheFn })).toEqual({ ok: true });
      expect(await r.get(k)).toEqual(spec.persists ? { ok: true } : NO_VALUE);
    });

    it("creatorArgs are passed to the creator", async () => {
      const { r } = make();
      expect(await r.getOrCreate(key("args"), (a, b) => a + b, { creatorArgs: [2, 3] })).toBe(5);
    });

    it("getOrCreateMulti calls the creator once with exactly the missing keys", async () => {
      const { r } = make();
      const [a, b, c] = [key("ma"), key("mb"), key("mc")];
      await r.set(b, "stored");
      const asked = [];
      const creator = async (...keys) => {
        asked.push(keys);
        return keys.map((k) => `made:${k}`);
      };
      const got = await r.getOrCreateMulti([a, b, c, a], creator);
      if (spec.persists) {
        expect(got).toEqual([`made:${a}`, "stored", `made:${c}`, `made:${a}`]);
        expect(asked).toEqual([[a, c]]);
        expect(await r.getOrCreateMulti([a, b, c], creator)).toEqual([`made:${a}`, "stored", `made:${c}`]);
        expect(asked.length).toBe(1);
      } else {
        expect(got).toEqual([`made:${a}`, `made:${b}`, `made:${c}`, `made:${a}`]);
        expect(asked).toEqual([[a, b, c]]);
      }
    });

    it("concurrent cold calls share one read and one creation; every caller gets its value", async () => {
      const { r } = make();
      const k = key("concurrent");
      let calls = 0;
      let release;
      const gate = new Promise((resolve) => (release = resolve));
      const all = Promise.all(Array.from({ length: 20 }, () => r.getOrCreate(k, () => gate.then(() => `v${++calls}`))));
      release();
      expect(new Set(await all)).toEqual(new Set(["v1"]));
      expect(calls).toBe(1);
    });

    itPersists("a stale value is served to others while one caller regenerates it", async () => {
      const { r, clock } = make({ expirationTime: 10 });
      const k = key("stale");
      await r.getOrCreate(k, () => "old");
      clock.advance(11);
      let release;
      const gate = new Promise((resolve) => (release = resolve));
      const regenerating = r.getOrCreate(k, () => gate.then(() => "new")); // this caller regenerates
      const others = await Promise.all(Array.from({ length: 5 }, () => r.getOrCreate(k, () => "never")));
      expect(others).toEqual(Array(5).fill("old"));
      release();
      expect(await regenerating).toBe("new");
      expect(await r.getOrCreate(k, () => "never")).toBe("new");
    });

    itPersists("invalidate(hard) drops values; invalidate(false) makes them stale", async () => {
      const { r } = make();
      const k = key("inv");
      let calls = 0;
      const creator = () => ++calls;
      await r.getOrCreate(k, creator);
      r.invalidate();
      expect(await r.get(k)).toBe(NO_VALUE);
      expect(await r.getOrCreate(k, creator)).toBe(2);
      expect(await r.getOrCreate(k, creator)).toBe(2);
      r.invalidate(false);
      expect(await r.get(k)).toBe(NO_VALUE);
      expect(await r.get(k, { ignoreExpiration: true })).toBe(2);
      expect(await r.getOrCreate(k, creator)).toBe(3);
    });

    it("keyMangler applies to every key", async () => {
      const seen = [];
      const { r } = make(
        {},
        {
          keyMangler: (k) => {
            seen.push(k);
            return `p:${k}`;
          },
        },
      );
      const k = key("mangle");
      await r.set(k, 1);
      await r.getOrCreate(k, () => 2);
      await r.getMulti([k]);
      await r.delete(k);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(seen.every((s) => s === k)).toBe(true);
    });

    if (spec.bounded) {
      it("drops the least recently used entry when full", async () => {
        const small = makeRegion().configure(spec.backend, { arguments: { ...spec.arguments, maxEntries: 2 } });
        await small.set("a", 1);
        await small.set("b", 2);
        await small.get("a");
        await small.set("c", 3);
        expect(await small.getMulti(["a", "b", "c"])).toEqual([1, NO_VALUE, 3]);
      });
    }
  });
}
