// One process of the coherence tests (started by coherence.test.mjs with fork): a region over
// Redis with an L1 and the Redis coherence point. Its clock never moves and its interval and
// l1.ttl are an hour, so an L1 entry here changes only when a pub/sub message makes the next
// call check. Answers { id, op, key, tags } messages with { id, value } (or { id, error }).
import { RedisCoherence, makeRegion } from "../../src/js/node.js";
import { fakeClock } from "../workerd/fake-clock.js";

const [url] = process.argv.slice(2);
const point = new RedisCoherence({ url });
const region = makeRegion({ clock: fakeClock() }).configure("edgepile.redis", {
  expirationTime: 3600,
  l1: { maxEntries: 100, ttl: 3600 },
  coherence: { namespace: point, interval: 3600 },
  arguments: { url },
});
let made = 0;

process.on("message", async ({ id, op, key, tags }) => {
  try {
    let value;
    if (op === "get") value = await region.get(key);
    else if (op === "getOrCreate") value = await region.getOrCreate(key, () => `made here ${++made}`, { tags });
    else if (op === "close") {
      await region.actualBackend.close();
      await point.close();
      process.send({ id });
      process.disconnect();
      return;
    }
    process.send({ id, value: typeof value === "string" ? value : "<no value>" });
  } catch (e) {
    process.send({ id, error: `${e?.name}: ${e?.message}` });
  }
});
process.send({ ready: true });
