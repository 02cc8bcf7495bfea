// Bad input: a typed error, nothing stored, and the wasm module keeps working afterwards.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  makeRegion,
  NO_VALUE,
  EdgepileError,
  ValidationError,
  RegionNotConfigured,
  RegionAlreadyConfigured,
} from "../../src/js/workerd.js";

const fresh = () => makeRegion().configure("edgepile.memory", { expirationTime: 60 });

async function rejectsWith(promise, Cls) {
  const err = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(err, "expected a rejection").toBeInstanceOf(Cls);
  expect(err).toBeInstanceOf(EdgepileError);
  expect(err.name).toBe(Cls.name);
  return err;
}

describe("keys", () => {
  const badKeys = [1, null, undefined, {}, ["a"], Symbol("s"), 1n, "\uD800 lone surrogate"];
  for (const k of badKeys) {
    it(`${typeof k === "symbol" ? "a symbol" : JSON.stringify(String(k))} is refused everywhere`, async () => {
      const r = fresh();
      await rejectsWith(r.get(k), ValidationError);
      await rejectsWith(r.set(k, 1), ValidationError);
      await rejectsWith(r.delete(k), ValidationError);
      await rejectsWith(
        r.getOrCreate(k, () => 1),
        ValidationError,
      );
      await rejectsWith(r.getMulti([k]), ValidationError);
      await rejectsWith(r.deleteMulti([k]), ValidationError);
      await rejectsWith(
        r.getOrCreateMulti(["ok", k], () => [1, 2]),
        ValidationError,
      );
    });
  }
  it("multi forms want arrays", async () => {
    await rejectsWith(fresh().getMulti("abc"), ValidationError);
    await rejectsWith(fresh().setMulti(["a", 1]), ValidationError);
  });
});

describe("values that cannot be stored", () => {
  const circular = { a: 1 };
  circular.self = circular;
  const deep = [];
  let cur = deep;
  for (let i = 0; i < 10_000; i++) cur = cur[0] = [];
  const cases = {
    function: () => 1,
    symbol: Symbol("x"),
    "nested function": { a: [1, { f() {} }] },
    circular,
    "10,000-deep": deep,
    "class instance": new (class Point {
      x = 1;
    })(),
    "a Map subclass": new (class Registry extends Map {})(),
    "a Promise inside": { pending: Promise.resolve(1) },
    WeakMap: new WeakMap(),
    Error: new Error("x"),
    "a circular Map": (() => {
      const m = new Map();
      m.set("me", m);
      return m;
    })(),
  };
  for (const [name, value] of Object.entries(cases)) {
    it(`${name}: set, setMulti and a creator returning it are refused, nothing stored`, async () => {
      const r = fresh();
      await rejectsWith(r.set("k", value), ValidationError);
      await rejectsWith(r.setMulti({ ok: 1, k: value }), ValidationError);
      expect(await r.getMulti(["ok", "k"])).toEqual([NO_VALUE, NO_VALUE]);
      await rejectsWith(
        r.getOrCreate("k", () => value),
        ValidationError,
      );
      await rejectsWith(
        r.getOrCreate("k", async () => value),
        ValidationError,
      );
      await rejectsWith(
        r.getOrCreateMulti(["k"], () => [value]),
        ValidationError,
      );
      expect(await r.get("k")).toBe(NO_VALUE);
      expect(await r.getOrCreate("k", () => "fine")).toBe("fine");
    });
  }
  it("the error says where, what and what to do", async () => {
    const err = await rejectsWith(fresh().set("k", { order: { pending: [Promise.resolve(1)] } }), ValidationError);
    expect(err.message).toContain(".order.pending[0]");
    expect(err.message).toContain("a Promise");
    expect(err.message).toContain("await it");
  });
  it("Dates, Maps, Sets, BigInts of any size, typed arrays, undefined and shared references are fine", async () => {
    const r = fresh();
    const shared = { s: 1 };
    await r.set("k", {
      big: 2n ** 70n,
      u: undefined,
      n: null,
      a: shared,
      b: shared,
      at: new Date(0),
      m: new Map(),
      f: new Float64Array(2),
    });
    expect((await r.get("k")).big).toBe(2n ** 70n);
  });
});

describe("expiration times", () => {
  for (const bad of [-2, -0.5, NaN, Infinity, "10", null, () => -5, () => NaN]) {
    it(`${String(bad)} is refused at configure and per call`, async () => {
      expect(() => makeRegion().configure("edgepile.memory", { expirationTime: bad })).toThrow(ValidationError);
      const r = fresh();
      await rejectsWith(
        r.getOrCreate("k", () => 1, { expirationTime: bad }),
        ValidationError,
      );
      await rejectsWith(r.get("k", { expirationTime: bad }), ValidationError);
      expect(await r.get("k")).toBe(NO_VALUE);
    });
  }
});

