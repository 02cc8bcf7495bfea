// edgepile's decorator: a function wrapped by cacheOnArguments, called with the same argument,
// so a hit also pays for building the key from the function and its arguments.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

function decorated(region) {
  let create;
  const user = region.cacheOnArguments(function user(id) {
    return create(id);
  });
  return {
    get: (id, creator) => {
      create = creator;
      return user(id);
    },
    del: (id) => user.invalidate(id),
    set: (id, value) => user.set(value, id),
  };
}

export default serve(() => {
  const one = decorated(makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 }));
  const get = (key, creator) => one.get(1, creator);
  const scale = (name) =>
    decorated(
      makeRegion({ name: `bench-scale-${name}` }).configure("edgepile.memory", {
        expirationTime: 3600,
        arguments: { maxEntries: 200_000 },
      }),
    );
  return { get, getExpiring: get, scale };
});
