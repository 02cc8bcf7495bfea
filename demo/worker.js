// The demo Worker: a slow upstream computation behind an edgepile region over Workers KV,
// with the Durable Object lease coordinating regenerations across isolates.
//   GET /?n=12            the cached result, with hit/miss and timing
//   GET /invalidate?hard=0  soft (0) or hard (1, default) invalidation of the region
import { makeRegion } from "../src/js/workerd.js";

export { LeaseCoordinator, EdgepileStore } from "../src/js/workerd.js";

const UPSTREAM_MS = 400;
let region;
/** Bindings arrive with the first request; the region lives as long as the isolate. */
function regionFor(env) {
  region ??= makeRegion({ name: "demo" }).configure("edgepile.cloudflare_kv", {
    expirationTime: 30,
    arguments: { namespace: env.CACHE, lockNamespace: env.LEASES },
  });
  return region;
}

let upstreamCalls = 0;

/** Stands in for a slow origin: a database, a third-party API. */
async function slowUpstream(n) {
  upstreamCalls++;
  await new Promise((resolve) => setTimeout(resolve, UPSTREAM_MS));
  let primes = 0;
  for (let i = 2; i <= n; i++) if (isPrime(i)) primes++;
  return { n, primesUpToN: primes, computedAt: new Date().toISOString() };
}

function isPrime(i) {
  for (let d = 2; d * d <= i; d++) if (i % d === 0) return false;
  return true;
}

export default {
  async fetch(request, env, ctx) {
    const region = regionFor(env);
    const url = new URL(request.url);
    if (url.pathname === "/invalidate") {
      const hard = url.searchParams.get("hard") !== "0";
      region.invalidate(hard);
      return Response.json({ invalidated: hard ? "hard" : "soft" });
    }
    if (url.pathname !== "/") return new Response("not found", { status: 404 });
    const n = Math.min(Math.max(Number.parseInt(url.searchParams.get("n") ?? "10000", 10) || 0, 0), 1_000_000);
    const started = Date.now();
    let cache = "hit";
    const value = await region.getOrCreate(`primes:${n}`, () => {
      cache = "miss";
      return slowUpstream(n);
    }, { ctx });
    return Response.json(
      { cache, ms: Date.now() - started, upstreamCalls, value },
      { headers: { "x-edgepile-cache": cache } },
    );
  },
};
