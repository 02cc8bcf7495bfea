// Values as users have them (issue 16): what structuredClone keeps comes back equal from every
// backend and every built-in proxy chain, thousands of random values of every type; the memory
// backend returns the very same object; what cannot be stored is refused with its path and type
// before anything is written; KV holds exactly the envelope's bytes.
import { env } from "cloudflare:test";
import { decode as msgpackDecode, encode as msgpackEncode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import {
  CachedValue,
  CompressionProxy,
  decodeCachedValue,
  encodeCachedValue,
  FaultProxy,
  JsonCodecProxy,
  makeRegion,
  NO_VALUE,
  ProxyBackend,
  StatsProxy,
  ValidationError,
} from "../../src/js/workerd.js";
import { wrapBinary } from "../../pkg/edgepile.js";
import { difference, rng, TYPED_ARRAYS, value } from "./values.js";

const META = { ct: 1_700_000_000.5, v: 1 };
const roundTrip = (v) => decodeCachedValue(encodeCachedValue(new CachedValue(v, META))).payload;

describe("the envelope keeps what structuredClone keeps", () => {
  it("5,000 random nested values of every type come back equal (and structuredClone agrees)", () => {
    const r = rng(16);
    for (let i = 0; i < 5000; i++) {
      const v = value(r);
      expect(difference(v, structuredClone(v)), `case ${i}: the comparison itself`).toBeUndefined();
      expect(difference(v, roundTrip(v)), `case ${i}`).toBeUndefined();
    }
  });

  it("each type on its own, at the top level and nested", () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const shared = { s: 1 };
    const cases = [
      10n,
      -10n,
      2n ** 64n,
      -(2n ** 200n),
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      2 ** 60,
      undefined,
      null,
      new Date(1_700_000_000_123),
      new Date(NaN),
      new Date(-1),
      new Map([[{ k: 1 }, new Set([1n])]]),
      new Set(["a", 1]),
      /x+/giu,
      new ArrayBuffer(3),
      new DataView(new ArrayBuffer(4)),
      sparse,
      [undefined, null],
      { u: undefined },
      { a: shared, b: [shared] },
      ...TYPED_ARRAYS.map((T) => new T([1, 2, 3].map((n) => (T.name.startsWith("Big") ? BigInt(n) : n)))),
    ];
    for (const v of cases) {
      expect(difference(v, roundTrip(v))).toBeUndefined();
      expect(difference({ nested: [v] }, roundTrip({ nested: [v] }))).toBeUndefined();
    }
    expect(typeof roundTrip(10n)).toBe("bigint");
    expect(typeof roundTrip(10)).toBe("number");
    const back = roundTrip({ a: shared, b: [shared] });
    expect(back.a).toBe(back.b[0]);
    expect(1 in roundTrip(sparse)).toBe(false);
  });

  it("stored sizes: a Date is 10 bytes (6 on a whole second), 10n is 4, undefined 3", () => {
    const bytesOf = (v) => encodeCachedValue(new CachedValue(v, META)).length - encodeCachedValue(new CachedValue(null, META)).length + 1;
    expect(bytesOf(new Date(1_700_000_000_123))).toBe(10);
    expect(bytesOf(new Date(1_700_000_000_000))).toBe(6);
    expect(bytesOf(10n)).toBe(4);
    expect(bytesOf(undefined)).toBe(3);
    expect(bytesOf(new Map([["a", 1]]))).toBe(6); // fixext4 header 2 + fixmap 1 + "a" 2 + 1 1
    expect(JSON.stringify(new Date(1_700_000_000_123)).length).toBe(26);
  });
});

/** Regions whose values go through a byte store or a proxy chain, and the memory backend. */
const chains = {
  memory: () => ({ backend: "edgepile.memory" }),
  "memory + Stats + Compression": () => ({ backend: "edgepile.memory", wrap: [StatsProxy, CompressionProxy] }),
  "memory + FaultProxy(0)": () => ({ backend: "edgepile.memory", wrap: [new FaultProxy({ seed: 3 })] }),
  cloudflare_kv: () => ({ backend: "edgepile.cloudflare_kv", arguments: { namespace: env.CACHE } }),
  "cloudflare_kv + Compression": () => ({
    backend: "edgepile.cloudflare_kv",
    arguments: { namespace: env.CACHE },
    wrap: [CompressionProxy],
  }),
  cloudflare_cache: () => ({ backend: "edgepile.cloudflare_cache", arguments: { cacheName: "values" } }),
  durable_object: () => ({ backend: "edgepile.durable_object", arguments: { namespace: env.STORE, shards: 2 } }),
  "durable_object + Compression": () => ({
    backend: "edgepile.durable_object",
    arguments: { namespace: env.STORE },
    wrap: [CompressionProxy],
  }),
};

