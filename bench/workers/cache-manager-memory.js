// cache-manager 7 with its default Keyv in-memory store; `refreshThreshold` refreshes a value in
// the background when less than that much of its TTL remains.
import { createCache } from "cache-manager";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const cache = createCache();
  return {
    get: (key, create) => cache.wrap(key, create, 3_600_000),
    getExpiring: (key, create) => cache.wrap(key, create, 1000, 500),
    scale: () => {
      const big = createCache(); // unbounded: the scale workload's keys all fit
      return {
        get: (key, create) => big.wrap(key, create, 3_600_000),
        del: (key) => big.del(key),
        set: (key, value) => big.set(key, value, 3_600_000),
      };
    },
  };
});
