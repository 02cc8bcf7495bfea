// A lease client whose `acquire` is bounded by the region's backendTimeout, here in JS rather
// than by the core: an answer that comes after it is not lost. A token it brings is a lease no
// caller knows of, which would hold every caller of the key until its TTL, so it is released at
// once. (The core bounds `release` itself, and bounds `acquire` too, a millisecond later than this.)
import { BackendError } from "../errors.js";

/** `client` bounded by `seconds` (the region's backendTimeout), waited with `sleep(ms)`. */
export function boundedLeases(client, seconds, sleep) {
  const ms = seconds * 1000;
  return {
    acquire(key, ttl) {
      let late = false;
      const asked = Promise.resolve()
        .then(() => client.acquire(key, ttl))
        .then((token) => {
          if (late && typeof token === "string") Promise.resolve(client.release(key, token)).catch(() => {});
          return token;
        });
      // A millisecond sooner than the core's own bound of the same call, so that this one always
      // fires first and marks the call late: the core's timer is set before this one (it sleeps
      // before it first asks), and if it fired first, a token arriving between the two would
      // reach no one and hold the key until the lease's TTL.
      const timeout = Promise.resolve(sleep(Math.max(0, ms - 1))).then(() => {
        late = true;
        throw new BackendError(`the backend did not answer within ${Math.round(ms)} ms`);
      });
      return Promise.race([asked, timeout]);
    },
    release: (key, token) => client.release(key, token),
  };
}
