// bentocache with its memory driver and tags on every value: its tagged hit.
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const bento = new BentoCache({ default: "memory", stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) } });
  const get = (key, factory) => bento.getOrSet({ key, factory, ttl: 3_600_000, tags: ["user:1", "org:7"] });
  return { get, getExpiring: get };
});
