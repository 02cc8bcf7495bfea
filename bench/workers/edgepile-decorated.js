// edgepile's decorator: a function wrapped by cacheOnArguments, called with the same argument,
// so a hit also pays for building the key from the function and its arguments.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export default serve(() => {
  const region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
  let create;
  const user = region.cacheOnArguments(function user(id) {
    return create(id);
  });
  const get = (key, creator) => {
    create = creator;
    return user(1);
  };
  return { get, getExpiring: get };
});
