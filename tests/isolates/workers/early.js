// One isolate of an application with early refresh: KV values, the LeaseCoordinator lease (or
// none, `lock=none`), earlyRefresh with the `beta` asked for. The region's clock is the `now`
// (ms) of the latest request: the test drives time for every isolate. A creation calls the
// upstream (which counts it), then lasts until the test's time has moved `d` ms past its start,
// so its δ is `d` (plus at most one step of the test) however fast this machine runs.
//   GET /get?key=K&now=MS&lock=do|none&beta=B&ttl=S&d=CREATION_MS   getOrCreate (ctx.waitUntil)
//   GET /counts                 region stats and the region-clock times creations started at
import { makeRegion } from "edgepile";

export { LeaseCoordinator } from "edgepile";

let now = 0;
const regions = new Map();
const started = []; // region-clock seconds at which each creation here began

function regionOf(env, lock, beta, ttl) {
  const name = `${lock}-${beta}-${ttl}`;
  if (!regions.has(name)) {
    const args = { namespace: env.CACHE, ...(lock === "do" ? { lockNamespace: env.LEASES, lockTimeout: 10 } : {}) };
    const clock = () => now;
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
    if (q("now")) now = Number(q("now"));
    const region = regionOf(env, q("lock", "do"), Number(q("beta", "1")), Number(q("ttl", "3")));
    if (url.pathname === "/counts") return Response.json({ ...region.stats(), started });
    if (url.pathname === "/reset") {
      region.resetStats();
      started.length = 0;
      return Response.json({});
    }
    const key = q("key", "k");
    const d = Number(q("d", "60"));
    const t0 = Date.now();
    const value = await region.getOrCreate(
      key,
      async () => {
        const start = now;
        started.push(start / 1000);
        const res = await env.UPSTREAM.fetch(`http://upstream/create?key=${encodeURIComponent(key)}&ms=1`);
        const value = await res.json();
        // Later requests move `now`; wait in real time for them to move it past start + d.
        while (now < start + d) await new Promise((resolve) => setTimeout(resolve, 2));
        return value;
      },
      { ctx },
    );
    return Response.json({ value, ms: Date.now() - t0 });
  },
};
