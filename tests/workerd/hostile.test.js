// Hostile input through a byte store (KV): numbers at the edges, big keys and values, keys that
// look like prototypes, and isolation between regions sharing one namespace.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeRegion, NO_VALUE, prefixMangler, ValidationError } from "../../src/js/workerd.js";

let n = 0;
const kv = (options = {}, regionOptions = {}) =>
  makeRegion(regionOptions).configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, ...options });

describe("values at the edges round-trip through KV", () => {
  const cases = {
    NaN: NaN,
    Infinity: Infinity,
    "-Infinity": -Infinity,
    "-0": -0,
    "max safe integer": Number.MAX_SAFE_INTEGER,
    "a float": 0.1 + 0.2,
    "BigInt i64 min": -(2n ** 63n),
    "BigInt u64 max": 2n ** 64n - 1n,
    "empty string": "",
    "astral text": "😀 ☃ \u0000 end",
    bytes: new Uint8Array([0, 128, 255]),
    "__proto__ as data": JSON.parse('{"__proto__": {"x": 1}, "constructor": {"prototype": 2}}'),
  };
  for (const [name, value] of Object.entries(cases)) {
    it(name, async () => {
      const r = kv();
      const key = `edge:${++n}`;
      await r.set(key, value);
      const back = await r.get(key);
      if (typeof value === "number") expect(Object.is(back, value)).toBe(true);
      else expect(back).toEqual(value);
      expect({}.x).toBeUndefined();
    });
  }

  it("undefined stays undefined in a byte store, distinct from null, at the top level too", async () => {
    const r = kv();
    await r.set("edge:undef", { a: undefined, b: [undefined, null], c: null });
    const got = await r.get("edge:undef");
    expect(Object.hasOwn(got, "a") && got.a === undefined).toBe(true);
    expect(got.b).toStrictEqual([undefined, null]);
    expect(got.c).toBe(null);
    await r.set("edge:undef:top", undefined);
    expect(await r.get("edge:undef:top")).toBe(undefined);
  });
});

describe("sizes", () => {
  it("a 1 MB key is a ValidationError before any write", async () => {
    const r = kv();
    await expect(r.set("k".repeat(1 << 20), 1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("a value over KV's 25 MiB is a ValidationError before any write", async () => {
    let writes = 0;
    const counting = {
      get: (...a) => env.CACHE.get(...a),
      put: (...a) => {
        writes++;
        return env.CACHE.put(...a);
      },
      delete: (k) => env.CACHE.delete(k),
    };
    const r = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: counting } });
    const big = new Uint8Array(26 * 1024 * 1024);
    await expect(r.set("big", big)).rejects.toBeInstanceOf(ValidationError);
    expect(writes).toBe(0);
  }, 30_000);
});

describe("isolation", () => {
  it("two regions with different prefixes over one namespace never read each other's keys", async () => {
    const a = kv({}, { keyMangler: prefixMangler("tenant-a:") });
    const b = kv({}, { keyMangler: prefixMangler("tenant-b:") });
    await a.set("user:1", "a's");
    await b.set("user:1", "b's");
    expect(await a.get("user:1")).toBe("a's");
    expect(await b.get("user:1")).toBe("b's");
    expect(await b.getOrCreate("user:2", () => "b made")).toBe("b made");
    expect(await a.get("user:2")).toBe(NO_VALUE);
    const listed = (await env.CACHE.list({ prefix: '"tenant-' })).keys.map((k) => k.name).sort();
    expect(listed).toEqual(['"tenant-a:"user:1', '"tenant-b:"user:1', '"tenant-b:"user:2']);
  });
});

describe("foreign values at our keys", () => {
  it("another tool's JSON, raw text or bytes read as a miss and are overwritten by the next creation", async () => {
    const r = kv({ expirationTime: 60 });
    const foreign = {
      "foreign:json": JSON.stringify({ some: "tool", value: 1 }),
      "foreign:text": "plain text",
      "foreign:bytes": new Uint8Array([0x92, 0x01, 0x02, 0xff]),
      "foreign:wrapped-garbage": new Uint8Array([0, 0x41, 0xc3]),
    };
    for (const [key, value] of Object.entries(foreign)) {
      await env.CACHE.put(key, value);
      expect(await r.get(key)).toBe(NO_VALUE);
      expect(await r.getOrCreate(key, () => `ours:${key}`)).toBe(`ours:${key}`);
      expect(await r.get(key)).toBe(`ours:${key}`);
    }
  });
});
