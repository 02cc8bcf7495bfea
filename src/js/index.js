// The public API, shared by every runtime entry (workerd.js, node.js), which load the wasm first.
export { makeRegion, CacheRegion } from "./region.js";
export { NO_VALUE } from "./no-value.js";
export {
  EdgepileError, RegionNotConfigured, RegionAlreadyConfigured, ValidationError, BackendError, LockTimeout,
} from "./errors.js";
