// The options a region takes, checked before anything reaches the core: which names each call
// accepts, the lease and degradation settings. Degradation names come from the core
// (src/schema.rs), so the lists that include them are built on first use, once the module is
// instantiated.
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";
import { schema } from "./schema.js";

export const LEASE_ARGUMENTS = ["lockNamespace", "distributedLock", "lockPrefix", "lockTimeout", "leaseTtl"];
export const BACKEND_ARGUMENTS = {
  "edgepile.memory": ["maxEntries"],
  "edgepile.null": [],
  "edgepile.cloudflare_kv": ["namespace", "staleTtl"],
  "edgepile.cloudflare_cache": ["cacheName", "baseUrl", "staleTtl"],
  "edgepile.durable_object": ["namespace", "name", "shards", "staleTtl"],
  // Node only (registered by node.js); its lease client comes with the backend.
  "edgepile.redis": ["url", "client", "staleTtl"],
};

/** makeRegion's options that must be functions when given. */
export const REGION_FUNCTIONS = [
  "keyMangler",
  "functionKeyGenerator",
  "functionMultiKeyGenerator",
  "asyncCreationRunner",
  "clock",
  "sleep",
  "onError",
  "random",
];
export const REGION_OPTIONS = ["name", ...REGION_FUNCTIONS];
export const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const degradation = () => schema().degradation;
export const VALUE_OPTIONS = ["checkValue", "migrate"];
let CONFIGURE_OPTIONS;
export const configureOptions = () =>
  (CONFIGURE_OPTIONS ??= [
    "expirationTime",
    "arguments",
    "wrap",
    "replaceExistingBackend",
    "l1",
    "coherence",
    "valueVersion",
    "earlyRefresh",
    ...VALUE_OPTIONS,
    ...degradation(),
  ]);

/** Throws unless the lease settings in `args` are well formed. */
export function checkLeaseArguments({ lockTimeout, leaseTtl, lockPrefix }) {
  for (const [what, v] of Object.entries({ lockTimeout, leaseTtl })) {
    if (v !== undefined && !(typeof v === "number" && v > 0 && Number.isFinite(v))) {
      throw new ValidationError(`${what} must be a positive number of seconds, got ${describe(v)}`);
    }
  }
  if (lockPrefix !== undefined && typeof lockPrefix !== "string") throw new ValidationError("lockPrefix must be a string");
}

/** Seconds > 0 (or undefined) for a degradation setting. */
export function degradationSeconds(options, what) {
  const v = options[what];
  if (v !== undefined && !(typeof v === "number" && v >= 0 && Number.isFinite(v))) {
    throw new ValidationError(`${what} must be a number of seconds ≥ 0, got ${describe(v)}`);
  }
  return v;
}
export const GET_OPTIONS = ["expirationTime", "ignoreExpiration"];
let CREATE_OPTIONS;
export const createOptions = () =>
  (CREATE_OPTIONS ??= [
    "expirationTime",
    "shouldCacheFn",
    "creatorArgs",
    "ctx",
    "tags",
    "earlyRefresh",
    ...VALUE_OPTIONS,
    ...degradation(),
  ]);
export const MULTI_OPTIONS = ["expirationTime", "shouldCacheFn", "tags", ...VALUE_OPTIONS];
export const SET_OPTIONS = ["tags"];
