// "edgepile.cloudflare_kv": a region over a Workers KV namespace.
//
// - KV holds exactly the bytes it is handed: edgepile's MessagePack envelope, or a codec proxy's
//   output, so any other reader (`get(key, "arrayBuffer")`, another service) gets them as written
//   (binary-text.js has the one exception, and how entries edgepile 0.1 wrote still read).
//   Reads return a Uint8Array; a codec that stored text gets its UTF-8 back.
// - A hit is one KV read (`get(key, "arrayBuffer")`) and no write.
// - getMulti reads each key with `get(key, "arrayBuffer")`, all at once. KV's bulk read returns
//   only text, and an envelope is never valid UTF-8 (its first byte is 0x92), so a bulk read
//   could only tell which keys are missing and every hit would be read (and billed) twice; one
//   read per key is billed exactly as a bulk read is (per key). docs/values.md has the numbers.
// - Values carry a physical `expirationTtl` (≥ 60 s, KV's floor) covering expiry plus
//   `staleTtl`, so KV reclaims space while stale values can still be served.
// - Keys over 512 bytes are refused with a hint; KV errors become BackendError with the cause.
import { kvKeyProblem } from "../../../pkg/edgepile.js";
import { BackendError, ValidationError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { schema } from "../schema.js";
import { forKv, fromKv } from "./binary-text.js";
import { encodeItem, keptFor, staleWindow } from "./items.js";

/** The prefix of KV lease keys (leases/kv.js), reserved among value keys when they are on. */
export const DEFAULT_LOCK_PREFIX = "edgepile-lock:";

export const KV_MAX_VALUE_BYTES = 25 * 1024 * 1024;
const utf8 = new TextEncoder();

/** Workers KV's shortest expirationTtl, seconds (src/limits.rs). */
export const kvMinTtl = () => schema().limits.kvMinTtl;

/**
 * Throws a ValidationError for a key Workers KV refuses, by the core's rule (src/limits.rs,
 * shared with the Rust KvBackend): "", "." and "..", and keys over 512 UTF-8 bytes. A key of 3
 * to limit/3 UTF-16 units passes without asking the core: no encoding of it can be too long.
 */
export function checkKvKey(key) {
  const max = schema().limits.kvMaxKeyBytes;
  if (key.length > 2 && key.length * 3 <= max) return key;
  const problem = kvKeyProblem(key);
  if (problem === undefined) return key;
  if (problem === "reserved") throw new ValidationError(`KV does not accept the key ${JSON.stringify(key)}`);
  throw new ValidationError(
    `KV keys are at most ${max} bytes; this one is ${problem}. Shorten long keys with ` +
      `makeRegion({ keyMangler: lengthConditionalMangler(${max}, sha256MangleKey) })`,
  );
}

/** The key of KvBackend's `get` in parts (see there). */
export const kvReadParts = Symbol("edgepile.kvReadParts");

/** What `get` answers for KV's answer `buf` (an ArrayBuffer, or null when missing). */
function answer(buf) {
  return buf === null ? NO_VALUE : fromKv(new Uint8Array(buf));
}

function fail(op, key, cause) {
  const status = /\b429\b/.test(String(cause?.message)) ? " (429: too many writes to this key; KV takes one per second)" : "";
  return new BackendError(`KV ${op} of ${JSON.stringify(key)} failed${status}`, { cause });
}

export class KvBackend {
  /**
   * @param {import("../index.js").KvArguments} args
   * @param {{ expirationTime?: number }} region the region's fixed expiration, for sets that do not say
   */
  constructor(args, region = {}) {
    const { namespace, staleTtl } = args;
    if (namespace === null || typeof namespace !== "object" || typeof namespace.get !== "function" || typeof namespace.put !== "function") {
      throw new ValidationError("edgepile.cloudflare_kv needs arguments.namespace: a KV namespace binding such as env.CACHE");
    }
    this.namespace = namespace;
    this.stale = staleWindow(staleTtl, region);
    // With KV leases, lease keys (`<lockPrefix><key>`) live among the values: a value key that
    // starts with the prefix would be another key's lease, so such keys are refused.
    this.reserved = args.distributedLock ? (args.lockPrefix ?? DEFAULT_LOCK_PREFIX) : undefined;
    this.defaultTtl = typeof region.expirationTime === "number" ? region.expirationTime : undefined;
  }

  #check(key) {
    checkKvKey(key);
    if (this.reserved !== undefined && key.startsWith(this.reserved)) {
      throw new ValidationError(
        `the key ${JSON.stringify(key)} starts with the KV lease prefix ${JSON.stringify(this.reserved)}: it would be another key's lease; ` +
          "use a keyMangler such as prefixMangler, or another lockPrefix",
      );
    }
    return key;
  }

  async get(key) {
    this.#check(key);
    let buf;
    try {
      buf = await this.namespace.get(key, "arrayBuffer");
    } catch (e) {
      throw fail("read", key, e);
    }
    return answer(buf);
  }

  /**
   * `get` in parts, for the region's hit path (first-read.js), which awaits the namespace's own
   * promise rather than one more around it: `read` checks the key (a bad key throws there) and
   * answers KV's promise; `answer` makes what it resolves to what `get` answers, `failed` what it
   * rejects with. Keyed by a symbol: not part of the backend's public surface.
   */
  [kvReadParts]() {
    return {
      /** @param {string} key */
      read: (key) => {
        this.#check(key);
        try {
          const found = this.namespace.get(key, "arrayBuffer");
          // A binding answers a Promise; a stand-in may answer a value or a thenable.
          return found instanceof Promise ? found : Promise.resolve(found);
        } catch (e) {
          return Promise.reject(e);
        }
      },
      answer,
      /** @param {string} key @param {unknown} cause */
      failed: (key, cause) => fail("read", key, cause),
    };
  }

  getMulti(keys) {
    for (const k of keys) this.#check(k);
    return Promise.all(keys.map((k) => this.get(k)));
  }

  async set(key, item, options) {
    this.#check(key);
    const { bytes, text } = encodeItem(item);
    const body = forKv(bytes ?? utf8.encode(text));
    if (body.length > KV_MAX_VALUE_BYTES) {
      throw new ValidationError(`KV values are at most 25 MiB; this one is larger (key ${JSON.stringify(key)})`);
    }
    const ttl = options?.ttl ?? this.defaultTtl;
    const expirationTtl = keptFor(ttl, this.stale, kvMinTtl());
    try {
      await this.namespace.put(key, body, expirationTtl === undefined ? undefined : { expirationTtl });
    } catch (e) {
      throw fail("write", key, e);
    }
  }

  async setMulti(mapping, options) {
    // KV has no bulk write in the binding: one put per key, concurrently.
    await Promise.all(Object.keys(mapping).map((k) => this.set(k, mapping[k], options)));
  }

  async delete(key) {
    this.#check(key);
    try {
      await this.namespace.delete(key);
    } catch (e) {
      throw fail("delete", key, e);
    }
  }

  async deleteMulti(keys) {
    await Promise.all(keys.map((k) => this.delete(k)));
  }
}
