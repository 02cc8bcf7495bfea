// ProxyBackend chains: order, partial overrides, the built-in proxies, and misbehaving proxies.
import { describe, expect, it } from "vitest";
import {
  BackendError,
  CachedValue,
  CompressionProxy,
  decodeCachedValue,
  encodeCachedValue,
  JsonCodecProxy,
  makeRegion,
  NO_VALUE,
  ProxyBackend,
  registerBackend,
  StatsProxy,
  ValidationError,
} from "../../src/js/workerd.js";
import { mapBackend } from "./helpers.js";
import { decode, encode } from "@msgpack/msgpack";

class Recorder extends ProxyBackend {
  constructor(name, log) {
    super();
    this.name = name;
    this.log = log;
  }
  get(key) {
    this.log.push(`${this.name}.get`);
    return this.proxied.get(key);
  }
  set(key, value) {
    this.log.push(`${this.name}.set`);
    return this.proxied.set(key, value);
  }
}

describe("the chain", () => {
  it("first item of wrap is outermost, as dogpile's", async () => {
    const log = [];
    const r = makeRegion().configure("edgepile.memory", { wrap: [new Recorder("outer", log), new Recorder("inner", log)] });
    await r.set("k", 1);
    await r.get("k");
    expect(log).toEqual(["outer.set", "inner.set", "outer.get", "inner.get"]);
    expect(r.backend.name).toBe("outer");
    expect(r.backend.proxied.name).toBe("inner");
    expect(r.backend.proxied.proxied).toBe(r.actualBackend);
  });

  it("a proxy that overrides only get/set also sees the multi forms", async () => {
    const log = [];
    const r = makeRegion().configure("edgepile.memory", { wrap: [new Recorder("p", log)] });
    await r.setMulti({ a: 1, b: 2 });
    expect(await r.getMulti(["a", "b"])).toEqual([1, 2]);
    await r.getOrCreateMulti(["c"], () => [3]);
    expect(log.filter((l) => l === "p.set")).toHaveLength(3);
    expect(log.filter((l) => l === "p.get")).toHaveLength(3);
  });

  it("accepts classes and instances; refuses anything else", () => {
    expect(() => makeRegion().configure("edgepile.memory", { wrap: [StatsProxy, new StatsProxy()] })).not.toThrow();
    expect(() => makeRegion().configure("edgepile.memory", { wrap: [{}] })).toThrow(ValidationError);
    expect(() => makeRegion().configure("edgepile.memory", { wrap: StatsProxy })).toThrow(ValidationError);
  });

  it("a proxy that throws gives a BackendError carrying the original error", async () => {
    const boom = new Error("proxy down");
    class Failing extends ProxyBackend {
      get() {
        throw boom;
      }
    }
    const r = makeRegion().configure("edgepile.memory", { wrap: [Failing] });
    const err = await r.get("k").catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.cause).toBe(boom);
    await expect(r.getOrCreate("k", () => 1)).rejects.toBeInstanceOf(BackendError);
  });

  it("a proxy without a method is told so; a method that throws a TypeError is the backend's failure", async () => {
    // `wrap` may hand back any object as the chain's top: this one has get/set/delete only.
    const partial = {
      wrap: (inner) => ({ get: (k) => inner.get(k), set: (k, v, o) => inner.set(k, v, o), delete: (k) => inner.delete(k) }),
    };
    const r = makeRegion().configure("edgepile.memory", { wrap: [partial] });
    await r.set("k", "v");
    expect(await r.get("k")).toBe("v");
    const err = await r.getMulti(["k"]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("the backend has no getMulti() method");
    const typeError = new TypeError("x is not a function");
    const throwing = { wrap: () => ({ get: () => Promise.reject(typeError), set() {}, delete() {}, getMulti: () => [] }) };
    const t = makeRegion().configure("edgepile.memory", { wrap: [throwing] });
    const failed = await t.get("k").catch((e) => e);
    expect(failed).toBeInstanceOf(BackendError);
    expect(failed.cause).toBe(typeError);
  });

  it("a lease client without acquire() is told so, and the value is created without the lease", async () => {
    registerBackend("test.partial-leases", () => {
      const b = mapBackend();
      const getMulti = async (keys) => keys.map((k) => b.get(k));
      const setMulti = async (mapping) => Object.entries(mapping).forEach(([k, v]) => b.set(k, v));
      const deleteMulti = async (keys) => keys.forEach((k) => b.delete(k));
      return { ...b, getMulti, setMulti, deleteMulti, leases: { release() {} } };
    });
    const reported = [];
    const r = makeRegion({ onError: (e) => reported.push(e) }).configure("test.partial-leases", { expirationTime: 10 });
    expect(await r.getOrCreate("k", () => 1)).toBe(1);
    expect(reported.map((e) => [e.constructor, e.message])).toEqual([[ValidationError, "the lease client has no acquire() method"]]);
  });

  it("a proxy returning something unreadable is a miss, reported to onError", async () => {
    const reported = [];
    class Garbage extends ProxyBackend {
      get() {
        return 42;
      }
    }
    const r = makeRegion({ onError: (e) => reported.push(e) }).configure("edgepile.memory", { wrap: [Garbage] });
    await r.set("k", "v");
    expect(await r.get("k")).toBe(NO_VALUE);
    expect(await r.getOrCreate("k", () => "fresh")).toBe("fresh");
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(reported[0]).toBeInstanceOf(BackendError);
  });
});

