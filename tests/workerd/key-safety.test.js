// Key-space safety (docs/keys.md): no key, however chosen, reaches another key's entry. The
// built-in manglers give mangled and kept keys disjoint spaces, prefixes that are prefixes of
// each other never share a key, and entries written under the earlier scheme are misses.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  lengthConditionalMangler,
  makeRegion,
  NO_VALUE,
  prefixMangler,
  sha1MangleKey,
  sha256MangleKey,
  ValidationError,
} from "../../src/js/workerd.js";
import { mapBackend } from "./helpers.js";

let unique = 0;
const tag = () => `${Date.now()}-${++unique}`;

// One Map backend shared by every region over it.
const sharedMap = mapBackend();

// Every built-in store, and a plain object. `shared`: two regions over it see one store (a
// memory backend belongs to one region, and dies with the isolate on every deploy).
const BACKENDS = [
  { label: "memory", shared: false, configure: (r) => r.configure("edgepile.memory") },
  {
    label: "cloudflare_kv",
    shared: true,
    configure: (r) => r.configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } }),
  },
  {
    label: "cloudflare_cache",
    shared: true,
    configure: (r) => r.configure("edgepile.cloudflare_cache", { arguments: { cacheName: "key-safety" } }),
  },
  {
    label: "durable_object",
    shared: true,
    configure: (r) => r.configure("edgepile.durable_object", { arguments: { namespace: env.STORE, shards: 2 } }),
  },
  { label: "js object", shared: true, configure: (r) => r.configure(sharedMap) },
];

/** What versions before the digest marker did for long keys: the bare digest, no marker. */
const oldLengthConditional = (limit, mangler) => (key) => (new TextEncoder().encode(key).length > limit ? mangler(key) : key);

for (const backend of BACKENDS) {
  const region = (keyMangler) => backend.configure(makeRegion(keyMangler === undefined ? {} : { keyMangler }));
  const itShared = backend.shared ? it : it.skip;

  describe(`${backend.label}: chosen keys never reach another key's entry`, () => {
    it("the issue's example: a long key's digest, asked for as a short key, is a miss", async () => {
      for (const digest of [sha1MangleKey, sha256MangleKey]) {
        const r = region(lengthConditionalMangler(250, digest));
        const long = `session:${"x".repeat(300)}:alice:${tag()}`;
        await r.set(long, { token: "alice-secret" });
        expect(await r.get(long)).toEqual({ token: "alice-secret" });
        for (const probe of [digest(long), `#${digest(long)}`, sha1MangleKey(long), sha256MangleKey(long)]) {
          expect(await r.get(probe), `${digest.name}: ${probe}`).toBe(NO_VALUE);
          expect(await r.getMulti([probe]), probe).toEqual([NO_VALUE]);
        }
      }
    });

    itShared("an entry written under the earlier scheme is a one-time miss, never another key's hit", async () => {
      const long = `report:${"y".repeat(300)}:${tag()}`;
      const old = region(oldLengthConditional(250, sha1MangleKey));
      await old.set(long, "written by an earlier version");
      expect(await old.get(sha1MangleKey(long))).toBe("written by an earlier version"); // the old flaw, reproduced
      const r = region(lengthConditionalMangler(250, sha1MangleKey));
      expect(await r.get(long)).toBe(NO_VALUE);
      expect(await r.get(sha1MangleKey(long))).toBe(NO_VALUE);
      expect(await r.getOrCreate(long, () => "recreated")).toBe("recreated");
      expect(await r.get(long)).toBe("recreated");
    });

    it("keys a URL or a path would normalize stay distinct (or are refused)", async () => {
      const r = region();
      const t = tag();
      const odd = ["", ".", "..", "%2e", "%2E", "./", "a/..", "a/../b", "b", "?", "#", "a#b", "a?b", "a%20b", "a b", "\\", "/"].map((k) =>
        k === "" || k === "." || k === ".." ? k : `${t}${k}`,
      );
      const stored = [];
      for (const k of odd) {
        const ok = await r.set(k, `value of ${JSON.stringify(k)}`).then(
          () => true,
          (e) => {
            if (!(e instanceof ValidationError)) throw e;
            return false;
          },
        );
        if (ok) stored.push(k);
      }
      expect(stored.length).toBeGreaterThan(odd.length - 4);
      for (const k of stored) expect(await r.get(k), JSON.stringify(k)).toBe(`value of ${JSON.stringify(k)}`);
    });

    itShared('regions prefixed "a:" and "a:b:" over one store share no key', async () => {
      const t = tag();
      const a = region(prefixMangler("a:"));
      const ab = region(prefixMangler("a:b:"));
      await a.set(`b:${t}`, "a's secret");
      await ab.set(`${t}-b`, "a:b:'s secret");
      expect(await ab.get(t)).toBe(NO_VALUE);
      expect(await a.get(`b:${t}-b`)).toBe(NO_VALUE);
      expect(await a.get(`b:${t}`)).toBe("a's secret");
      expect(await ab.get(`${t}-b`)).toBe("a:b:'s secret");
    });
  });
}

