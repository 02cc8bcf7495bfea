// The conformance suite over edgepile.redis: with the dogpile lock (the default) and without,
// with a client edgepile opens from a URL and with one passed in, with a memory L1 in front,
// bare and under a byte codec.
import { createClient } from "redis";
import { afterAll, beforeAll, inject } from "vitest";
import { CompressionProxy, RedisBackend, registerBackend } from "../../src/js/node.js";
import { conformance } from "../workerd/conformance.js";

const url = inject("redisUrl");
let client;
beforeAll(async () => {
  client = createClient({ url, disableOfflineQueue: true });
  await client.connect();
});

// Regions made from a URL open a connection each: this name is edgepile.redis's factory that
// also remembers each backend, to close them at the end.
const opened = [];
registerBackend("test.redis-url", (args, region) => {
  const backend = new RedisBackend(args, region);
  opened.push(backend);
  return backend;
});
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
  await client.close();
});

conformance("redis (url, lock)", { backend: "test.redis-url", arguments: { url }, persists: true });
conformance("redis (client, lock)", { backend: "edgepile.redis", arguments: () => ({ client }), persists: true });
conformance("redis (client, no lock)", {
  backend: "edgepile.redis",
  arguments: () => ({ client, distributedLock: false }),
  persists: true,
});
conformance("redis (client, lock, l1)", {
  backend: "edgepile.redis",
  arguments: () => ({ client }),
  configure: { l1: { maxEntries: 100 } },
  persists: true,
});
conformance("redis+compression", {
  backend: "edgepile.redis",
  arguments: () => ({ client }),
  wrap: () => [new CompressionProxy()],
  persists: true,
});
