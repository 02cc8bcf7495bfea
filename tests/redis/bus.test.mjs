// The pub/sub bus over a region's Redis: the seam for work across processes.
import assert from "node:assert/strict";
import { it } from "node:test";
import { makeRegion } from "../../src/js/node.js";
import { useRedis } from "./helpers.mjs";

const redis = useRedis();
const region = () => makeRegion().configure("edgepile.redis", { backendTimeout: 1, arguments: { url: redis.server.url } });

/** Resolves with the next `n` messages given to the returned listener. */
function inbox() {
  const got = [];
  let wake;
  const listener = (m) => {
    got.push(m);
    wake?.();
  };
  const next = async (n = 1, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (got.length < n && Date.now() < deadline)
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    return got.splice(0, n);
  };
  return { listener, next, got };
}

it("messages reach the other connection's subscribers until they unsubscribe", async (t) => {
  const [a, b] = [region(), region()];
  t.after(() => Promise.all([a.actualBackend.close(), b.actualBackend.close()]));
  const box = inbox();
  const unsubscribe = await b.actualBackend.bus.subscribe("edgepile:test", box.listener);
  assert.equal(await a.actualBackend.bus.publish("edgepile:test", "drop k1"), 1);
  assert.deepEqual(await box.next(), ["drop k1"]);
  await unsubscribe();
  assert.equal(await a.actualBackend.bus.publish("edgepile:test", "drop k2"), 0);
  assert.deepEqual(await box.next(1, 200), []);
});

it("after a server restart the subscriber is told (onReconnect) and receives again", { timeout: 30_000 }, async (t) => {
  const [a, b] = [region(), region()];
  t.after(() => Promise.all([a.actualBackend.close(), b.actualBackend.close()]));
  const box = inbox();
  let reconnects = 0;
  await b.actualBackend.bus.subscribe("edgepile:restart", box.listener, { onReconnect: () => reconnects++ });
  await redis.server.restart();
  let delivered = 0;
  for (let i = 0; i < 50 && delivered === 0; i++) {
    delivered = await a.actualBackend.bus.publish("edgepile:restart", "after").catch(() => 0);
    if (delivered === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(delivered, 1);
  assert.deepEqual(await box.next(), ["after"]);
  assert.equal(reconnects, 1);
});
