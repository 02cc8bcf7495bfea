// The first read of a getOrCreate over a chain with nothing in the isolate (KV, the Cache API, a
// Durable Object, a custom backend), made here in JS; the core decides from its answer
// (RegionCore.getOrCreateRead) exactly as from a read of its own.
//
// Why: a read made by the core is a task in wasm that awaits the chain's promise through a
// hand-off to JS and back, then settles a promise of its own. A KV hit spent more CPU on that
// machinery than on the rest of the work, and it ran with cold caches right after workerd's own
// KV code. Here a hit is one native await and one call into wasm that answers at once.
//
// What stays the core's: every decision (fresh, stale, missing, early refresh, the lock), the
// decoding of what the chain returned, and what a failed read leads to (reported, degraded,
// thrown) exactly as for a read of its own. What this keeps equal:
// - one read per key in flight: concurrent calls share the read made here, and a call that
//   arrives while the core is reading or creating the key joins the core's work instead
//   (`readTicket` answers -1), as it would without this module;
// - no decision on an answer that may be out of date: the ticket is the number of writes the
//   chain had taken when the read began, and the core reads again if it has taken another since;
// - bounded reads: a region or call with a backendTimeout leaves its reads to the core, which
//   times them out.
export class FirstReads {
  /** @type {Map<string, { item: unknown, ticket: number, error?: unknown }>} */
  #reads = new Map();
  #chain;

  /** @param {{ get(key: string): unknown }} chain the object the core calls: the top of the chain */
  constructor(chain) {
    this.#chain = chain;
  }

  /**
   * The core's getOrCreate of `key` (`mkey` once mangled), its first read made here.
   * @param {import("../../pkg/edgepile.js").RegionCore} core
   */
  async getOrCreate(core, key, mkey, create, call) {
    let read = this.#reads.get(mkey);
    const starter = read === undefined;
    if (read === undefined) {
      const ticket = core.readTicket(mkey);
      if (ticket < 0) return core.getOrCreate(key, create, call);
      let item;
      try {
        item = this.#chain.get(mkey);
      } catch (error) {
        item = Promise.reject(error);
      }
      read = { item, ticket };
      this.#reads.set(mkey, read);
    }
    let item;
    let failed = false;
    try {
      item = await read.item;
    } catch (error) {
      item = error;
      failed = true;
    }
    if (failed && !starter) {
      // The starter resumed first (its await was the first) and its call reported the failure,
      // once per read as for the core's own; the calls that shared the read get its error.
      if (read.error !== undefined) throw read.error;
      return core.getOrCreate(key, create, call);
    }
    try {
      // The starter's call registers the core's work on the key (a creation, a lease) before
      // the calls that shared this read reach the core, and they join that work.
      // Bytes (a byte store's hit) are copied in with the call; anything else is passed as it is.
      const bytes = !failed && item instanceof Uint8Array ? item : undefined;
      const other = bytes === undefined ? item : undefined;
      return core.getOrCreateRead(key, create, call, mkey === key ? undefined : mkey, bytes, other, failed, read.ticket);
    } catch (error) {
      if (starter) read.error = error;
      throw error;
    } finally {
      if (starter) this.#reads.delete(mkey);
    }
  }
}
