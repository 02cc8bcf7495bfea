// A KV binding kept in the isolate, for the warm KV-hit suite: values are stored as bytes and
// each get answers at once what a KV get answers (a fresh ArrayBuffer, the text, or the parsed
// JSON, with the metadata it was put with), so a hit costs the library's CPU and little of the
// store's. Metadata is kept as KV keeps it, as JSON, and parsed on each read as KV's binding
// parses it: a new object each time, never the one put.
const utf8 = new TextEncoder();
const text = new TextDecoder();

function bytesOf(value) {
  if (typeof value === "string") return utf8.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function memoryKv() {
  const entries = new Map(); // key → { bytes: ArrayBuffer, metadata: JSON text or null }
  const read = (entry, type) => {
    const bytes = entry?.bytes;
    if (bytes === undefined) return null;
    const kind = typeof type === "object" ? type?.type : type;
    if (kind === "arrayBuffer") return bytes.slice(0);
    if (kind === "json") return JSON.parse(text.decode(bytes));
    return text.decode(bytes);
  };
  return {
    async get(key, type) {
      return read(entries.get(key), type);
    },
    async getWithMetadata(key, type) {
      const entry = entries.get(key);
      const metadata = entry?.metadata ?? null;
      return { value: read(entry, type), metadata: metadata === null ? null : JSON.parse(metadata) };
    },
    async put(key, value, options) {
      entries.set(key, {
        bytes: bytesOf(value).slice().buffer,
        metadata: options?.metadata === undefined ? null : JSON.stringify(options.metadata),
      });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

/** A subject's Worker with its KV binding replaced by one in the isolate. */
export function overMemoryKv(worker) {
  const KV = memoryKv();
  return { fetch: (request, env, ctx) => worker.fetch(request, { ...env, KV }, ctx) };
}
