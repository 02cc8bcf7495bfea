// No library, over Workers KV: get as JSON, on a miss create and put. No coalescing, no lock.
import { serve } from "./lib/serve.js";

export default serve(({ kv }) => ({
  async get(key, create) {
    const hit = await kv.get(key, "json");
    if (hit !== null) return hit;
    const value = await create();
    await kv.put(key, JSON.stringify(value), { expirationTtl: 3600 });
    return value;
  },
  set: (key, value) => kv.put(key, JSON.stringify(value), { expirationTtl: 3600 }),
  // KV's own expiry is at least 60 s, so a 1 s TTL has to travel with the value.
  async getExpiring(key, create) {
    const hit = await kv.get(key, "json");
    if (hit !== null && hit.expires > Date.now()) return hit.value;
    const value = await create();
    await kv.put(key, JSON.stringify({ value, expires: Date.now() + 1000 }), { expirationTtl: 60 });
    return value;
  },
}));
