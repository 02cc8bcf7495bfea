// A JS Worker reading what the Rust example Worker cached in the same KV namespace.
import { makeRegion, NO_VALUE } from "edgepile";

export default {
  async fetch(request, env) {
    const region = makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE } });
    const key = new URL(request.url).searchParams.get("key");
    const value = await region.get(key);
    return Response.json(value === NO_VALUE ? { missing: true } : { value });
  },
};