describe("KV's long-key error", () => {
  it("names sha256MangleKey, and the mangler it names makes the key fit", async () => {
    const long = `k${"☃".repeat(200)}`; // 601 bytes in 201 characters
    const plain = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
    const err = await plain.set(long, 1).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/this one is 601\b/);
    expect(err.message).toContain("lengthConditionalMangler(512, sha256MangleKey)");
    const fits = makeRegion({ keyMangler: lengthConditionalMangler(512, sha256MangleKey) }).configure("edgepile.cloudflare_kv", {
      arguments: { namespace: env.CACHE },
    });
    await fits.set(long, 1);
    expect(await fits.get(long)).toBe(1);
  });
});

describe("the manglers' stored keys", () => {
  it("sha256MangleKey is SHA-256 of the UTF-8 key, as the Rust crate's sha256_mangle_key", () => {
    expect(sha256MangleKey("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256MangleKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256MangleKey("☃")).toBe("51643361c79ecaef25a8de802de24f570ba25d9c2df1d22d94fade11b4f466cc");
  });

  // The same cases as src/keys.rs: a Rust Worker and a JS Worker over one KV namespace store
  // the same keys.
  it("lengthConditionalMangler: kept keys as they are, others as '#' + digest, as the Rust one", () => {
    const m = lengthConditionalMangler(10, sha256MangleKey);
    expect(m("short")).toBe("short");
    expect(m("0123456789")).toBe("0123456789");
    expect(m("0123456789a")).toBe(`#${sha256MangleKey("0123456789a")}`);
    expect(m("☃☃☃☃")).toBe(`#${sha256MangleKey("☃☃☃☃")}`); // 4 characters, 12 bytes
    expect(m("☃☃☃")).toBe("☃☃☃"); // 9 bytes
    expect(m("😀😀😀")).toBe(`#${sha256MangleKey("😀😀😀")}`); // 6 UTF-16 units, 12 bytes
    expect(m("#abc")).toBe("#00e16e1d31c0ba2b3b3d17583bb2ac3b898666620ddf540aae5bd0703d7d02e7");
    expect(lengthConditionalMangler(10, sha1MangleKey)("0123456789a")).toBe(`#${sha1MangleKey("0123456789a")}`);
    expect(() => lengthConditionalMangler(-1, sha256MangleKey)).toThrow(ValidationError);
    const kv = lengthConditionalMangler(512, sha256MangleKey);
    const oldDigest = "a9993e364706816aba3e25717850c26c9cd0d89d";
    expect(kv(oldDigest)).toBe(`#${sha256MangleKey(oldDigest)}`);
    expect(kv(oldDigest.slice(1))).toBe(oldDigest.slice(1));
    expect(kv(oldDigest.toUpperCase())).toBe(oldDigest.toUpperCase());
  });

  it("a mangler that returns no string is a ValidationError, not a key like '#undefined'", () => {
    expect(() => lengthConditionalMangler(1, () => undefined)("long")).toThrow(ValidationError);
    expect(() => prefixMangler("p:", () => 1)("k")).toThrow(ValidationError);
    expect(() => prefixMangler("p:", "not a function")).toThrow(ValidationError);
  });
});

describe("property: distinct logical keys never share a stored key", () => {
  /** A seeded generator (mulberry-like), so a failure reproduces. */
  function random(seed) {
    let s = seed >>> 0;
    const rand = () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296;
    const pick = (xs) => xs[Math.floor(rand() * xs.length)];
    return { rand, pick };
  }

  const PREFIXES = ["", "a", "a:", "a:b:", "a:b", '"a:"', 'a"', '"', "#", "\\", "|", "☃:"];
  const DIGESTS = [sha1MangleKey, sha256MangleKey];
  const LIMITS = [0, 10, 40, 41, 64, 65, 250];

  /** Every built-in mangler and the combinations people write, each with a name for failures. */
  function manglers() {
    const out = DIGESTS.map((d) => ({ name: d.name, m: d }));
    for (const limit of LIMITS) {
      for (const d of DIGESTS) {
        out.push({ name: `lengthConditional(${limit}, ${d.name})`, m: lengthConditionalMangler(limit, d) });
        out.push({
          name: `lengthConditional(${limit}, prefix("a:", ${d.name}))`,
          m: lengthConditionalMangler(limit, prefixMangler("a:", d)),
        });
      }
    }
    for (const p of PREFIXES) {
      out.push({ name: `prefix(${JSON.stringify(p)})`, m: prefixMangler(p), prefix: p });
      out.push({ name: `prefix(${JSON.stringify(p)}, sha256)`, m: prefixMangler(p, sha256MangleKey), prefix: p });
      out.push({
        name: `prefix(${JSON.stringify(p)}, lengthConditional(40, sha256))`,
        m: prefixMangler(p, lengthConditionalMangler(40, sha256MangleKey)),
        prefix: p,
      });
      out.push({ name: `prefix(${JSON.stringify(p)}, prefix("b:"))`, m: prefixMangler(p, prefixMangler("b:")), prefix: p });
    }
    return out;
  }

  /** Random keys, then what an attacker would try: digests, marked digests, other stored keys. */
  function keys(seed, count, all) {
    const { rand, pick } = random(seed);
    const pieces = ["a", "b", "x", ":", "a:", "a:b:", "|", '"', "\\", "#", " ", "☃", "😀", "0", "f", "e3", "user", "\u0000"];
    const key = () => {
      const long = rand() < 0.3;
      const n = long ? 30 + Math.floor(rand() * 120) : Math.floor(rand() * 8);
      return Array.from({ length: n }, () => pick(pieces)).join("");
    };
    const set = new Set([""]);
    while (set.size < count) set.add(key());
    const base = [...set];
    for (const k of base) {
      for (const d of DIGESTS) {
        set.add(d(k));
        set.add(`#${d(k)}`);
        set.add(d(k).toUpperCase());
      }
      for (const p of PREFIXES) set.add(p + k);
    }
    // stored keys of other manglers, asked for as logical keys
    for (const k of base.filter(() => rand() < 0.1)) for (const { m } of all) set.add(m(k));
    return [...set];
  }

  it("each mangler is one-to-one over thousands of random and adversarial keys", () => {
    const all = manglers();
    const pool = keys(19, 1500, all);
    expect(pool.length).toBeGreaterThan(5000);
    expect(pool.some((k) => new TextEncoder().encode(k).length > 250)).toBe(true);
    for (const { name, m } of all) {
      const seen = new Map();
      for (const k of pool) {
        const stored = m(k);
        const first = seen.get(stored);
        if (first !== undefined) expect.fail(`${name}: ${JSON.stringify(first)} and ${JSON.stringify(k)} share ${JSON.stringify(stored)}`);
        seen.set(stored, k);
      }
    }
  }, 60_000); // thousands of digests: seconds on a loaded 2-core machine, past the default 5 s

  it("regions with different prefixes never share a stored key, whatever is inside them", () => {
    const all = manglers();
    const prefixed = all.filter((x) => x.prefix !== undefined);
    const pool = keys(23, 800, all);
    const owner = new Map(); // stored key → [prefix, logical key]
    for (const { name, m, prefix } of prefixed) {
      for (const k of pool) {
        const stored = m(k);
        const first = owner.get(stored);
        if (first === undefined) owner.set(stored, [prefix, k]);
        else if (first[0] !== prefix)
          expect.fail(`${name}: ${JSON.stringify(k)} reaches prefix ${JSON.stringify(first[0])}'s ${JSON.stringify(first[1])}`);
      }
    }
    expect(owner.size).toBeGreaterThan(pool.length * PREFIXES.length);
  }, 60_000); // as above: thousands of digests

  it("a long key's stored key is never a kept key", () => {
    const all = manglers();
    const pool = keys(29, 1000, all);
    for (const limit of LIMITS) {
      const m = lengthConditionalMangler(limit, sha256MangleKey);
      const kept = new Set(pool.filter((k) => m(k) === k));
      const marked = pool.filter((k) => m(k) !== k);
      expect(kept.size).toBeGreaterThan(0);
      expect(marked.length).toBeGreaterThan(0);
      for (const k of marked) {
        const stored = m(k);
        expect(stored.startsWith("#"), stored).toBe(true);
        expect(kept.has(stored), `${JSON.stringify(k)} → ${stored}`).toBe(false);
      }
      for (const k of kept) expect(k.startsWith("#"), k).toBe(false);
    }
  }, 60_000); // as above: thousands of digests (5.9 s once in CI)
});
