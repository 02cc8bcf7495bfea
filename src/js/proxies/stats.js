// Counts what reaches the backend: hits and misses (a stored entry or not, fresh or stale),
// sets and deletes. Put it outermost to see what the region asks for.
import { NO_VALUE } from "../no-value.js";
import { ProxyBackend } from "../proxy.js";

export class StatsProxy extends ProxyBackend {
  hits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;

  /** @returns {Promise<import("../index.js").StoredItem>} */
  async get(key) {
    const v = await this.proxied.get(key);
    if (v === NO_VALUE || v === undefined)
      this.misses++; // undefined: missing, as the core reads it
    else this.hits++;
    return v;
  }

  async getMulti(keys) {
    const values = await this.proxied.getMulti(keys);
    for (const v of values) {
      if (v === NO_VALUE || v === undefined)
        this.misses++; // undefined: missing, as the core reads it
      else this.hits++;
    }
    return values;
  }

  set(key, value, options) {
    this.sets++;
    return this.proxied.set(key, value, options);
  }

  // async as ProxyBackend's: the multi forms of a proxy answer with a Promise.
  async setMulti(mapping, options) {
    this.sets += Object.keys(mapping).length;
    return this.proxied.setMulti(mapping, options);
  }

  delete(key) {
    this.deletes++;
    return this.proxied.delete(key);
  }

  async deleteMulti(keys) {
    this.deletes += keys.length;
    return this.proxied.deleteMulti(keys);
  }

  /** The counters and the hit ratio (0 when nothing was read). */
  stats() {
    const reads = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, sets: this.sets, deletes: this.deletes, hitRatio: reads ? this.hits / reads : 0 };
  }

  reset() {
    this.hits = this.misses = this.sets = this.deletes = 0;
  }
}
