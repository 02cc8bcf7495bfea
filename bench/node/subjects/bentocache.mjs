// bentocache with its Redis driver (ioredis), with or without its memory L1, as its README
// shows a multi-tier cache. No bus: the benchmark has one writer per key and never deletes.
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisDriver } from "bentocache/drivers/redis";
import { Redis } from "ioredis";

export function open(url, { l1 = true } = {}) {
  const connection = new Redis(url);
  let store = bentostore();
  if (l1) store = store.useL1Layer(memoryDriver({ maxItems: 10_000 }));
  store = store.useL2Layer(redisDriver({ connection }));
  const bento = new BentoCache({ default: "cache", stores: { cache: store } });
  return {
    getOrCreate: (key, factory) => bento.getOrSet({ key, factory, ttl: 3_600_000 }),
    close: async () => {
      await bento.disconnectAll();
      connection.disconnect();
    },
  };
}
