// The short fuzz run inside workerd: the wasm decoders and the KV read path take random,
// truncated and mutated bytes without a trap; each is a miss (or a typed error) and the module
// keeps working. The long run is native (tests/fuzz.rs).
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { BackendError, CachedValue, decodeCachedValue, encodeCachedValue, makeRegion, NO_VALUE } from "../../src/js/workerd.js";

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296;
}

it("3,000 random, truncated and mutated payloads: a value or a BackendError, never a trap", () => {
  const rand = rng(11);
  const valid = encodeCachedValue(new CachedValue({ a: [1, "two", null], b: { c: 2n ** 40n } }, { ct: 1, v: 1 }));
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    let bytes;
    if (i % 3 === 0) bytes = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
    else if (i % 3 === 1) bytes = valid.slice(0, Math.floor(rand() * valid.length));
    else {
      bytes = valid.slice();
      bytes[Math.floor(rand() * bytes.length)] ^= 1 + Math.floor(rand() * 255);
    }
    try {
      decodeCachedValue(bytes);
      decoded++;
    } catch (e) {
      expect(e).toBeInstanceOf(BackendError);
    }
  }
  expect(decoded).toBeLessThan(3000);
  expect(decodeCachedValue(valid).payload.a).toEqual([1, "two", null]); // still working
});

it("3,000 mutations of an envelope holding every extension: a value or a BackendError, never a trap", () => {
  const rand = rng(16);
  const shared = { s: [1] };
  const payload = {
    at: new Date(1_700_000_000_123),
    bad: new Date(NaN),
    big: -(2n ** 80n),
    u: undefined,
    holes: [1, , 3], // eslint-disable-line no-sparse-arrays
    m: new Map([[{ k: 1 }, new Set([1n, "x"])]]),
    re: /a+/gu,
    buf: new ArrayBuffer(4),
    dv: new DataView(new ArrayBuffer(3)),
    f64: new Float64Array([1.5, NaN]),
    i16: new Int16Array([-1, 2]),
    u64: new BigUint64Array([2n ** 64n - 1n]),
    a: shared,
    b: shared,
  };
  const valid = encodeCachedValue(new CachedValue(payload, { ct: 1, v: 1 }));
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = valid.slice(0, i % 2 === 0 ? valid.length : Math.floor(rand() * valid.length));
    for (let flips = 1 + Math.floor(rand() * 3); flips > 0; flips--)
      bytes[Math.floor(rand() * bytes.length)] ^= 1 + Math.floor(rand() * 255);
    try {
      decodeCachedValue(bytes);
      decoded++;
    } catch (e) {
      expect(e).toBeInstanceOf(BackendError);
    }
  }
  expect(decoded).toBeGreaterThan(0); // some mutations land in data, not structure
  expect(decoded).toBeLessThan(3000);
  const again = decodeCachedValue(valid).payload; // still working
  expect(again.big).toBe(-(2n ** 80n));
  expect(again.a).toBe(again.b);
});

it("garbage at a KV key is a miss, then overwritten; the region keeps working", async () => {
  const rand = rng(5);
  const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
  for (let i = 0; i < 200; i++) {
    const key = `fuzz:${i}`;
    const bytes = Uint8Array.from({ length: Math.floor(rand() * 48) }, () => Math.floor(rand() * 256));
    if (i % 2 === 0 && bytes.length > 0) bytes[0] = 0; // looks like wrapped binary
    await env.CACHE.put(key, bytes);
    expect(await region.get(key)).toBe(NO_VALUE);
    expect(await region.getOrCreate(key, () => i)).toBe(i);
  }
});
