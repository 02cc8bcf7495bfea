// The short fuzz run inside workerd: the wasm decoders and the KV read path take random,
// truncated and mutated bytes without a trap; each is a miss (or a typed error) and the module
// keeps working. The long run is native (tests/fuzz.rs).
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { BackendError, CachedValue, decodeCachedValue, encodeCachedValue, makeRegion, NO_VALUE } from "../../src/js/workerd.js";

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);
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
