// The public API, shared by every runtime entry (workerd.js, node.js), which load the wasm first.
export { makeRegion, CacheRegion, waitUntilRunner, encodeCachedValue, decodeCachedValue } from "./region.js";
export { registerBackend } from "./backends/registry.js";
export { KvBackend } from "./backends/kv.js";
export { CacheApiBackend } from "./backends/cache-api.js";
export { DurableObjectBackend } from "./backends/durable-object.js";
export { DurableObjectLeases } from "./leases/durable-object.js";
export { KvLeases } from "./leases/kv.js";
export { NO_VALUE } from "./no-value.js";
export { CachedValue } from "./cached-value.js";
export { ProxyBackend } from "./proxy.js";
export { StatsProxy } from "./proxies/stats.js";
export { JsonCodecProxy } from "./proxies/json.js";
export { CompressionProxy } from "./proxies/compression.js";
export {
  functionKeyGenerator,
  functionMultiKeyGenerator,
  kwargFunctionKeyGenerator,
  sha1MangleKey,
  sha256MangleKey,
  lengthConditionalMangler,
  prefixMangler,
} from "./keys.js";
export {
  EdgepileError,
  RegionNotConfigured,
  RegionAlreadyConfigured,
  ValidationError,
  BackendError,
  LockTimeout,
  TimeoutError,
} from "./errors.js";
export { FaultProxy } from "./proxies/fault.js";
