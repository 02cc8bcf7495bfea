// One isolate of a two-tier application: an L1 over the shared KV namespace (counted per
// isolate), the LeaseCoordinator lease, and the CoherenceCoordinator (or, with `point=hang`, a
// coherence point that never answers). The region's clock is the `now` (ms) of the latest
// request, so the test drives time for every isolate at once.
//   GET /get?key=K&now=MS[&ms=CREATOR_MS][&tags=a,b]   getOrCreate through the upstream (counts creations)
//   GET /read?key=K&now=MS                  get
//   GET /set?key=K&value=V&now=MS, /delete?key=K&now=MS, /invalidate?hard=1&now=MS
//   GET /invalidate-tags?tags=a,b&hard=1&now=MS
//   GET /counts                             KV operations and region stats of this isolate
import { makeRegion, NO_VALUE } from "edgepile";

export { CoherenceCoordinator, LeaseCoordinator } from "edgepile";

let now = 0;
let region;
const counts = { reads: 0, writes: 0, deletes: 0 };

function counting(kv) {
  return {
    get: (key, type) => {
      counts.reads += Array.isArray(key) ? key.length : 1;
      return kv.get(key, type);
    },
    put: (key, value, opts) => {
      counts.writes++;
      return kv.put(key, value, opts);
    },
    delete: (key) => {
      counts.deletes++;
      return kv.delete(key);
    },
  };
}

/** A coherence point whose every call hangs (a Durable Object that does not answer). */
const hanging = { changes: () => new Promise(() => {}), publish: () => new Promise(() => {}), invalidate: () => new Promise(() => {}) };

function regionOf(env, point) {
  region ??= makeRegion({ name: `tiered-${point}`, clock: () => now }).configure("edgepile.cloudflare_kv", {
    expirationTime: 3600,
    arguments: { namespace: counting(env.CACHE), lockNamespace: env.LEASES, lockTimeout: 10 },
    l1: { maxEntries: 1000, ttl: 30 },
    coherence: { namespace: point === "hang" ? hanging : env.COHERENCE, interval: 1 },
    backendTimeout: 0.25,
  });
  return region;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = (k, d) => url.searchParams.get(k) ?? d;
    if (q("now")) now = Number(q("now"));
    const r = regionOf(env, q("point", "do"));
    const key = q("key", "k");
    const started = Date.now();
    let value;
    switch (url.pathname) {
      case "/get": {
        const tags = q("tags") ? q("tags").split(",") : undefined;
        value = await r.getOrCreate(
          key,
          async () => {
            const res = await env.UPSTREAM.fetch(`http://upstream/create?key=${encodeURIComponent(key)}&ms=${q("ms", "50")}`);
            return res.json();
          },
          { tags },
        );
        break;
      }
      case "/invalidate-tags":
        await r.invalidateTags(q("tags").split(","), { hard: q("hard") === "1" });
        break;
      case "/read":
        value = await r.get(key);
        if (value === NO_VALUE) value = null;
        break;
      case "/set":
        await r.set(key, q("value"));
        break;
      case "/delete":
        await r.delete(key);
        break;
      case "/invalidate":
        await r.invalidate(q("hard") === "1");
        break;
      case "/counts":
        return Response.json({ ...counts, ...r.stats() });
      default:
        return new Response("not found", { status: 404 });
    }
    return Response.json({ value: value ?? null, ms: Date.now() - started });
  },
};
