// @epic-web/cachified over Workers KV through cachified-adapter-cloudflare-kv.
import { cachified } from "@epic-web/cachified";
import { cloudflareKvCacheAdapter } from "cachified-adapter-cloudflare-kv";
import { serve } from "./lib/serve.js";

export default serve(({ kv }) => {
  const cache = cloudflareKvCacheAdapter({ kv, keyPrefix: "bench" });
  return {
    get: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 3_600_000 }),
    getExpiring: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 1000, staleWhileRevalidate: 60_000 }),
    // cachified has no set: a forced refresh writes the value.
    set: (key, value) => cachified({ key, cache, getFreshValue: () => value, ttl: 3_600_000, forceFresh: true }),
  };
});
