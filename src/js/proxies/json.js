// Stores values as JSON text, `{"payload": ..., "metadata": {"ct": ..., "v": ...}}`, for other
// tools that read the same store. What it returns from set is exactly what the backend keeps.
// Lossy by design, as JSON is (docs/values.md has the table): a Date is stored as its ISO string
// and reads back as that string; `undefined` is dropped from objects and is null in arrays, as
// holes are; NaN and ±Infinity are null, -0 is 0; a shared object is written out each time.
// What JSON would turn into `{}` or cannot hold (BigInt, bytes, typed arrays, Map, Set, RegExp)
// is refused, not altered.
import { CachedValue } from "../cached-value.js";
import { ValidationError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { ProxyBackend } from "../proxy.js";
import { asBytes, fromUtf8, isBytes } from "./codec.js";

function refused(value) {
  if (typeof value === "bigint") return "a BigInt";
  if (isBytes(value) || ArrayBuffer.isView(value)) return "bytes";
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  if (value instanceof RegExp) return "a RegExp";
  return undefined;
}

// Runs after toJSON, so a Date arrives here as its ISO string.
function replacer(key, value) {
  const what = refused(value);
  if (what !== undefined) throw new ValidationError(`the JSON codec cannot store ${what} (at ${JSON.stringify(key)})`);
  return value;
}

export class JsonCodecProxy extends ProxyBackend {
  set(key, value, options) {
    return this.proxied.set(key, this.encode(value), options);
  }

  /** @returns {Promise<import("../index.js").StoredItem>} */
  async get(key) {
    return this.decode(await this.proxied.get(key));
  }

  encode(value) {
    if (!(value instanceof CachedValue))
      throw new ValidationError("the JSON codec encodes CachedValue objects; put it outside byte-producing proxies");
    return JSON.stringify({ payload: value.payload, metadata: value.metadata }, replacer);
  }

  /**
   * Text (or UTF-8 bytes) back to a CachedValue; anything unreadable is a miss.
   * @returns {CachedValue | import("../index.js").NoValue}
   */
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
