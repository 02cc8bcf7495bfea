// Best-effort leases as KV keys (`<lockPrefix><key>` → { token, expires }). KV has no
// compare-and-set and propagates writes in up to 60 s, so two isolates can both believe they
// hold a lease; use the Durable Object coordinator for exact mutual exclusion.
import { checkKvKey, KV_MIN_TTL } from "../backends/kv.js";

export class KvLeases {
  constructor(namespace, prefix = "edgepile-lock:") {
    this.namespace = namespace;
    this.prefix = prefix;
  }

  async acquire(key, ttlSeconds) {
    const lockKey = checkKvKey(this.prefix + key);
    const now = Date.now();
    const current = await this.namespace.get(lockKey, "json");
    if (current && current.expires > now) return null;
    const token = crypto.randomUUID();
    try {
      await this.namespace.put(lockKey, JSON.stringify({ token, expires: now + ttlSeconds * 1000 }), {
        expirationTtl: Math.max(KV_MIN_TTL, Math.ceil(ttlSeconds)),
      });
    } catch {
      return null; // 429: someone else is writing this lease key right now
    }
    return token;
  }

  async release(key, token) {
    const lockKey = this.prefix + key;
    const current = await this.namespace.get(lockKey, "json");
    if (current?.token === token) await this.namespace.delete(lockKey);
  }
}
