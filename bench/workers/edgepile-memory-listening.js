// edgepile in memory with a listener on every hit: what observing the cache costs.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
  let events = 0;
  region.on("hit", () => events++);
  const get = (key, create) => region.getOrCreate(key, create);
  return { get, getExpiring: get };
});
