// One "isolate" of the application: an edgepile region over the shared KV namespace, with
// Durable Object leases, KV leases or none (query `lock=do|kv|none`).
//   GET /get?key=K&lock=do&lockTimeout=5&leaseTtl=30&ms=200
import { makeRegion } from "edgepile";

export { LeaseCoordinator } from "edgepile";

const regions = new Map();

function regionFor(env, lock, lockTimeout, leaseTtl) {
  const id = `${lock}/${lockTimeout}/${leaseTtl}`;
  if (!regions.has(id)) {
    const args = { namespace: env.CACHE, lockTimeout, leaseTtl };
    if (lock === "do") args.lockNamespace = env.LEASES;
    if (lock === "kv") args.distributedLock = true;
    regions.set(id, makeRegion({ name: `app-${id}` }).configure("edgepile.cloudflare_kv", { expirationTime: 300, arguments: args }));
  }
  return regions.get(id);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = (k, d) => url.searchParams.get(k) ?? d;
    const region = regionFor(env, q("lock", "do"), Number(q("lockTimeout", "10")), Number(q("leaseTtl", "30")));
    const key = q("key", "k");
    const started = Date.now();
    const value = await region.getOrCreate(key, async () => {
      const res = await env.UPSTREAM.fetch(`http://upstream/create?key=${encodeURIComponent(key)}&ms=${q("ms", "200")}`);
      return res.json();
    });
    return Response.json({ value, ms: Date.now() - started });
  },
};
