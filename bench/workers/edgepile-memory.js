// A memory hit through edgepile's getOrCreate, N times per request.
import { makeRegion } from "../../src/js/workerd.js";

const region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
const creator = () => ({ id: 1, name: "value" });

export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await region.getOrCreate("user:1", creator);
    return new Response(String(last?.id));
  },
};
