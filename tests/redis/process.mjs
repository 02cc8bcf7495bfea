// One process of the cross-process tests (started by stampede.test.mjs with fork): a region
// over Redis. On { type: "run" } it makes `calls` concurrent getOrCreate calls on one key and
// reports their answers; its creator says { type: "creating" } and, when `gate` is set, waits
// for { type: "proceed" } before returning.
import { makeRegion } from "../../src/js/node.js";

const [url] = process.argv.slice(2);
let proceed;

process.on("message", async (msg) => {
  if (msg.type === "proceed") proceed?.();
  if (msg.type !== "run") return;
  const { key, calls, gate, creatorMs = 0, leaseTtl, lockTimeout } = msg;
  const region = makeRegion().configure("edgepile.redis", { expirationTime: 60, arguments: { url, leaseTtl, lockTimeout } });
  const creator = async () => {
    process.send({ type: "creating", pid: process.pid, at: Date.now() });
    if (gate) await new Promise((resolve) => (proceed = resolve));
    else await new Promise((resolve) => setTimeout(resolve, creatorMs));
    return `made by ${process.pid}`;
  };
  const settled = await Promise.allSettled(Array.from({ length: calls }, () => region.getOrCreate(key, creator)));
  const answers = settled.map((s) => (s.status === "fulfilled" ? s.value : `error: ${s.reason?.name}: ${s.reason?.message}`));
  process.send({ type: "done", pid: process.pid, answers });
  await region.actualBackend.close();
  process.disconnect();
});
process.send({ type: "ready", pid: process.pid });