let unique = 0;
describe("every backend and proxy chain returns equal values", () => {
  for (const [label, make] of Object.entries(chains)) {
    it(`${label}: 300 random values through setMulti/getMulti, set/get and getOrCreate`, async () => {
      const { backend, ...options } = make();
      const region = makeRegion().configure(backend, options);
      const r = rng(label.length * 7919);
      const values = Array.from({ length: 300 }, () => value(r));
      const keys = values.map(() => `values:${label}:${++unique}`);
      await region.setMulti(Object.fromEntries(keys.slice(0, 250).map((k, i) => [k, values[i]])));
      const got = await region.getMulti(keys.slice(0, 250));
      for (let i = 250; i < 275; i++) await region.set(keys[i], values[i]);
      for (let i = 250; i < 275; i++) got.push(await region.get(keys[i]));
      for (let i = 275; i < 300; i++) await region.getOrCreate(keys[i], () => values[i]);
      for (let i = 275; i < 300; i++) got.push(await region.getOrCreate(keys[i], () => "not this"));
      values.forEach((v, i) => {
        expect(got[i], `${label} case ${i}`).not.toBe(NO_VALUE);
        expect(difference(v, got[i]), `${label} case ${i}`).toBeUndefined();
        // the memory backend hands back the value it was given; stored backends, equal copies
        if (label === "memory" && v !== null && typeof v === "object") expect(got[i]).toBe(v);
      });
    });
  }
});

/** `inner` under `levels` objects: { n: { n: ... inner } }. */
function nest(levels, inner) {
  let v = inner;
  for (let i = 0; i < levels; i++) v = { n: v };
  return v;
}

function selfBelow() {
  const a = { x: 1 };
  a.again = a;
  return { a };
}

/** An ArrayBuffer whose contents were transferred away: it can no longer be read. */
function detachedBuffer() {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

/** A Uint8Array whose buffer was transferred away after it was made. */
function detachedBytes() {
  const bytes = new Uint8Array(8);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

describe("what cannot be stored is refused with its path and type, before anything is written", () => {
  const cycle = { list: [] };
  cycle.list.push({ back: cycle });
  const cases = [
    ["a function", { a: [1, () => 2] }, ".a[1]", "a function"],
    ["a symbol", { s: Symbol("x") }, ".s", "a symbol"],
    [
      "a class instance",
      {
        user: new (class User {
          name = "ada";
        })(),
      },
      ".user",
      "class User",
    ],
    ["a Promise", { p: [Promise.resolve(1)] }, ".p[0]", "a Promise"],
    ["a WeakMap", { w: new WeakMap() }, ".w", "a WeakMap"],
    ["a WeakSet", { w: new WeakSet() }, ".w", "a WeakSet"],
    ["a WeakRef", { w: new WeakRef({}) }, ".w", "a WeakRef"],
    ["an Error", { e: new TypeError("x") }, ".e", "an Error"],
    ["a boxed number", { n: Object(1) }, ".n", "a Number"],
    ["a Map subclass", new Map([["k", new (class Registry extends Map {})()]]), '.get("k")', "class Registry"],
    ["a cycle", cycle, ".list[0].back", "a circular structure"],
    ["a value inside a Set", new Set([1, () => 1]), ".<element 1>", "a function"],
    ["a lone surrogate", { t: "\uD800" }, ".t", "lone surrogate"],
    ["a transferred buffer", { b: detachedBuffer() }, ".b", "detached"],
    ["bytes over a transferred buffer", { b: [detachedBytes()] }, ".b[0]", "detached"],
    // Past what the quick pass reads (storable.js): the walk must still find them.
    ["a function after 100 numbers", { list: [...Array(100).keys(), () => 1] }, ".list[100]", "a function"],
    ["a function 12 levels down", nest(12, { f: () => 1 }), `${".n".repeat(12)}.f`, "a function"],
    ["a lone surrogate in an object key", { a: { "\uDC00": 1 } }, ".a", "lone surrogate"],
    ["a self-reference one level down", selfBelow(), ".a.again", "a circular structure"],
  ];
  for (const [name, v, path, what] of cases) {
    it(`${name}: ValidationError naming ${path} and ${what}; KV sees no write`, async () => {
      let puts = 0;
      const kv = {
        get: (...a) => env.CACHE.get(...a),
        put: (...a) => {
          puts++;
          return env.CACHE.put(...a);
        },
        delete: (k) => env.CACHE.delete(k),
      };
      const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: kv } });
      const key = `refused:${++unique}`;
      for (const attempt of [() => region.set(key, v), () => region.getOrCreate(key, () => v), () => region.setMulti({ [key]: v })]) {
        const err = await attempt().then(
          () => undefined,
          (e) => e,
        );
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.message).toContain(`at ${path}`);
        expect(err.message).toContain(what);
      }
      expect(puts).toBe(0);
      expect(await region.get(key)).toBe(NO_VALUE);
    });
  }
});

