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
import { CachedValue, makeCachedValue } from "./cached-value.js";
import { ValidationError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";
import { describe } from "./options.js";
import { schema } from "./schema.js";

/** Entries kept when `maxEntries` is not given: the core's default (src/schema.rs). */
export const defaultMaxEntries = () => schema().defaults.maxEntries;

const EMPTY = Symbol("empty");

/** A stored value (or EMPTY once removed) and when it was last placed at the end. */
class Slot {
  constructor(value, placed, until) {
    this.value = value;
    this.placed = placed;
    this.until = until; // as an L1: the region-clock second after which it is not served
    this.listed = false; // in the store's list of empty slots
  }
}

export class MemoryStore {
  #slots = new Map(); // key → Slot, least recently placed first
  #empty = []; // keys of empty slots (and some refilled since: checked when taken)
  #max;
  #window; // a read moves its entry when it was placed more than this many placements ago
  #placements = 0;
  #live = 0;

  constructor(maxEntries = defaultMaxEntries()) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    this.#max = maxEntries;
    this.#window = Math.floor((maxEntries - 1) / 2);
  }

  /** Entries held. */
  get size() {
    return this.#live;
  }

  get maxEntries() {
    return this.#max;
  }

  /**
   * The entry for `key`, marked recently used; undefined when absent, or when `now` (seconds)
   * is past the time it was written with (an L1 entry's `until`).
   */
  readEntry(key, now) {
    const slot = this.#slots.get(key);
    if (slot === undefined || slot.value === EMPTY) return undefined;
    if (now > slot.until) {
      this.removeEntry(key);
      return undefined;
    }
    if (this.#placements - slot.placed > this.#window) this.#place(key, slot);
    return slot.value;
  }

  writeEntry(key, payload, ct, v, until = Infinity, tags = undefined, valueVersion = 0, d = undefined) {
    this.#put(key, makeCachedValue(payload, ct, v, tags, valueVersion, d), until);
  }

  removeEntry(key) {
    const slot = this.#slots.get(key);
    if (slot === undefined || slot.value === EMPTY) return;
    slot.value = EMPTY;
    this.#live--;
    if (!slot.listed) {
      slot.listed = true;
      this.#empty.push(key);
    }
  }

  #place(key, slot) {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    slot.placed = ++this.#placements;
  }

  #put(key, value, until = Infinity) {
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      if (slot.value === EMPTY) this.#live++;
      slot.value = value;
      slot.until = until;
      if (this.#placements - slot.placed > this.#window) this.#place(key, slot);
      return;
    }
    if (this.#slots.size >= this.#max && !this.#reclaim()) {
      const [oldest] = this.#slots.keys();
      this.#slots.delete(oldest);
      this.#live--;
    }
    this.#slots.set(key, new Slot(value, ++this.#placements, until));
    this.#live++;
  }

  /** Drops every entry (an L1 too far behind its coherence point to know what changed). */
  clear() {
    this.#slots.clear();
    this.#empty.length = 0;
    this.#live = 0;
  }

  /** Frees one empty slot; false when there is none. */
  #reclaim() {
    while (this.#empty.length > 0) {
      const key = this.#empty.pop();
      const slot = this.#slots.get(key);
      if (slot === undefined) continue;
      slot.listed = false;
      if (slot.value === EMPTY) {
        this.#slots.delete(key);
        return true;
      }
    }
    return false;
  }

  // The backend surface (`region.actualBackend`, dogpile's actual_backend): synchronous, since
  // the values live in this isolate; CachedValue objects in and out.

  get(key) {
    return this.readEntry(checkKey(key)) ?? NO_VALUE;
  }

  set(key, value) {
    this.#put(checkKey(key), checkEntry(value));
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
    for (const [k, v] of entries) this.#put(k, v);
  }

  deleteMulti(keys) {
    for (const k of keys) this.delete(k);
  }

  /** The stored keys, most recently placed first. */
  keys() {
    const out = [];
    for (const [key, slot] of this.#slots) if (slot.value !== EMPTY) out.push(key);
    return out.reverse();
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
    m.v < 0
  ) {
    throw new ValidationError("the memory backend stores CachedValue objects ({ payload, metadata: { ct, v } })");
  }
  return value instanceof CachedValue ? value : makeCachedValue(value.payload, m.ct, m.v, m.tags, m.valueVersion);
}