describe("region lifecycle and options", () => {
  it("use before configure is RegionNotConfigured", async () => {
    const r = makeRegion({ name: "early" });
    expect(r.isConfigured).toBe(false);
    const err = await rejectsWith(
      r.getOrCreate("k", () => 1),
      RegionNotConfigured,
    );
    expect(err.message).toContain("early");
    await rejectsWith(r.get("k"), RegionNotConfigured);
    expect(() => r.invalidate()).toThrow(RegionNotConfigured);
  });

  it("configure twice is RegionAlreadyConfigured, unless replacing on purpose", async () => {
    const r = fresh();
    await r.set("k", 1);
    expect(() => r.configure("edgepile.memory")).toThrow(RegionAlreadyConfigured);
    expect(await r.get("k")).toBe(1);
    r.configure("edgepile.null", { replaceExistingBackend: true });
    expect(await r.get("k")).toBe(NO_VALUE);
  });

  it("unknown backends, options and arguments are refused by name", () => {
    expect(() => makeRegion().configure("dogpile.cache.memory")).toThrow(/known: edgepile.memory/);
    expect(() => makeRegion().configure("edgepile.redis", { arguments: { url: "redis://127.0.0.1:6379" } })).toThrow(
      /edgepile.redis runs in Node/,
    );
    for (const [backend, args] of [
      ["edgepile.cloudflare_kv", { namespace: env.CACHE }],
      ["edgepile.cloudflare_cache", {}],
      ["edgepile.durable_object", { namespace: env.STORE }],
    ]) {
      for (const staleTtl of [-400, Number.NaN, "60", Infinity]) {
        expect(() => makeRegion().configure(backend, { arguments: { ...args, staleTtl } }), `${backend} ${staleTtl}`).toThrow(
          /staleTtl must be a number of seconds ≥ 0/,
        );
      }
    }
    expect(() => makeRegion().configure("edgepile.memory", { expiration_time: 5 })).toThrow(/no option "expiration_time"/);
    expect(() => makeRegion().configure("edgepile.memory", { arguments: { max_entries: 5 } })).toThrow(ValidationError);
    expect(() => makeRegion().configure("edgepile.memory", { arguments: { maxEntries: 0 } })).toThrow(ValidationError);
    expect(() => makeRegion({ key_mangler: String })).toThrow(ValidationError);
    expect(() => makeRegion({ keyMangler: "nope" })).toThrow(ValidationError);
  });

  it("non-function creators and hooks are refused", async () => {
    const r = fresh();
    await rejectsWith(r.getOrCreate("k", "value"), ValidationError);
    await rejectsWith(
      r.getOrCreate("k", () => 1, { shouldCacheFn: true }),
      ValidationError,
    );
    await rejectsWith(
      r.getOrCreate("k", () => 1, { creatorArgs: "ab" }),
      ValidationError,
    );
    await rejectsWith(
      r.getOrCreate("k", () => 1, { should_cache_fn: () => true }),
      ValidationError,
    );
    await rejectsWith(
      r.getOrCreateMulti(["a"], () => "not an array"),
      ValidationError,
    );
    await rejectsWith(
      r.getOrCreateMulti(["a", "b"], () => [1]),
      ValidationError,
    );
    expect(await r.getMulti(["a", "b"])).toEqual([NO_VALUE, NO_VALUE]);
  });

  it("a multi creator that returns the wrong number of values failed: its regenerations end not ok, a creator error", async () => {
    const r = fresh();
    const ends = [];
    r.on("regenerationEnd", (e) => ends.push(e.ok));
    await rejectsWith(
      r.getOrCreateMulti(["x", "y"], () => [1]),
      ValidationError,
    );
    expect(ends).toEqual([false, false]);
    expect(r.stats().creatorErrors).toBe(1);
  });

  it("bad call options are refused on a hit as on a miss", async () => {
    const r = fresh();
    expect(await r.getOrCreate("hit", () => 1)).toBe(1);
    for (const options of [{ shouldCacheFn: true }, { creatorArgs: "ab" }, { ctx: {} }, { checkValue: 5 }, { migrate: "x" }]) {
      await rejectsWith(
        r.getOrCreate("hit", () => 2, options),
        ValidationError,
      );
    }
    expect(await r.getOrCreate("hit", () => 2)).toBe(1);
  });

  it("a throwing or non-string keyMangler is a ValidationError, not a trap", async () => {
    const cause = new Error("mangler bug");
    const r = makeRegion({
      keyMangler: () => {
        throw cause;
      },
    }).configure("edgepile.memory");
    const err = await rejectsWith(
      r.getOrCreate("k", () => 1),
      ValidationError,
    );
    expect(err.cause).toBe(cause);
    const r2 = makeRegion({ keyMangler: () => 42 }).configure("edgepile.memory");
    await rejectsWith(r2.set("k", 1), ValidationError);
  });

  it("the module keeps working after every error above", async () => {
    const r = fresh();
    expect(await r.getOrCreate("after", () => "alive")).toBe("alive");
    expect(await r.getOrCreate("after", () => "again")).toBe("alive");
  });
});

describe("strings that cannot be encoded", () => {
  it("a lone surrogate in a value or an object key is refused, not silently replaced", async () => {
    const r = fresh();
    await rejectsWith(r.set("k", "a\uD800b"), ValidationError);
    await rejectsWith(r.set("k", { "\uDC00": 1 }), ValidationError);
    await rejectsWith(
      r.getOrCreate("k", () => ["ok", "\uD83D"]),
      ValidationError,
    );
    expect(await r.get("k")).toBe(NO_VALUE);
    await r.set("k", "a\uD83D\uDE00b"); // a proper pair is fine
    expect(await r.get("k")).toBe("a😀b");
  });
});
