// edgepile over Redis, as docs/redis.md shows it: the dogpile lock on by default, optionally a
// memory L1 in front.
import { makeRegion } from "../../../src/js/node.js";

export function open(url, { distributedLock, l1 } = {}) {
  const region = makeRegion().configure("edgepile.redis", { expirationTime: 3600, l1, arguments: { url, distributedLock } });
  return {
    getOrCreate: (key, create) => region.getOrCreate(key, create),
    close: () => region.actualBackend.close(),
  };
}
