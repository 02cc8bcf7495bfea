// The demo Worker behind `npm start`: the periodic table from a slow upstream, cached in Workers
// KV by an edgepile region with an L1 in the isolate, the Durable Object lease coordinating
// regenerations and the CoherenceCoordinator carrying invalidations to every isolate.
//   GET  /                       the dashboard (www/)
//   GET  /api/elements/:id       an element by number or symbol: { element, cache, ms }
//   GET  /api/stats              counters, latency histograms, per-second timeline
//   POST /api/stampede?n=200     n concurrent cold calls for one new key: how many creations?
//   POST /api/invalidate?mode=soft|hard   and how long until 4 more isolates' regions saw it
//   POST /api/invalidate-tag?tag=group:1|period:2&mode=soft|hard   elements are tagged by group and period
//   GET  /?n=5000                (kept for scripts) primes up to n, cached
import { makeRegion, NO_VALUE } from "../src/js/workerd.js";
import { fetchElement, upstreamCalls } from "./upstream.js";
import { recordLatency, snapshot, watch } from "./telemetry.js";

export { LeaseCoordinator, EdgepileStore, CoherenceCoordinator } from "../src/js/workerd.js";

let region;
let others; // regions standing for other isolates: each has an L1 of its own
let stampedes = 0;
const OTHER_ISOLATES = 4;

const configured = (env) =>
  makeRegion({ name: "demo" }).configure("edgepile.cloudflare_kv", {
    expirationTime: 30,
    arguments: { namespace: env.CACHE, lockNamespace: env.LEASES },
    l1: { maxEntries: 1000, ttl: 60 },
    coherence: { namespace: env.COHERENCE, interval: 1 },
  });

/** Bindings arrive with the first request; the region lives as long as the isolate. */
function regionFor(env) {
  if (region === undefined) {
    region = configured(env);
    others = Array.from({ length: OTHER_ISOLATES }, () => configured(env));
    watch(region);
  }
  return region;
}

/**
 * Invalidates, then measures when the other regions (each with its own L1, consulting the
 * coherence point as another isolate would) stop serving a value created before it.
 */
async function invalidateAndWatch(region, hard) {
  const probe = `probe:${Date.now()}`;
  await Promise.all([region, ...others].map((r) => r.getOrCreate(probe, () => ({ probe }))));
  const started = Date.now();
  await region.invalidate(hard);
  const seen = await Promise.all(
    others.map(async (r) => {
      while (Date.now() - started < 5000) {
        if ((await r.get(probe)) === NO_VALUE) return Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return null;
    }),
  );
  return { isolates: others.length, seenBy: seen.filter((ms) => ms !== null).length, afterMs: Math.max(...seen.map((ms) => ms ?? 0)) };
}

/** An element's tags: its group and its period, known from its number (the demo's ids are 1–118). */
function tagsOf(id) {
  const number = Number(id);
  if (!Number.isInteger(number) || number < 1 || number > 118) return undefined;
  const period = number <= 2 ? 1 : number <= 10 ? 2 : number <= 18 ? 3 : number <= 36 ? 4 : number <= 54 ? 5 : number <= 86 ? 6 : 7;
  return [`period:${period}`, `group:${number % 18 || 18}`];
}

async function element(region, id, ctx) {
  const started = Date.now();
  let called = false;
  let created;
  const value = await region.getOrCreate(
    `element:${String(id).toLowerCase()}`,
    async () => {
      called = true;
      created = await fetchElement(id);
      return created;
    },
    { ctx, tags: tagsOf(id) },
  );
  const ms = Date.now() - started;
  // A creator that ran but did not produce what we got: a stale value, regenerating meanwhile.
  const cache = !called ? "hit" : value === created ? "miss" : "stale";
  recordLatency(cache !== "miss", ms); // a stale value is served from the cache too
  return { element: value, cache, ms };
}

async function stampede(region, n) {
  const key = `stampede:${Date.now()}:${++stampedes}`;
  let creatorCalls = 0;
  const started = Date.now();
  const values = await Promise.all(
    Array.from({ length: n }, () =>
      region.getOrCreate(key, () => {
        creatorCalls++;
        return fetchElement(1 + (stampedes % 118));
      }),
    ),
  );
  return { requests: n, creatorCalls, distinctValues: new Set(values.map((v) => JSON.stringify(v))).size, ms: Date.now() - started };
}

function primes(n) {
  let count = 0;
  for (let i = 2; i <= n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++)
      if (i % d === 0) {
        prime = false;
        break;
      }
    if (prime) count++;
  }
  return count;
}

export default {
  async fetch(request, env, ctx) {
    const region = regionFor(env);
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith("/api/elements/")) {
      const out = await element(region, decodeURIComponent(path.slice("/api/elements/".length)), ctx);
      return Response.json(out, { status: out.element ? 200 : 404, headers: { "x-edgepile-cache": out.cache } });
    }
    if (path === "/api/stats") {
      return Response.json({ stats: region.stats(), upstreamCalls: upstreamCalls(), ...snapshot() });
    }
    if (path === "/api/stampede" && request.method === "POST") {
      const n = Math.min(Math.max(Number.parseInt(url.searchParams.get("n") ?? "200", 10) || 1, 1), 5000);
      return Response.json(await stampede(region, n));
    }
    if (path === "/api/invalidate" && request.method === "POST") {
      const hard = url.searchParams.get("mode") === "hard";
      const seen = await invalidateAndWatch(region, hard);
      return Response.json({ invalidated: hard ? "hard" : "soft", ...seen });
    }
    if (path === "/api/invalidate-tag" && request.method === "POST") {
      const tag = url.searchParams.get("tag") ?? "";
      const hard = url.searchParams.get("mode") === "hard";
      await region.invalidateTags([tag], { hard });
      return Response.json({ invalidated: tag, mode: hard ? "hard" : "soft" });
    }
    if (path === "/" && url.searchParams.has("n")) {
      const n = Math.min(Math.max(Number.parseInt(url.searchParams.get("n"), 10) || 0, 0), 1_000_000);
      const started = Date.now();
      let cache = "hit";
      const value = await region.getOrCreate(
        `primes:${n}`,
        async () => {
          cache = "miss";
          await new Promise((r) => setTimeout(r, 400));
          return { n, primesUpToN: primes(n) };
        },
        { ctx },
      );
      return Response.json({ cache, ms: Date.now() - started, value });
    }
    return new Response("not found", { status: 404 });
  },
};
