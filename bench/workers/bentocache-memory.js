// bentocache with its memory driver (L1 only); `grace` + `timeout: 0` serve an expired value at
// once while the factory refreshes it in the background.
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { serve } from "./lib/serve.js";

const bentoOf = (maxItems) =>
  new BentoCache({ default: "memory", stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems })) } });

export default serve(() => {
  const bento = bentoOf(10_000);
  return {
    get: (key, factory) => bento.getOrSet({ key, factory, ttl: 3_600_000 }),
    getExpiring: (key, factory) => bento.getOrSet({ key, factory, ttl: 1000, grace: 60_000, timeout: 0 }),
    scale: () => {
      const big = bentoOf(200_000);
      return {
        get: (key, factory) => big.getOrSet({ key, factory, ttl: 3_600_000 }),
        del: (key) => big.delete({ key }),
        set: (key, value) => big.set({ key, value, ttl: 3_600_000 }),
      };
    },
  };
});
