// edgepile over Workers KV ("edgepile.cloudflare_kv"), coalescing within the isolate, no lease.
import { makeRegion } from "edgepile";
import { serve } from "./lib/serve.js";

export function kvSubject(kv, leaseArguments = {}) {
  const region = (name, expirationTime) =>
    makeRegion({ name }).configure("edgepile.cloudflare_kv", {
      expirationTime,
      arguments: { namespace: kv, ...leaseArguments },
    });
  const long = region("bench", 3600);
  const short = region("bench-expiring", 1);
  return {
    get: (key, create) => long.getOrCreate(key, create),
    getExpiring: (key, create, ctx) => short.getOrCreate(key, create, { ctx }),
    set: (key, value) => long.set(key, value),
  };
}

export default serve(({ kv }) => kvSubject(kv));
