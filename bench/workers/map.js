// No library, in memory: a Map with an expiry time per entry, no coalescing, no stale serving.
import { serve } from "./lib/serve.js";

function expiringMap(ttlMs) {
  const map = new Map();
  const get = async (key, create) => {
    const hit = map.get(key);
    if (hit !== undefined && (hit.expires === 0 || hit.expires > Date.now())) return hit.value;
    const value = await create();
    map.set(key, { value, expires: ttlMs ? Date.now() + ttlMs : 0 });
    return value;
  };
  get.del = async (key) => map.delete(key);
  get.set = async (key, value) => map.set(key, { value, expires: ttlMs ? Date.now() + ttlMs : 0 });
  return get;
}

export default serve(() => {
  const scale = () => {
    const map = expiringMap(0);
    return { get: map, del: map.del, set: map.set };
  };
  return { get: expiringMap(0), getExpiring: expiringMap(1000), scale };
});
