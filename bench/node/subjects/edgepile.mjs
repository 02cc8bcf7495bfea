// edgepile over Redis, as docs/redis.md shows it: the dogpile lock on by default.
import { makeRegion } from "../../../src/js/node.js";

export function open(url, { distributedLock } = {}) {
  const region = makeRegion().configure("edgepile.redis", { expirationTime: 3600, arguments: { url, distributedLock } });
  return {
    getOrCreate: (key, create) => region.getOrCreate(key, create),
    close: () => region.actualBackend.close(),
  };
}
