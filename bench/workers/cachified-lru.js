// @epic-web/cachified over an lru-cache store, as its README shows; stale values are served
// while one refresh runs (staleWhileRevalidate).
import { cachified } from "@epic-web/cachified";
import { LRUCache } from "lru-cache";
import { serve } from "./lib/serve.js";

const store = (max) => {
  const lru = new LRUCache({ max });
  return { set: (k, v) => lru.set(k, v), get: (k) => lru.get(k), delete: (k) => lru.delete(k) };
};

export default serve(() => {
  const cache = store(10_000);
  return {
    get: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 3_600_000 }),
    getExpiring: (key, getFreshValue) => cachified({ key, cache, getFreshValue, ttl: 1000, staleWhileRevalidate: 60_000 }),
    scale: () => {
      const big = store(200_000);
      return {
        get: (key, getFreshValue) => cachified({ key, cache: big, getFreshValue, ttl: 3_600_000 }),
        del: (key) => big.delete(key),
        // cachified writes through its own get-or-create: forceFresh replaces the value.
        set: (key, value) => cachified({ key, cache: big, getFreshValue: () => value, forceFresh: true, ttl: 3_600_000 }),
      };
    },
  };
});
