// Turning what a chain hands a byte store into bytes, and back. A CachedValue becomes
// edgepile's MessagePack envelope; bytes from a codec stay bytes; text stays text.
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
 * Physical lifetime in seconds for a value whose region expiration is `ttl` (-1: never):
 * long enough to serve it stale for `staleTtl` more seconds, never below `floor`.
 */
export function physicalTtl(ttl, staleTtl, floor) {
  if (ttl === undefined || ttl < 0) return undefined;
  return Math.max(floor, Math.ceil(ttl + staleTtl));
}
