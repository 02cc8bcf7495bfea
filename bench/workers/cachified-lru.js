// @epic-web/cachified over an lru-cache store, as its README shows; stale values are served
// while one refresh runs (staleWhileRevalidate).
import { cachified } from "@epic-web/cachified";
import { LRUCache } from "lru-cache";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const lru = new LRUCache({ max: 10_000 });
  const cache = { set: (k, v) => lru.set(k, v), get: (k) => lru.get(k), delete: (k) => lru.delete(k) };
  return {
    get: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 3_600_000 }),
    getExpiring: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 1000, staleWhileRevalidate: 60_000 }),
  };
});
