// Entry for Node.js: compile the wasm from the file beside the glue.
import { readFileSync } from "node:fs";
import { initSync } from "../../pkg/edgepile.js";
import { registerBackend } from "./backends/registry.js";
import { RedisBackend } from "./backends/redis.js";

initSync({ module: readFileSync(new URL("../../pkg/edgepile_bg.wasm", import.meta.url)) });

// Redis is reached over a Node client library: "edgepile.redis" exists in Node only.
registerBackend("edgepile.redis", (args, region) => new RedisBackend(args, region));

export * from "./index.js";
export { RedisBackend } from "./backends/redis.js";
export { RedisLeases } from "./leases/redis.js";
export { RedisCoherence } from "./coherence/redis.js";
