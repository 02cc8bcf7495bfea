// A memory hit through @epic-web/cachified with an lru-cache store, N times per request.
import { cachified } from "@epic-web/cachified";
import { LRUCache } from "lru-cache";

const lru = new LRUCache({ max: 10_000 });
const cache = {
  set: (key, value) => lru.set(key, value),
  get: (key) => lru.get(key),
  delete: (key) => lru.delete(key),
};
const getFreshValue = () => ({ id: 1, name: "value" });

export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await cachified({ key: "user:1", cache, getFreshValue, ttl: 3_600_000 });
    return new Response(String(last?.id));
  },
};
