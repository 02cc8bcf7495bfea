// A JS Worker sharing a KV namespace with the Rust example Worker: /?key= reads what Rust cached
// (types described, since a Date or a BigInt has no JSON form), /write?key= caches values with
// a Date, BigInts, a Set, a Map and an undefined for Rust to read.
import { makeRegion, NO_VALUE } from "edgepile";

/** JSON for a value, with JS-only types spelled out: { $date }, { $bigint }. */
function described(v) {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (typeof v === "bigint") return { $bigint: String(v) };
  if (Array.isArray(v)) return v.map(described);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, described(x)]));
  return v;
}

export default {
  async fetch(request, env) {
    const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
    const url = new URL(request.url);
    const key = url.searchParams.get("key");
    if (url.pathname === "/write") {
      await region.set(key, {
        createdAt: new Date(1_700_000_000_123),
        small: 10n,
        huge: 2n ** 100n,
        tags: new Set(["new", "sale"]),
        prices: new Map([["tea", 2.5]]),
        note: undefined,
      });
      return Response.json({ stored: key });
    }
    const value = await region.get(key);
    return Response.json(value === NO_VALUE ? { missing: true } : { value: described(value) });
  },
};
