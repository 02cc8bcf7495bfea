// Leases as KV keys (`<lockPrefix><key>` → { token, expires }), taken by write-then-verify: read
// the lease key, and if no unexpired lease is there, write our token, wait `settleMs`, read the
// key back and hold the lease only if our token is the one read. Of isolates that race for a
// free lease in one location, every writer but the last reads another's token and backs off, so
// one holds it; the read-then-write this replaces let all of them hold it (8 creations for 8
// isolates, measured). What it cannot do: KV has no compare-and-set and shows a write to other
// locations up to 60 s later, so across locations each may hold the lease at once, and within
// one a writer slower than `settleMs` between its first read and its write can still overlap a
// holder. The Durable Object lease (lockNamespace) is exact everywhere.
import { checkKvKey, DEFAULT_LOCK_PREFIX, kvMinTtl } from "../backends/kv.js";
import { ValidationError } from "../errors.js";
import { schema } from "../schema.js";

const utf8 = new TextEncoder();

export const DEFAULT_SETTLE_MS = 50;

export class KvLeases {
  /**
   * @param {import("../index.js").KVNamespaceLike} namespace
   * @param {string} [prefix] lease keys are this prefix + the value key; value keys that start
   *   with it are refused by the KV backend of a region with KV leases (see kv.js)
   * @param {{ sleep?: (ms: number) => Promise<void>, settleMs?: number }} [timing]
   */
  constructor(namespace, prefix = DEFAULT_LOCK_PREFIX, { sleep, settleMs = DEFAULT_SETTLE_MS } = {}) {
    if (typeof prefix !== "string" || prefix === "") {
      throw new ValidationError("lockPrefix of KV leases must be a non-empty string: lease keys share the namespace with values");
    }
    this.namespace = namespace;
    this.prefix = prefix;
    this.sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.settleMs = settleMs;
  }

  /**
   * The lease record acquire writes. KV holds whatever was put there: the reads below treat
   * anything else (no `expires` ahead, another `token`) as no lease of theirs.
   * @param {string} lockKey
   * @returns {Promise<{ token?: unknown, expires?: unknown } | null>}
   */
  async #read(lockKey) {
    return /** @type {{ token?: unknown, expires?: unknown } | null} */ (await this.namespace.get(lockKey, "json"));
  }

  /** The lease key of `key`, which KV must accept: the prefix takes room from the key's 512 bytes. */
  #lockKey(key) {
    try {
      return checkKvKey(this.prefix + key);
    } catch (e) {
      const room = schema().limits.kvMaxKeyBytes - utf8.encode(this.prefix).length;
      throw new ValidationError(
        `the KV lease key of ${JSON.stringify(key)} (lockPrefix ${JSON.stringify(this.prefix)} + the key) is not a valid KV key: ` +
          `with distributedLock, keep keys to ${room} bytes, e.g. keyMangler: lengthConditionalMangler(${room}, sha256MangleKey)`,
        { cause: e },
      );
    }
  }

  async acquire(key, ttlSeconds) {
    const lockKey = this.#lockKey(key);
    const current = await this.#read(lockKey);
    if (current && Number(current.expires) > Date.now()) return null;
    const token = crypto.randomUUID();
    try {
      await this.namespace.put(lockKey, JSON.stringify({ token, expires: Date.now() + ttlSeconds * 1000 }), {
        expirationTtl: Math.max(kvMinTtl(), Math.ceil(ttlSeconds)),
      });
    } catch {
      return null; // 429: someone else is writing this lease key right now
    }
    // Let racing writers land, then see whose token stayed: only that one holds the lease.
    await this.sleep(this.settleMs);
    const after = await this.#read(lockKey);
    return after?.token === token ? token : null;
  }

  async release(key, token) {
    const lockKey = this.#lockKey(key);
    const current = await this.#read(lockKey);
    if (current?.token === token) await this.namespace.delete(lockKey);
  }
}
