// Compresses what is stored with the runtime's CompressionStream (gzip by default). Below a
// codec proxy it compresses that codec's output; with none, it encodes the value as edgepile's
// MessagePack envelope first. Reads return bytes, which the region (or the codec above) decodes.
import { encodeCachedValue } from "../install.js";
import { CachedValue } from "../cached-value.js";
import { ValidationError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { ProxyBackend } from "../proxy.js";
import { asBytes, isBytes, utf8 } from "./codec.js";

/** @type {CompressionFormat[]} */
const FORMATS = ["gzip", "deflate", "deflate-raw"];

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export class CompressionProxy extends ProxyBackend {
  /** @param {{ format?: CompressionFormat }} [options] */
  constructor({ format = "gzip" } = {}) {
    super();
    if (!FORMATS.includes(format)) throw new ValidationError(`format must be one of ${FORMATS.join(", ")}`);
    this.format = format;
  }

  async set(key, value, options) {
    return this.proxied.set(key, await this.compress(value), options);
  }

  /** @returns {Promise<import("../index.js").StoredItem>} */
  async get(key) {
    const item = await this.proxied.get(key);
    if (item === NO_VALUE || !isBytes(item)) return NO_VALUE;
    try {
      return await pipe(asBytes(item), new DecompressionStream(this.format));
    } catch {
      return NO_VALUE; // not ours, or truncated: a miss
    }
  }

  compress(value) {
    const bytes =
      value instanceof CachedValue
        ? encodeCachedValue(value)
        : typeof value === "string"
          ? utf8.encode(value)
          : isBytes(value)
            ? asBytes(value)
            : undefined;
    if (bytes === undefined) throw new ValidationError("the compression proxy takes CachedValue objects, text or bytes");
    return pipe(bytes, new CompressionStream(this.format));
  }
}
