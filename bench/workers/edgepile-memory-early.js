// edgepile in memory with early refresh (XFetch, β = 1): a hit of a fresh value may start the
// one background regeneration before the value expires, so callers are neither served stale
// nor kept waiting. Answers the expiry suite only.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const short = makeRegion({ name: "bench-expiring" }).configure("edgepile.memory", { expirationTime: 1, earlyRefresh: true });
  return { getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }) };
});
