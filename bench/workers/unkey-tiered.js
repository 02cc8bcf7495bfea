// @unkey/cache with its tiered stores as its README shows: a memory tier over the Cloudflare
// Cache API tier (the Cloudflare store's purge goes to Cloudflare's REST API, which the suites
// here never call: only get and swr). Stale values are served while swr reloads them.
import { createCache, DefaultStatefulContext, Namespace } from "@unkey/cache";
import { CloudflareStore, MemoryStore } from "@unkey/cache/stores";
import { serve } from "./lib/serve.js";

export default serve(({ ctx }) => {
  const context = ctx ?? new DefaultStatefulContext();
  const stores = () => [
    new MemoryStore({ persistentMap: new Map() }),
    new CloudflareStore({ domain: "cache.bench.local", zoneId: "bench", cloudflareApiKey: "unused" }),
  ];
  const cache = createCache({
    long: new Namespace(context, { stores: stores(), fresh: 3_600_000, stale: 7_200_000 }),
    short: new Namespace(context, { stores: stores(), fresh: 1000, stale: 60_000 }),
  });
  const unwrap = (res) => {
    if (res.err) throw res.err;
    return res.val;
  };
  return {
    get: async (key, create) => unwrap(await cache.long.swr(key, () => create())),
    getExpiring: async (key, create) => unwrap(await cache.short.swr(key, () => create())),
  };
});
