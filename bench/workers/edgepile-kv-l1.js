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
  return {
    get: (key, create) => long.getOrCreate(key, create),
    getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }),
  };
});
