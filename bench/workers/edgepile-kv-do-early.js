// edgepile over Workers KV with the LeaseCoordinator lease and early refresh (XFetch, β = 1):
// one regeneration across isolates, started before expiry. Answers the expiry suite only.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export { LeaseCoordinator } from "edgepile";

export default serve(({ kv, env }) => {
  const short = makeRegion({ name: "bench-expiring" }).configure("edgepile.cloudflare_kv", {
    expirationTime: 1,
    arguments: { namespace: kv, lockNamespace: env.LEASES },
    earlyRefresh: true,
  });
  return { getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }) };
});
