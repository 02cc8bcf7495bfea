// One isolate of an application with early refresh: KV values, the LeaseCoordinator lease (or
// none, `lock=none`), earlyRefresh with the `beta` asked for. The region's clock is the `now`
// (ms) of the latest request plus the time this isolate has seen pass since it arrived: the
// test drives time for every isolate, and a creation still takes as long as its upstream call
// (workerd's clock moves on I/O), which is the δ early refresh needs.
//   GET /get?key=K&now=MS&lock=do|none&beta=B&ttl=S&ms=CREATOR_MS   getOrCreate (ctx.waitUntil)
//   GET /counts                 region stats and the region-clock times creations started at
import { makeRegion } from "edgepile";

export { LeaseCoordinator } from "edgepile";

let now = 0;
let arrived = 0;
const regions = new Map();
const started = []; // region-clock seconds at which each creation here began

function regionOf(env, lock, beta, ttl) {
  const name = `${lock}-${beta}-${ttl}`;
  if (!regions.has(name)) {
    const args = { namespace: env.CACHE, ...(lock === "do" ? { lockNamespace: env.LEASES, lockTimeout: 10 } : {}) };
    const clock = () => now + (Date.now() - arrived);
    regions.set(
      name,
      makeRegion({ name, clock }).configure("edgepile.cloudflare_kv", {
        expirationTime: ttl,
        arguments: args,
        earlyRefresh: { beta },
      }),
    );
  }
  return regions.get(name);
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const q = (k, d) => url.searchParams.get(k) ?? d;
    if (q("now")) {
      now = Number(q("now"));
      arrived = Date.now();
    }
    const region = regionOf(env, q("lock", "do"), Number(q("beta", "1")), Number(q("ttl", "3")));
    if (url.pathname === "/counts") return Response.json({ ...region.stats(), started });
    if (url.pathname === "/reset") {
      region.resetStats();
      started.length = 0;
      return Response.json({});
    }
    const key = q("key", "k");
    const t0 = Date.now();
    const value = await region.getOrCreate(
      key,
      async () => {
        started.push((now + (Date.now() - arrived)) / 1000);
        const res = await env.UPSTREAM.fetch(`http://upstream/create?key=${encodeURIComponent(key)}&ms=${q("ms", "20")}`);
        return res.json();
      },
      { ctx },
    );
    return Response.json({ value, ms: Date.now() - t0 });
  },
};