/** dogpile's recipe 4 over KV: the proxy's msgpack is what KV holds. */
class MsgpackProxy extends ProxyBackend {
  set(key, value, options) {
    return this.proxied.set(key, msgpackEncode([value.payload, value.metadata]), options);
  }
  async get(key) {
    const item = await this.proxied.get(key);
    if (item === NO_VALUE) return item;
    const [payload, metadata] = msgpackDecode(item);
    return new CachedValue(payload, metadata);
  }
}

describe("KV holds exactly the bytes it is handed", () => {
  const raw = async (key) => new Uint8Array(await env.CACHE.get(key, "arrayBuffer"));

  it("edgepile's envelope: what KV holds decodes as the value, and 10n comes back as 10n", async () => {
    const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
    const v = { n: 10n, at: new Date(1_700_000_000_123), tags: new Set(["a"]) };
    await region.set("bytes:envelope", v);
    const stored = await raw("bytes:envelope");
    expect(stored[0]).toBe(0x92); // a MessagePack array of two: [payload, metadata]
    expect(difference(v, decodeCachedValue(stored).payload)).toBeUndefined();
    expect((await region.get("bytes:envelope")).n).toBe(10n);
  });

  it("a ProxyBackend's msgpack is stored byte for byte (88 bytes stay 88)", async () => {
    let handed;
    class Spy extends ProxyBackend {
      set(key, item, options) {
        handed = item;
        return this.proxied.set(key, item, options);
      }
    }
    const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, wrap: [MsgpackProxy, Spy] });
    await region.set("bytes:proxy", { name: "ada", langs: ["en", "fr"], score: 0.1 + 0.2 });
    expect(await raw("bytes:proxy")).toEqual(handed);
    expect(await region.get("bytes:proxy")).toEqual({ name: "ada", langs: ["en", "fr"], score: 0.1 + 0.2 });
  });

  it("entries in 0.1's binary-safe text still read, and bytes that start with NUL round-trip", async () => {
    const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
    const old = encodeCachedValue(new CachedValue({ old: "format", n: 0.5 }, { ct: Date.now() / 1000, v: 1 }));
    await env.CACHE.put("bytes:legacy", wrapBinary(old));
    expect(await region.get("bytes:legacy")).toEqual({ old: "format", n: 0.5 });
    const many = await region.getMulti(["bytes:legacy", "bytes:missing"]);
    expect(many).toEqual([{ old: "format", n: 0.5 }, NO_VALUE]);

    const nul = Uint8Array.of(0, 1, 0xff, 0x80);
    class Raw extends ProxyBackend {
      set(key, value, options) {
        return this.proxied.set(key, nul, options);
      }
    }
    const rawRegion = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, wrap: [Raw] });
    await rawRegion.set("bytes:nul", 1);
    expect(await rawRegion.actualBackend.get("bytes:nul")).toEqual(nul);
  });
});

describe("JsonCodecProxy is lossy as JSON is, and says so (docs/values.md)", () => {
  const json = () => makeRegion().configure("edgepile.memory", { wrap: [JsonCodecProxy] });

  it("a Date becomes its ISO string; undefined, NaN, ±Infinity, holes and -0 change as JSON.stringify changes them", async () => {
    const r = json();
    const shared = { s: 1 };
    await r.set("k", { at: new Date(0), u: undefined, list: [undefined, NaN, Infinity, -0, , 1], z: -0, a: shared, b: shared }); // eslint-disable-line no-sparse-arrays
    const got = await r.get("k");
    expect(got).toStrictEqual({ at: "1970-01-01T00:00:00.000Z", list: [null, null, null, 0, null, 1], z: 0, a: { s: 1 }, b: { s: 1 } });
    expect(got.a).not.toBe(got.b); // a shared object is written out twice
  });

  for (const [name, v] of [
    ["a BigInt", 10n],
    ["bytes", new Uint8Array(2)],
    ["a typed array", new Float32Array(1)],
    ["a Map", new Map()],
    ["a Set", new Set()],
    ["a RegExp", /x/],
  ]) {
    it(`${name} is refused, not turned into {}`, async () => {
      await expect(json().set("k", { v })).rejects.toBeInstanceOf(ValidationError);
    });
  }
});
