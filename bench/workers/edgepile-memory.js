// edgepile, in memory: getOrCreate on an "edgepile.memory" region. Expired values are served
// while one regeneration runs (the dogpile lock), in the background through the request's ctx.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const long = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
  const short = makeRegion({ name: "bench-expiring" }).configure("edgepile.memory", { expirationTime: 1 });
  return {
    get: (key, create) => long.getOrCreate(key, create),
    getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }),
    scale: (name) => {
      // The scale workload's keys all fit, as in every library's scale subject: equal misses.
      const scale = makeRegion({ name: `bench-scale-${name}` }).configure("edgepile.memory", {
        expirationTime: 3600,
        arguments: { maxEntries: 200_000 },
      });
      return {
        get: (key, create) => scale.getOrCreate(key, create),
        del: (key) => scale.delete(key),
        set: (key, value) => scale.set(key, value),
      };
    },
  };
});
