// edgepile in memory, every value tagged (two tags) while another tag has been invalidated: what
// a tagged hit costs beside an untagged one.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
  void region.invalidateTags(["unrelated"]); // tag state is not empty: the hit checks the entry's tags
  const options = { tags: ["user:1", "org:7"] };
  const get = (key, create) => region.getOrCreate(key, create, options);
  return { get, getExpiring: get };
});
