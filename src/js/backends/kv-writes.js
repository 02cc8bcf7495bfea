// KV-aware writes: Workers KV takes at most one write per second per key and answers more with
// a 429. KvWrites sits between a KV region's core and its backend chain and, per key in this
// isolate:
// - lets one write through, then holds later writes until a second has passed since the last
//   one (each held write is counted as deferred); while held, a newer value replaces an older one
//   (the newest wins, the older is never written) and reads of the key are answered with it;
// - retries a write that got a 429 in the background, with backoff (1 s, 2 s, 4 s, …), at most
//   MAX_RETRIES times; then it is dropped, counted and reported, never lost silently;
// - keeps that background work alive through the latest request context it was given.
// The caller whose write goes first awaits it (other failures reach it as before); later
// callers return at once: their value exists and is served meanwhile.

import { CachedValue } from "../cached-value.js";
import { BackendError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";

export const KV_WRITE_INTERVAL_MS = 1000;
const DELETING = { item: NO_VALUE }; // read while a delete of the key is on its way
const ignore = () => {};
export const MAX_RETRIES = 4;
const MAX_TRACKED = 1000; // keys whose last write time is kept before a sweep

/**
 * True for KV's "too many writes to this key": the binding's 429, found through the causes of the
 * BackendErrors around it. A BackendError's own message is not read: it quotes the key, and a key
 * such as "user:429" must not pass a failed write off as KV's limit.
 */
export function isTooManyWrites(error) {
  for (let e = error, depth = 0; e != null && depth < 4; e = e.cause, depth++) {
    if (e instanceof BackendError) continue;
    if (/\b429\b/.test(String(e.message ?? e))) return true;
  }
  return false;
}

/**
 * A held write's value, copied: the caller may change its object once its set has returned, and
 * what is served meanwhile and written later must be what it set. A value the structured clone
 * cannot copy is held as it is (the encoder refuses it when it is written).
 */
function snapshot(item) {
  try {
    return new CachedValue(structuredClone(item.payload), item.metadata);
  } catch {
    return item;
  }
}

export class KvWrites {
  #inner;
  #clock; // ms
  #sleep; // (ms) => Promise
  #report; // (type, key, error) => void: "writeDeferred", "writeRetried", "writeDropped"
  /** @type {(key: string) => void} a write KV got after its caller had returned */
  #landed;
  // key → { last: ms of its last write, running, pending: the held write, sending: the
  // held write now on its way (served until it settles), writing: the write or delete in flight,
  // deletes: how many deletes of the key this isolate has made, deleting: how many are on their
  // way (the key reads as missing meanwhile) }
  #keys = new Map();
  /** @type {import("../index.js").ExecutionContextLike | undefined} */
  #ctx = undefined; // the latest request context, for waitUntil
  counts = { deferred: 0, retried: 0, dropped: 0 };

  constructor(inner, { clock, sleep, report, landed = ignore }) {
    this.#inner = inner;
    this.#clock = clock;
    this.#sleep = sleep;
    this.#report = report;
    this.#landed = landed;
  }

  /** Background work from now on is kept alive by this request's `ctx.waitUntil`. */
  useContext(ctx) {
    this.#ctx = ctx;
  }

  /** A held write's value (not yet in KV, or on its way) is this isolate's newest: served as it is. */
  get(key) {
    const held = this.#held(key);
    return held !== undefined ? held.item : this.#inner.get(key);
  }

  /**
   * `get` for the hit path (first-read.js) when the inner backend is a KvBackend: a held value as
   * `get` gives it, else `read(key)`: the KV namespace's own promise (KvBackend's read in parts).
   * @param {string} key
   * @param {(key: string) => Promise<unknown>} read
   */
  getRaw(key, read) {
    const held = this.#held(key);
    return held !== undefined ? held.item : read(key);
  }

  async getMulti(keys) {
    const found = await this.#inner.getMulti(keys);
    return keys.map((k, i) => this.#held(k)?.item ?? found[i]);
  }

  /** What this isolate knows better than KV: a held value, or none while a delete is on its way. */
  #held(key) {
    const s = this.#keys.get(key);
    if (s === undefined) return undefined;
    return s.pending ?? (s.deleting > 0 ? DELETING : s.sending);
  }

  /** The state of `key`, made when first needed (swept when idle: see #sweep). */
  #state(key) {
    let s = this.#keys.get(key);
    if (s === undefined) {
      if (this.#keys.size >= MAX_TRACKED) this.#sweep();
      s = { last: -Infinity, running: false, pending: undefined, sending: undefined, writing: undefined, deletes: 0, deleting: 0 };
      this.#keys.set(key, s);
    }
    return s;
  }

  set(key, item, options) {
    const s = this.#state(key);
    if (s.running || s.last + KV_WRITE_INTERVAL_MS > this.#clock() || s.writing !== undefined) {
      // Held until this key may be written again, in the background; a newer value takes the
      // place of one still held.
      s.pending = { item: snapshot(item), options };
      this.#count("deferred", key);
      if (!s.running) this.#start(key, s, undefined);
      return undefined;
    }
    s.pending = { item, options };
    let first;
    const firstDone = new Promise((resolve, reject) => {
      first = { resolve, reject };
    });
    this.#start(key, s, first);
    return firstDone;
  }

  #start(key, s, first) {
    s.running = true;
    this.#keepAlive(this.#run(key, s, first));
  }

  async setMulti(mapping, options) {
    await Promise.all(Object.keys(mapping).map((k) => this.set(k, mapping[k], options)));
  }

  delete(key) {
    const s = this.#forget(key);
    return this.#deleting([s], () => this.#inner.delete(key));
  }

  deleteMulti(keys) {
    const states = keys.map((k) => this.#forget(k));
    return this.#deleting(states, () => this.#inner.deleteMulti(keys));
  }

  /**
   * Sends a delete once the writes in flight of its keys have settled, and marks it in flight
   * itself: a write that follows waits for it (held meanwhile), so KV gets them in order.
   */
  async #deleting(states, send) {
    const before = states.map((s) => s.writing).filter((w) => w !== undefined);
    const done = (async () => {
      if (before.length > 0) await Promise.all(before);
      return send();
    })();
    const settled = done.then(ignore, ignore);
    for (const s of states) {
      s.writing = settled;
      s.deleting++;
    }
    try {
      return await done;
    } finally {
      for (const s of states) {
        s.deleting--;
        if (s.writing === settled) s.writing = undefined;
      }
    }
  }

  /**
   * A delete wins over writes still held for the key, and over one in flight: that one is not
   * retried (its value no longer served), and the delete is sent once it has settled.
   */
  #forget(key) {
    const s = this.#state(key);
    s.pending = undefined;
    s.sending = undefined;
    s.deletes++;
    return s;
  }

  /**
   * Writes what `s.pending` holds until nothing is held: one write a second, a 429 retried with
   * backoff unless a newer value came meanwhile. `first`: the caller awaiting the first write.
   */
  async #run(key, s, first) {
    let retries = 0;
    try {
      while (s.pending !== undefined) {
        // A delete in flight goes first; then one write a second.
        while (s.writing !== undefined) await s.writing;
        const wait = s.last + KV_WRITE_INTERVAL_MS - this.#clock();
        if (wait > 0) await this.#sleep(wait);
        if (s.writing !== undefined) continue;
        // Taken after the wait: what came meanwhile is newer (a delete leaves nothing).
        const entry = this.#next(s);
        if (entry === undefined) return;
        s.sending = entry;
        s.last = this.#clock();
        const deletes = s.deletes;
        let error;
        // Called inside a promise: a set that throws at once (a codec refusing the value) fails
        // this write as a rejected one does.
        const write = Promise.resolve().then(() => this.#inner.set(key, entry.item, entry.options));
        const writing = write.then(ignore, ignore);
        s.writing = writing;
        try {
          await write;
        } catch (e) {
          error = e;
        } finally {
          if (s.writing === writing) s.writing = undefined; // a delete since is in flight itself
          if (s.sending === entry) s.sending = undefined;
        }
        if (error === undefined || !isTooManyWrites(error)) {
          // Written, or not KV's limit: the first caller hears of it as before, a held write's
          // failure is counted as dropped.
          if (error !== undefined && first === undefined) this.#count("dropped", key, error);
          if (error === undefined && first === undefined) this.#landed(key);
          if (error === undefined) first?.resolve();
          else first?.reject(error);
          first = undefined;
          retries = 0;
          continue;
        }
        first?.resolve(); // KV's limit: the value exists and is served; the write goes on here
        first = undefined;
        if (s.pending !== undefined) {
          // A newer value waits: it is written instead (every 429 is counted: retried or dropped).
          this.#count("retried", key, error);
          retries = 0;
        } else if (s.deletes !== deletes) {
          // Deleted meanwhile: the delete wins, this value is not written again.
        } else if (retries >= MAX_RETRIES) {
          this.#count("dropped", key, error);
        } else {
          retries++;
          this.#count("retried", key, error);
          s.pending = { item: snapshot(entry.item), options: entry.options };
          // Beyond the one-second spacing: 1 s, 2 s, 4 s, … more before the next attempt.
          await this.#sleep(KV_WRITE_INTERVAL_MS * 2 ** (retries - 1));
        }
      }
    } finally {
      first?.resolve();
      s.running = false;
    }
  }

  /** Forgets keys not written for a second: only their last write time was kept. */
  #sweep() {
    const now = this.#clock();
    for (const [key, s] of this.#keys) {
      if (!s.running && s.writing === undefined && s.deleting === 0 && s.last + KV_WRITE_INTERVAL_MS <= now) this.#keys.delete(key);
    }
  }

  #next(s) {
    const next = s.pending;
    s.pending = undefined;
    return next;
  }

  #count(kind, key, error) {
    this.counts[kind]++;
    this.#report(`write${kind[0].toUpperCase()}${kind.slice(1)}`, key, error);
  }

  #keepAlive(work) {
    const ctx = this.#ctx;
    if (ctx === undefined) return;
    try {
      ctx.waitUntil(work);
    } catch {
      // The context's request may be over; the work runs on without it.
    }
  }
}
