// A Workers KV binding wrapped to count what each library asks of it: operations by kind (what
// KV bills) and the bytes of the last value and metadata written (what KV stores).
const utf8 = new TextEncoder();

function byteLength(value) {
  if (typeof value === "string") return utf8.encode(value).length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return 0; // streams are not used by any subject
}

const zero = () => ({ reads: 0, writes: 0, deletes: 0, lists: 0, rejected: 0, lastWrite: null });

/** KV's limit as production enforces it and local KV does not: one write per key per second. */
const LIMIT_MS = 1000;

export function countingKv(kv) {
  const counts = zero();
  let lastPut; // key → ms of its last accepted write, while the limit is on
  const wrapped = {
    counts,
    reset() {
      Object.assign(counts, zero());
    },
    /** Turns production's one-write-per-key-per-second limit on (429s) or off. */
    limitWrites(on) {
      lastPut = on ? new Map() : undefined;
    },
    get(key, options) {
      // A bulk get is billed per key read.
      counts.reads += Array.isArray(key) ? key.length : 1;
      return kv.get(key, options);
    },
    getWithMetadata(key, options) {
      counts.reads += Array.isArray(key) ? key.length : 1;
      return kv.getWithMetadata(key, options);
    },
    put(key, value, options) {
      if (lastPut !== undefined) {
        const now = Date.now();
        if (now - (lastPut.get(key) ?? -Infinity) < LIMIT_MS) {
          counts.rejected++;
          return Promise.reject(new Error("KV PUT failed: 429 Too Many Requests"));
        }
        lastPut.set(key, now);
      }
      counts.writes++;
      const metadata = options?.metadata === undefined ? 0 : byteLength(JSON.stringify(options.metadata));
      counts.lastWrite = { key, valueBytes: byteLength(value), metadataBytes: metadata };
      return kv.put(key, value, options);
    },
    delete(key) {
      counts.deletes++;
      return kv.delete(key);
    },
    list(options) {
      counts.lists++;
      return kv.list(options);
    },
  };
  return wrapped;
}
