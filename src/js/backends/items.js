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
