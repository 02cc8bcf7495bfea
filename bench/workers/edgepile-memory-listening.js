// The same memory hit as edgepile-memory.js, with an event listener registered: the cost of
// observing every hit.
import { makeRegion } from "../../src/js/workerd.js";

const region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
let events = 0;
region.on("hit", () => events++);
const creator = () => ({ id: 1, name: "value" });

export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await region.getOrCreate("user:1", creator);
    return new Response(`${last?.id} ${events}`);
  },
};
