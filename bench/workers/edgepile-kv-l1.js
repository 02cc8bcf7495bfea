// edgepile over Workers KV with an L1 in the isolate and the CoherenceCoordinator Durable
// Object (plus the LeaseCoordinator lease): a hit is served from the isolate, no KV read.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export { CoherenceCoordinator, LeaseCoordinator } from "edgepile";

export default serve(({ kv, env }) => {
  const region = (name, expirationTime) =>
    makeRegion({ name }).configure("edgepile.cloudflare_kv", {
      expirationTime,
      arguments: { namespace: kv, lockNamespace: env.LEASES },
      l1: { maxEntries: 10_000, ttl: 60 },
      coherence: { namespace: env.COHERENCE, interval: 1 },
    });
  const long = region("bench", 3600);
  const short = region("bench-expiring", 1);
  // The scale workload over the same tiers, with an L1 that holds all its keys (as every
  // library's scale store does): hits never read KV; a delete or set writes KV and tells the
  // coherence point, and a miss reads KV, creates and writes it. No lease: one isolate replays
  // the sequence, and a lease is one Durable Object per key (tens of thousands of objects here,
  // more than local workerd's in-memory storage takes); the stampede suites measure leases.
  const scale = makeRegion({ name: "bench-scale" }).configure("edgepile.cloudflare_kv", {
    expirationTime: 3600,
    arguments: { namespace: kv },
    l1: { maxEntries: 200_000 },
    coherence: { namespace: env.COHERENCE, interval: 1 },
  });
  const store = {
    get: (key, create) => scale.getOrCreate(key, create),
    del: (key) => scale.delete(key),
    set: (key, value) => scale.set(key, value),
  };
  return {
    get: (key, create) => long.getOrCreate(key, create),
    getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }),
    scale: () => store, // one store for every cell: the suite runs this row's cells in turn
  };
});
