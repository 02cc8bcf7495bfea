// edgepile, in memory: getOrCreate on an "edgepile.memory" region. Expired values are served
// while one regeneration runs (the dogpile lock), in the background through the request's ctx.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const long = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
  const short = makeRegion({ name: "bench-expiring" }).configure("edgepile.memory", { expirationTime: 1 });
  return { get: (key, create) => long.getOrCreate(key, create), getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }) };
});
