// Stores values as JSON text, `{"payload": ..., "metadata": {"ct": ..., "v": ...}}`, for other
// tools that read the same store. What it returns from set is exactly what the backend keeps.
// JSON has no BigInt, bytes or undefined-in-arrays: such values are refused, not altered.
import { CachedValue } from "../cached-value.js";
import { ValidationError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { ProxyBackend } from "../proxy.js";
import { asBytes, fromUtf8, isBytes } from "./codec.js";

function replacer(key, value) {
  if (typeof value === "bigint") throw new ValidationError(`the JSON codec cannot store a BigInt (at ${JSON.stringify(key)})`);
  if (isBytes(value)) throw new ValidationError(`the JSON codec cannot store bytes (at ${JSON.stringify(key)})`);
  return value;
}

export class JsonCodecProxy extends ProxyBackend {
  set(key, value, options) {
    return this.proxied.set(key, this.encode(value), options);
  }

  async get(key) {
    return this.decode(await this.proxied.get(key));
  }

  encode(value) {
    if (!(value instanceof CachedValue)) throw new ValidationError("the JSON codec encodes CachedValue objects; put it outside byte-producing proxies");
    return JSON.stringify({ payload: value.payload, metadata: value.metadata }, replacer);
  }

  /** Text (or UTF-8 bytes) back to a CachedValue; anything unreadable is a miss. */
  decode(item) {
    if (item === NO_VALUE) return NO_VALUE;
    try {
      const text = typeof item === "string" ? item : isBytes(item) ? fromUtf8.decode(asBytes(item)) : undefined;
      if (text === undefined) return NO_VALUE;
      const parsed = JSON.parse(text);
      if (parsed === null || typeof parsed !== "object" || typeof parsed.metadata?.ct !== "number") return NO_VALUE;
      return new CachedValue(parsed.payload, parsed.metadata);
    } catch {
      return NO_VALUE;
    }
  }
}
