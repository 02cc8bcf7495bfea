// One "isolate" of the application: an edgepile region over the shared KV namespace, with
// Durable Object leases, KV leases or none (query `lock=do|kv|none`).
//   GET /get?key=K&lock=do&lockTimeout=5&leaseTtl=30&ms=200[&kvWriteMs=30]
// kvWriteMs: every KV write takes that long to land (production KV writes take tens of ms), so
// isolates that start together all read before any write is visible.
import { makeRegion } from "edgepile";

export { LeaseCoordinator } from "edgepile";

const regions = new Map();

/** `kv` whose writes land `ms` later. */
function slowWrites(kv, ms) {
  if (!(ms > 0)) return kv;
  return {
    get: (...a) => kv.get(...a),
    delete: (...a) => kv.delete(...a),
    put: async (...a) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return kv.put(...a);
    },
  };
}

function regionFor(env, lock, lockTimeout, leaseTtl, kvWriteMs) {
  const id = `${lock}/${lockTimeout}/${leaseTtl}/${kvWriteMs}`;
  if (!regions.has(id)) {
    const args = { namespace: slowWrites(env.CACHE, kvWriteMs), lockTimeout, leaseTtl };
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
    const region = regionFor(
      env,
      q("lock", "do"),
      Number(q("lockTimeout", "10")),
      Number(q("leaseTtl", "30")),
      Number(q("kvWriteMs", "0")),
    );
    const key = q("key", "k");
    const started = Date.now();
    const value = await region.getOrCreate(key, async () => {
      const res = await env.UPSTREAM.fetch(`http://upstream/create?key=${encodeURIComponent(key)}&ms=${q("ms", "200")}`);
      return res.json();
    });
    return Response.json({ value, ms: Date.now() - started });
  },
};
