// A memory L1 in front of Redis, without a coherence point: hits come from memory, and another
// process's write reaches this L1 once its entry is older than l1.ttl.
import assert from "node:assert/strict";
import { it } from "node:test";
import { makeRegion } from "../../src/js/node.js";
import { countCommands, fakeClock, key, useRedis } from "./helpers.mjs";

const redis = useRedis();

it("L1 hits make no request; another region's write is seen after l1.ttl", async () => {
  const clock = fakeClock();
  const configure = () =>
    makeRegion({ clock }).configure("edgepile.redis", {
      expirationTime: 300,
      l1: { maxEntries: 100, ttl: 5 },
      arguments: { client: redis.raw },
    });
  const [here, there] = [configure(), configure()];
  const k = key("l1");
  assert.equal(await here.getOrCreate(k, () => "first"), "first");
  assert.deepEqual(
    await countCommands(redis.raw, async () => {
      for (let i = 0; i < 10; i++) assert.equal(await here.getOrCreate(k, () => assert.fail("cached")), "first");
    }),
    {},
  );
  await there.set(k, "second");
  clock.advance(4);
  assert.equal(await here.get(k), "first", "within l1.ttl, this process's L1 still answers");
  clock.advance(2);
  assert.equal(await here.get(k), "second");
});
