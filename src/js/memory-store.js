// The memory backend of a region: a bounded LRU of CachedValue objects, kept on the JS side
// so that a hit never enters wasm. The region's hit path reads it directly and judges the
// entry by its creation time (the core's TTL and invalidation rules, which it exposes); the
// core reaches it through readEntry/writeEntry/removeEntry for everything else.
//
// Recency: a Map keeps insertion order, so its first key is the one placed longest ago, and
// eviction takes it. A read moves its entry to the end only when the entry was placed more than
// w = ⌊(maxEntries − 1)/2⌋ placements ago: moving on every read (a Map delete and set) costs a
// hot key little but makes a large store rehash again and again (2 µs a hit at 100,000 keys),
// while under this rule a hot key almost never moves. What it keeps of LRU: after a read, at
// most w entries are newer than the one read, so it outlives at least maxEntries − 1 − w ≥
// ⌈(maxEntries − 1)/2⌉ insertions of new keys, half of what exact LRU promises (and exactly
// LRU's answer for two entries). A key kept hot by hits is never evicted.
//
// Removal: V8's Map keeps a deleted entry in its bucket chain until the next rehash, so deleting
// and re-adding one key again and again (delete, then a miss that creates it) makes every
// lookup of that key walk a growing chain: ~1 µs a cycle at 1,000 keys. So a removed entry
// stays as an empty slot that a write of the same key fills again; empty slots are listed and
// given back before any live entry is evicted.
//
// Layout: the Map's value is one flat Entry (payload, metadata fields and bookkeeping), so a
// hit follows one pointer from the Map rather than three (slot → CachedValue → metadata): at
// 100,000 keys each pointer is a likely cache miss, and the hops were most of what a hit cost
// over a 1-key store. CachedValue objects are made only at the backend surface below.
//
// Fast entries: a second Map, key → payload, holds entries the region has judged fresh and
// admitted (see `admit`), so a hit on one follows no pointer past the Map: at 100,000 keys the
// Entry is one more likely cache miss per hit. The fast Map is served from only while the clock
// is before `fastUntil`, the earliest end of life of what it holds, and is emptied when the clock
// gets there; an entry is admitted only in the first half of its life, so the clock empties it
// at most once per half a lifetime. It is also emptied every s = ⌊w/2⌋ placements, and an entry
// is admitted only if placed at most s placements ago: a fast entry is never more than 2s ≤ w
// placements old, so a read through the Entry would not have moved it either and recency is what
// it would be without the fast Map. Every write, removal and eviction of a key takes it out, and
// the region empties it whenever what it judged by changes (the invalidation mark, a tag's
// mark): a fast entry is always one a judged read would serve. Taking a key out sets its payload
// to undefined rather than deleting it, for the reason under "Removal": a key deleted and
// recreated again and again would lengthen its own bucket chain in a large fast Map (with
// deletes, the scale suite's 1-key cell over a store of 17,000 keys took 750 ns an operation
// instead of 260).
import { makeCachedValue } from "./cached-value.js";
import { ValidationError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";
import { describe } from "./options.js";
import { schema } from "./schema.js";

/** Entries kept when `maxEntries` is not given: the core's default (src/schema.rs). */
export const defaultMaxEntries = () => schema().defaults.maxEntries;

const EMPTY = Symbol("empty");

/**
 * A stored value with its metadata (CachedValue's fields, flattened), or EMPTY once removed.
 * Every field is set in the constructor, so all entries share one shape.
 */
class Entry {
  constructor(payload, ct, v, tags, valueVersion, d, placed, until) {
    this.payload = payload;
    this.ct = ct; // creation time, seconds
    this.v = v; // envelope version
    this.tags = tags; // string[] or undefined
    this.valueVersion = valueVersion; // the region's valueVersion when written (0: none)
    this.d = d; // seconds the creation took (early refresh's δ), or undefined
    this.placed = placed; // the placement count when last moved to the end
    // As an L1: the region-clock second after which it is not served. Unbounded: undefined, not
    // Infinity, which V8 would keep as a boxed number per entry for a hit to read through.
    this.until = until;
    this.listed = false; // in the store's list of empty slots
    this.fastGen = -1; // the store's #fastGen when admitted to the fast Map (-1: not in it)
  }

  fill(payload, ct, v, tags, valueVersion, d, until) {
    this.payload = payload;
    this.ct = ct;
    this.v = v;
    this.tags = tags;
    this.valueVersion = valueVersion;
    this.d = d;
    this.until = until;
  }
}

export class MemoryStore {
  #entries = new Map(); // key → Entry, least recently placed first
  #empty = []; // keys of empty entries (and some refilled since: checked when taken)
  #max;
  #window; // a read moves its entry when it was placed more than this many placements ago
  #placements = 0;
  #live = 0;
  #dropped = 0; // drops told by other isolates' changes (`drop`)
  #fast = new Map(); // key → payload of admitted entries (see "Fast entries" above)
  #fastUntil = Infinity; // region-clock seconds: every fast entry is fresh before it
  #fastEpoch = 0; // #placements when #fast was last emptied
  #fastSpan; // placements #fast is kept across: ⌊#window/2⌋
  #fastGen = 0; // counts the times #fast was emptied: an Entry's fastGen equal to it is in #fast

  constructor(maxEntries = defaultMaxEntries()) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    this.#max = maxEntries;
    this.#window = Math.floor((maxEntries - 1) / 2);
    this.#fastSpan = Math.floor(this.#window / 2);
  }

  /** Entries held. */
  get size() {
    return this.#live;
  }

  get maxEntries() {
    return this.#max;
  }

  /**
   * The entry for `key` (an Entry: payload, ct, v, tags, valueVersion, d), marked recently
   * used; undefined when absent, or when `now` (seconds) is past the time it was written with
   * (an L1 entry's `until`). The caller must not keep it: the store refills entries in place.
   */
  readEntry(key, now) {
    const e = this.#entries.get(key);
    if (e === undefined || e.payload === EMPTY) return undefined;
    if (e.until !== undefined && now > e.until) {
      this.removeEntry(key);
      return undefined;
    }
    if (this.#placements - e.placed > this.#window) this.#place(key, e);
    return e;
  }

  /**
   * The payload of `key`'s fast entry, if it has one and `now` is before fastUntil; else
   * undefined (and the fast Map is emptied once the clock reaches fastUntil).
   */
  fastPayload(key, now) {
    if (now < this.#fastUntil) return this.#fast.get(key);
    if (this.#fast.size !== 0) this.forgetFast();
    return undefined;
  }

  /**
   * Makes `e`, just read as `key` and judged fresh by the region until `bound` (seconds: stale
   * after it), a fast entry, when it is in the first half of its life and was placed recently
   * enough (see "Fast entries" above).
   */
  admit(key, e, bound, now) {
    const payload = e.payload;
    if (payload === undefined || this.#placements - e.placed > this.#fastSpan) return;
    // Served while now < bound: for bound = ct + limit (rounded to nearest), now < bound means
    // now is below the exact sum, so now - ct rounds to at most limit: never a value the judged
    // rule (stale when now - ct > limit) would refuse.
    if (!(now < bound && bound - now >= (bound - e.ct) / 2)) return;
    this.#fast.set(key, payload);
    e.fastGen = this.#fastGen;
    if (bound < this.#fastUntil) this.#fastUntil = bound;
  }

  /** Empties the fast Map: what the region judged entries by has changed. */
  forgetFast() {
    this.#fast.clear();
    this.#fastGen++;
    this.#fastUntil = Infinity;
    this.#fastEpoch = this.#placements;
  }

  writeEntry(key, payload, ct, v, until = undefined, tags = undefined, valueVersion = 0, d = undefined) {
    const e = this.#entries.get(key);
    if (e !== undefined) {
      this.#unfast(key, e);
      if (e.payload === EMPTY) this.#live++;
      e.fill(payload, ct, v, tags, valueVersion, d, until);
      if (this.#placements - e.placed > this.#window) this.#place(key, e);
      return;
    }
    if (this.#entries.size >= this.#max && !this.#reclaim()) {
      const [[oldest, old]] = this.#entries;
      this.#entries.delete(oldest);
      // Never a fast entry as the span rule stands (the oldest of a full store was placed over
      // w placements ago); kept so that no change to that rule can serve an evicted value.
      this.#unfast(oldest, old);
      this.#live--;
    }
    this.#entries.set(key, new Entry(payload, ct, v, tags, valueVersion, d, this.#placed(), until));
    this.#live++;
  }

  removeEntry(key) {
    const e = this.#entries.get(key);
    if (e === undefined || e.payload === EMPTY) return;
    this.#unfast(key, e);
    // Let go of what it held; keep the entry for a write of the same key to refill.
    e.fill(EMPTY, 0, 0, undefined, 0, undefined, undefined);
    this.#live--;
    if (!e.listed) {
      e.listed = true;
      this.#empty.push(key);
    }
  }

  #place(key, e) {
    this.#entries.delete(key);
    this.#entries.set(key, e);
    e.placed = this.#placed();
  }

  /** Takes `key` (whose entry is `e`) out of the fast Map, if it is there. */
  #unfast(key, e) {
    if (e.fastGen !== this.#fastGen) return;
    this.#fast.set(key, undefined); // in place: see "Fast entries" above
    e.fastGen = -1;
  }

  /** The next placement count; the fast Map is emptied every #fastSpan placements. */
  #placed() {
    const p = ++this.#placements;
    if (p - this.#fastEpoch > this.#fastSpan) this.forgetFast();
    return p;
  }

  /** How many times `drop` has been called: a read of the shared tier that was out across one
   * may have found what another isolate's change replaced, and is not kept (tiered.rs). */
  get dropped() {
    return this.#dropped;
  }

  /** Drops what other isolates changed: `keys`, or every entry (null). */
  drop(keys) {
    this.#dropped++;
    if (keys === null) this.clear();
    else for (const k of keys) this.removeEntry(k);
  }

  /** Drops every entry (an L1 too far behind its coherence point to know what changed). */
  clear() {
    this.forgetFast();
    this.#entries.clear();
    this.#empty.length = 0;
    this.#live = 0;
  }

  /** Frees one empty entry; false when there is none. */
  #reclaim() {
    while (this.#empty.length > 0) {
      const key = this.#empty.pop();
      const e = this.#entries.get(key);
      if (e === undefined) continue;
      e.listed = false;
      if (e.payload === EMPTY) {
        this.#entries.delete(key);
        return true;
      }
    }
    return false;
  }

  // The backend surface (`region.actualBackend`, dogpile's actual_backend): synchronous, since
  // the values live in this isolate; CachedValue objects in and out.

  get(key) {
    const e = this.readEntry(checkKey(key));
    return e === undefined ? NO_VALUE : makeCachedValue(e.payload, e.ct, e.v, e.tags, e.valueVersion, e.d);
  }

  set(key, value) {
    this.#write(checkKey(key), checkEntry(value));
  }

  delete(key) {
    this.removeEntry(checkKey(key));
  }

  getMulti(keys) {
    return Array.from(keys, (k) => this.get(k));
  }

  /** `mapping`: an object of key → CachedValue. */
  setMulti(mapping) {
    const entries = Object.entries(mapping).map(([k, v]) => [k, checkEntry(v)]);
    for (const [k, v] of entries) this.#write(k, v);
  }

  deleteMulti(keys) {
    for (const k of keys) this.delete(k);
  }

  /** The stored keys, most recently placed first. */
  keys() {
    const out = [];
    for (const [key, e] of this.#entries) if (e.payload !== EMPTY) out.push(key);
    return out.reverse();
  }

  #write(key, { payload, metadata: m }) {
    this.writeEntry(key, payload, m.ct, m.v, undefined, m.tags, m.valueVersion ?? 0, m.d);
  }
}

function checkKey(key) {
  if (typeof key !== "string") throw new ValidationError("keys must be strings");
  return key;
}

/** The core reads entries without checking them again: only well-formed ones get in. */
function checkEntry(value) {
  const m = value?.metadata;
  if (
    value === null ||
    typeof value !== "object" ||
    !("payload" in value) ||
    m === null ||
    typeof m !== "object" ||
    !Number.isFinite(m.ct) ||
    !Number.isInteger(m.v) ||
    m.v < 0 ||
    !(m.tags === undefined || (Array.isArray(m.tags) && m.tags.every((t) => typeof t === "string"))) ||
    !(m.valueVersion === undefined || (Number.isInteger(m.valueVersion) && m.valueVersion >= 0)) ||
    !(m.d === undefined || (typeof m.d === "number" && m.d >= 0))
  ) {
    throw new ValidationError("the memory backend stores CachedValue objects ({ payload, metadata: { ct, v, tags?, valueVersion?, d? } })");
  }
  return value;
}
