// Durable Object classes shipped with edgepile. Export them from your Worker's main module and
// bind them in wrangler.toml:  export { LeaseCoordinator, EdgepileStore } from "edgepile";
import { DurableObject } from "cloudflare:workers";

// What these objects store, and so what their storage reads give back.
/** @typedef {{ token: string, expires: number }} Lease */
/** @typedef {{ item: unknown, expires: number }} Entry expires: epoch ms, 0 for never */

const BATCH = 128; // storage.get/put/delete take at most 128 keys at a time

function chunks(list, size = BATCH) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Leases for the dogpile lock across isolates. One object per lease key (the client names it
 * after the key), so leases on different keys never queue behind each other. Exact: a Durable
 * Object runs one request at a time and its storage is strongly consistent. An alarm clears
 * leases whose holder never released them.
 */
export class LeaseCoordinator extends DurableObject {
  /** A token if the lease on `key` was free (or expired), else null. */
  async acquire(key, ttlMs) {
    const now = Date.now();
    const current = /** @type {Lease | undefined} */ (await this.ctx.storage.get(key));
    if (current && current.expires > now) return null;
    const token = crypto.randomUUID();
    const expires = now + Math.max(1, Math.min(Number(ttlMs) || 0, 3_600_000));
    await this.ctx.storage.put(key, { token, expires });
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > expires) await this.ctx.storage.setAlarm(expires);
    return token;
  }

  /** Frees the lease if `token` still holds it; true if it did. */
  async release(key, token) {
    const current = /** @type {Lease | undefined} */ (await this.ctx.storage.get(key));
    if (!current || current.token !== token) return false;
    await this.ctx.storage.delete(key);
    return true;
  }

  async alarm() {
    const now = Date.now();
    let next = Infinity;
    for (const [key, lease] of /** @type {Map<string, Lease>} */ (await this.ctx.storage.list())) {
      if (lease.expires <= now) await this.ctx.storage.delete(key);
      else next = Math.min(next, lease.expires);
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }
}

/**
 * Storage for "edgepile.durable_object": items as the region's chain hands them over, with a
 * physical expiry swept by an alarm. Strongly consistent; one object serves a shard of keys.
 */
export class EdgepileStore extends DurableObject {
  async getMulti(keys) {
    const now = Date.now();
    const out = [];
    for (const part of chunks(keys)) {
      const found = /** @type {Map<string, Entry>} */ (await this.ctx.storage.get(part));
      for (const k of part) {
        const e = found.get(k);
        out.push(e && (e.expires === 0 || e.expires > now) ? e.item : null);
      }
    }
    return out;
  }

  /** entries: [key, item][]; expires: epoch ms, 0 for never. */
  async setMulti(entries, expires) {
    for (const part of chunks(entries)) {
      await this.ctx.storage.put(Object.fromEntries(part.map(([k, item]) => [k, { item, expires }])));
    }
    if (expires > 0) {
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null || alarm > expires) await this.ctx.storage.setAlarm(expires);
    }
  }

  async deleteMulti(keys) {
    for (const part of chunks(keys)) await this.ctx.storage.delete(part);
  }

  /** Every stored key (for inspection and tests). */
  async keys() {
    return [...(await this.ctx.storage.list()).keys()];
  }

  async alarm() {
    const now = Date.now();
    let next = Infinity;
    for (const [key, e] of /** @type {Map<string, Entry>} */ (await this.ctx.storage.list())) {
      if (e.expires !== 0 && e.expires <= now) await this.ctx.storage.delete(key);
      else if (e.expires !== 0) next = Math.min(next, e.expires);
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }
}
