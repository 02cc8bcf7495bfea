// The coherence point under measurement (not a library subject): a two-tier region over KV with
// the CoherenceCoordinator, one per isolate.
//   GET /read?key=K&interval=S   getOrCreate of K; the value is the creation's number
//   GET /seen?key=K&interval=S   get of K: whether this isolate still holds it as fresh
//   GET /invalidate              hard invalidation, recorded at the coherence point
//   GET /checks?n=N              N concurrent checks ("what changed since 0?") against the point
import { makeRegion, NO_VALUE } from "edgepile";

export { CoherenceCoordinator, LeaseCoordinator } from "edgepile";

let region;
let made = 0;
let self; // an id per isolate: creations of different isolates never look alike

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    self ??= crypto.randomUUID();
    region ??= makeRegion({ name: "lag" }).configure("edgepile.cloudflare_kv", {
      expirationTime: 3600,
      arguments: { namespace: env.KV, lockNamespace: env.LEASES },
      l1: { maxEntries: 100, ttl: 60 },
      coherence: { namespace: env.COHERENCE, interval: Number(url.searchParams.get("interval") ?? "1") },
    });
    if (url.pathname === "/read") {
      const value = await region.getOrCreate(url.searchParams.get("key") ?? "k", () => ({ at: Date.now(), n: ++made, by: self }));
      return Response.json(value);
    }
    if (url.pathname === "/seen") {
      // get() serves fresh values only: NO_VALUE once this isolate knows of the invalidation
      return Response.json({ invalidated: (await region.get(url.searchParams.get("key") ?? "k")) === NO_VALUE });
    }
    if (url.pathname === "/invalidate") {
      await region.invalidate(true);
      return Response.json({ at: Date.now() });
    }
    if (url.pathname === "/checks") {
      const stub = env.COHERENCE.get(env.COHERENCE.idFromName("edgepile-coherence:load"));
      const n = Number(url.searchParams.get("n") ?? "100");
      await Promise.all(Array.from({ length: n }, () => stub.changes(0)));
      return Response.json({ n });
    }
    return new Response("not found", { status: 404 });
  },
};
