// cache-manager 7 over Workers KV: Keyv takes any Map-like store, so the binding gets the
// smallest such adapter a user would write (there is no published Keyv store for Workers KV).
import { createCache } from "cache-manager";
import { Keyv } from "keyv";
import { serve } from "./lib/serve.js";

function kvStore(kv) {
  return {
    get: (key) => kv.get(key).then((v) => v ?? undefined),
    set: (key, value, ttl) => kv.put(key, value, ttl ? { expirationTtl: Math.max(60, Math.ceil(ttl / 1000)) } : {}),
    delete: (key) => kv.delete(key).then(() => true),
    clear: () => {
      throw new Error("not used by the benchmark");
    },
  };
}

export default serve(({ kv }) => {
  const cache = createCache({ stores: [new Keyv({ store: kvStore(kv) })] });
  return {
    get: (key, create) => cache.wrap(key, create, 3_600_000),
    getExpiring: (key, create) => cache.wrap(key, create, 1000, 500),
    set: (key, value) => cache.set(key, value, 3_600_000),
  };
});
