// Turning what a chain hands a byte store into bytes, and back. A CachedValue becomes
// edgepile's MessagePack envelope; bytes from a codec stay bytes; text stays text.
import { physicalTtl as physical } from "../../../pkg/edgepile.js";
import { encodeCachedValue } from "../install.js";
import { CachedValue } from "../cached-value.js";
import { ValidationError } from "../errors.js";
import { describe } from "../options.js";

/** `{ bytes }` or `{ text }` for an item. */
export function encodeItem(item) {
  if (item instanceof CachedValue || (item !== null && typeof item === "object" && "metadata" in item && "payload" in item)) {
    return { bytes: encodeCachedValue(item) };
  }
  if (item instanceof Uint8Array) return { bytes: item };
  if (item instanceof ArrayBuffer) return { bytes: new Uint8Array(item) };
  if (typeof item === "string") return { text: item };
  throw new ValidationError(`a byte store keeps CachedValues, bytes or text, got ${describe(item)}`);
}

/**
 * Physical lifetime in seconds for a value whose region expiration is `ttl` (-1 or undefined:
 * never, answered as undefined): long enough to serve it stale for `staleTtl` more seconds (by
 * default as long as `ttl`, at least a minute), never below `floor`. The rule is the core's
 * (src/limits.rs), shared with the Rust KV backend.
 */
export function physicalTtl(ttl, staleTtl, floor) {
  return physical(ttl, staleTtl, floor);
}

/**
 * How long past expiry a byte store keeps values: `staleTtl` from its arguments (checked; the
 * core's default when undefined) and the region's `staleIfError`, whichever is longer, so a value
 * a failing creator's caller may be served stale is still there. Returns `{ staleTtl, staleIfError }`
 * for `keptFor`.
 */
export function staleWindow(staleTtl, region = {}) {
  if (staleTtl !== undefined && !(typeof staleTtl === "number" && staleTtl >= 0 && Number.isFinite(staleTtl))) {
    throw new ValidationError(`staleTtl must be a number of seconds ≥ 0, got ${describe(staleTtl)}`);
  }
  return { staleTtl, staleIfError: region.staleIfError };
}

/** `physicalTtl` under a `staleWindow`: seconds to keep a value whose expiration is `ttl`. */
export function keptFor(ttl, window, floor) {
  const own = physical(ttl, window.staleTtl, floor);
  if (own === undefined || window.staleIfError === undefined) return own;
  return Math.max(own, physical(ttl, window.staleIfError, floor) ?? own);
}
