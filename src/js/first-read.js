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
//   (`watchRead` answers false);
// - no decision on an answer that may be out of date: the core watches the key while the read is
//   out, and reads again if a write of it completes meanwhile (as for a read of its own);
// - one decision per read: when the call that began the read is answered at once (a fresh hit, a
//   creation or a failure that needed no I/O), the calls that shared the read take its outcome and
//   are counted as calls joining a read are; when it is still pending, the core has registered
//   its work on the key and they join that;
// - a call waiting on another call's read keeps its own request alive (`keepAlive`), as a call
//   joining the core's work does;
// - bounded reads: a region or call with a backendTimeout leaves its reads to the core, which
//   times them out.
import { keepAlive } from "./keep-alive.js";
import { NO_VALUE } from "./no-value.js";
import { schema } from "./schema.js";

/** Keys whose read slots are kept between reads (then the slots start again). */
const MAX_SLOTS = 1024;

/**
 * One key's read: the chain's answer to come, the calls sharing it, and the outcome of the call
 * that began it once that call was answered at once. Kept in the map after its read, for the
 * key's next one: a hit then writes fields instead of adding and removing a map entry (about
 * 90 ns of a ~1.5 µs KV hit).
 */
class Read {
  out = false; // a read is out: a call now shares it
  /** @type {unknown} */
  item = undefined;
  raw = false; // item is the KV namespace's own answer (KvBackend.answer makes it the chain's)
  sharers = 0;
  /** @type {Joined | undefined} */
  done = undefined;
  released = false;
}

export class FirstReads {
  /** @type {Map<string, Read>} by mangled key */
  #reads = new Map();
  #chain;
  #kv;

  /**
   * @param {{ get(key: string): unknown, getRaw?(key: string, read: KvParts["read"]): unknown }} chain
   *   the object the core calls: the top of the chain
   * @param {KvParts} [kv] the KV backend's read in parts when the chain is KvWrites right on it:
   *   a read then awaits the namespace's own promise (`getRaw`), one promise fewer
   */
  constructor(chain, kv) {
    this.#chain = chain;
    this.#kv = kv;
  }

  /** Forgets the slots no call is using (a slot whose read is out stays: calls still join it). */
  #sweep() {
    for (const [k, r] of this.#reads) if (!r.out && r.sharers === 0) this.#reads.delete(k);
  }

  /**
   * The core's getOrCreate of `key` (`mkey` once mangled), its first read made here.
   * @param {import("../../pkg/edgepile.js").RegionCore} core
   */
  async getOrCreate(core, key, mkey, create, call) {
    const found = this.#reads.get(mkey);
    const starter = found === undefined || !found.out;
    let end; // the keep-alive of a call waiting on another call's read
    /** @type {Read} */
    let read;
    if (starter) {
      if (!core.watchRead(mkey)) return core.getOrCreate(key, create, call);
      // A slot still held by calls of an earlier read is left to them.
      if (found === undefined || found.sharers !== 0) {
        if (this.#reads.size >= MAX_SLOTS) this.#sweep();
        read = new Read();
        this.#reads.set(mkey, read);
      } else {
        read = found;
      }
      read.out = true;
      read.sharers = 1;
      read.done = undefined;
      read.released = false;
      read.raw = false;
      try {
        if (this.#kv === undefined) {
          read.item = this.#chain.get(mkey);
        } else {
          read.item = /** @type {any} */ (this.#chain).getRaw(mkey, this.#kv.read);
          read.raw = read.item instanceof Promise; // a held value is never one
        }
      } catch (error) {
        read.item = Promise.reject(error);
        read.raw = false;
      }
    } else {
      read = found;
      read.sharers++;
      end = keepAlive();
    }
    try {
      let item;
      let failed = false;
      try {
        item = await read.item;
        if (read.raw) item = /** @type {KvParts} */ (this.#kv).answer(item);
      } catch (error) {
        item = read.raw ? /** @type {KvParts} */ (this.#kv).failed(mkey, error) : error;
        failed = true;
      }
      // The starter resumes first (its await was the first): a call sharing its read takes
      // what a call joining that read gets in the core, when the core has settled it.
      const done = read.done;
      if (done !== undefined) {
        if (done.failed) throw done.error;
        core.joinedRead(mkey, done.event);
        return done.value;
      }
      // Bytes (a byte store's hit) are copied in with the call; anything else is passed as it is.
      const bytes = !failed && item instanceof Uint8Array ? item : undefined;
      const other = bytes === undefined ? item : undefined;
      // Other calls wait on this read (all counted by now: a later call begins a read of its own):
      // the core says what they get when it is settled before it answers this one.
      const shared = starter && read.sharers > 1;
      // Alone on this read: the core ends its watch with the call (no call of its own for that).
      const release = read.sharers === 1 && !read.released;
      if (release) {
        read.released = true;
        // A plain call's fresh hit, judged without the rest of the get-or-create.
        if (bytes !== undefined && call === undefined) {
          const hit = core.readHit(mkey, bytes);
          if (hit !== NO_VALUE) return hit;
        }
      }
      let out;
      try {
        out = core.getOrCreateRead(key, create, call, mkey === key ? undefined : mkey, bytes, other, failed, shared, release);
      } catch (error) {
        if (shared) read.done = joinedOutcome(core, error);
        throw error;
      }
      if (shared) read.done = joinedOutcome(core, undefined);
      return out;
    } finally {
      if (starter) {
        read.out = false;
        read.item = undefined;
      }
      end?.();
      if (--read.sharers === 0) {
        read.done = undefined; // the slot stays in the map: it keeps no value
        if (!read.released) core.unwatchRead(mkey);
      }
    }
  }
}

/** @typedef {{ failed: false, value: unknown, event: number } | { failed: true, error: unknown }} Joined */
/** @typedef {{ read(key: string): Promise<unknown>, answer(buf: unknown): unknown, failed(key: string, cause: unknown): unknown }} KvParts */

/**
 * What the calls sharing a read get, from the core, after the call that began it returned (or
 * threw `error`); undefined when the core has not settled it (they go to the core and join).
 * @param {import("../../pkg/edgepile.js").RegionCore} core
 * @returns {Joined | undefined}
 */
function joinedOutcome(core, error) {
  const event = core.sharedEvent();
  const value = core.sharedValue(); // taken, so the core keeps no reference to it
  if (event === 0) return undefined;
  // The read's error, which that call threw.
  if (event === schema().codes.sharedFailed) return error === undefined ? undefined : { failed: true, error };
  return { failed: false, value, event };
}