describe("built-in proxies", () => {
  it("StatsProxy counts hits, misses, sets, deletes and the hit ratio", async () => {
    const stats = new StatsProxy();
    const r = makeRegion().configure("edgepile.memory", { wrap: [stats] });
    await r.getOrCreate("a", () => 1); // miss + set
    await r.getOrCreate("a", () => 1); // hit
    await r.getOrCreate("a", () => 1); // hit
    await r.getMulti(["a", "b"]); // hit + miss
    await r.delete("a");
    expect(stats.stats()).toEqual({ hits: 3, misses: 2, sets: 1, deletes: 1, hitRatio: 0.6 });
    stats.reset();
    expect(stats.stats().hits).toBe(0);
  });

  it("StatsProxy counts a custom backend's undefined as a miss, as the core reads it", async () => {
    const stats = new StatsProxy();
    const backend = { get: () => undefined, set() {}, delete() {}, getMulti: (ks) => ks.map(() => undefined) };
    const r = makeRegion().configure(backend, { wrap: [stats] });
    expect(await r.get("a")).toBe(NO_VALUE);
    expect(await r.getMulti(["a", "b"])).toEqual([NO_VALUE, NO_VALUE]);
    expect(stats.stats()).toMatchObject({ hits: 0, misses: 3 });
  });

  it("JsonCodecProxy: the store keeps exactly the JSON text", async () => {
    const r = makeRegion().configure("edgepile.memory", { wrap: [JsonCodecProxy] });
    await r.set("k", { a: [1, "two", null], b: { c: true } });
    const stored = r.actualBackend.get("k");
    expect(typeof stored).toBe("string");
    const parsed = JSON.parse(stored);
    expect(parsed.payload).toEqual({ a: [1, "two", null], b: { c: true } });
    expect(typeof parsed.metadata.ct).toBe("number");
    expect(JSON.stringify(parsed)).toBe(stored); // one encoding pass, nothing wrapped around it
    expect(await r.get("k")).toEqual({ a: [1, "two", null], b: { c: true } });
  });

  it("JsonCodecProxy refuses what JSON cannot hold, and reads foreign text as a miss", async () => {
    const r = makeRegion().configure("edgepile.memory", { wrap: [JsonCodecProxy] });
    await expect(r.set("k", { big: 1n })).rejects.toBeInstanceOf(ValidationError);
    await expect(r.set("k", new Uint8Array(1))).rejects.toBeInstanceOf(ValidationError);
    r.actualBackend.set("foreign", "not json {");
    expect(await r.get("foreign")).toBe(NO_VALUE);
    r.actualBackend.set("other", JSON.stringify({ some: "tool" }));
    expect(await r.get("other")).toBe(NO_VALUE);
  });

  it("CompressionProxy stores gzip of the MessagePack envelope, and reads it back", async () => {
    const r = makeRegion().configure("edgepile.memory", { wrap: [CompressionProxy] });
    const doc = { text: "edgepile ".repeat(500), n: [1, 2, 3] };
    await r.set("k", doc);
    const stored = r.actualBackend.get("k");
    expect(stored).toBeInstanceOf(Uint8Array);
    expect([stored[0], stored[1]]).toEqual([0x1f, 0x8b]);
    expect(stored.length).toBeLessThan(200);
    const raw = new Uint8Array(await new Response(new Blob([stored]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    expect(decodeCachedValue(raw).payload).toEqual(doc);
    expect(await r.get("k")).toEqual(doc);
    r.actualBackend.set("bad", new Uint8Array([1, 2, 3]));
    expect(await r.get("bad")).toBe(NO_VALUE);
  });

  it("JSON codec under compression: compressed JSON text", async () => {
    const r = makeRegion().configure("edgepile.memory", { wrap: [JsonCodecProxy, new CompressionProxy({ format: "deflate" })] });
    await r.set("k", { hello: "world" });
    const stored = r.actualBackend.get("k");
    const text = await new Response(new Blob([stored]).stream().pipeThrough(new DecompressionStream("deflate"))).text();
    expect(JSON.parse(text).payload).toEqual({ hello: "world" });
    expect(await r.get("k")).toEqual({ hello: "world" });
  });
});

describe("the MessagePack envelope", () => {
  it("round-trips plain data, keeping __proto__ keys as data", () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "list": [1.5, -2, "x", null, true], "big": 1}');
    payload.bytes = new Uint8Array([0, 1, 255]);
    payload.large = 2n ** 60n;
    const bytes = encodeCachedValue(new CachedValue(payload, { ct: 123.5, v: 1 }));
    const back = decodeCachedValue(bytes);
    expect(back).toBeInstanceOf(CachedValue);
    expect(back.metadata).toEqual({ ct: 123.5, v: 1 });
    expect(Object.hasOwn(back.payload, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(back.payload)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.payload, "__proto__")?.value).toEqual({ polluted: true });
    expect({}.polluted).toBeUndefined();
    expect(back.payload.list).toEqual([1.5, -2, "x", null, true]);
    expect(back.payload.bytes).toEqual(new Uint8Array([0, 1, 255]));
    expect(back.payload.large).toBe(2n ** 60n);
  });

  it("the envelope is [payload, [ct, v]], readable by any MessagePack reader; the named metadata form still reads", () => {
    const bytes = encodeCachedValue(new CachedValue({ a: 1 }, { ct: 7.25, v: 1 }));
    expect(decode(bytes)).toEqual([{ a: 1 }, [7.25, 1]]);
    const named = decodeCachedValue(encode([{ a: 1 }, { ct: 7.25, v: 1 }]));
    expect(named.payload).toEqual({ a: 1 });
    expect(named.metadata).toEqual({ ct: 7.25, v: 1 });
  });

  it("foreign or broken bytes are a BackendError", () => {
    for (const bad of [new Uint8Array([]), new TextEncoder().encode('{"a":1}'), new Uint8Array([0x92, 0x01])]) {
      expect(() => decodeCachedValue(bad)).toThrow(BackendError);
    }
  });
});
