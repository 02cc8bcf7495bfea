// The memory backend of a region: a bounded LRU of CachedValue objects, kept on the JS side
// so that a hit never enters wasm. The region's hit path reads it directly and judges the
// entry by its creation time (the core's TTL and invalidation rules, which it exposes); the
// core reaches it through readEntry/writeEntry/removeEntry for everything else.
//
// Recency: a Map keeps insertion order, so moving an entry to the end on every read makes the
// first key the least recently used, exactly. Every read goes through here (hit path and core
// alike), so a hot key is never evicted for being served without reaching the store.
import { CachedValue } from "./cached-value.js";
import { ValidationError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";
import { describe } from "./options.js";

export const DEFAULT_MAX_ENTRIES = 10_000;

export class MemoryStore {
  #entries = new Map();
  #max;
  // The most recently used key: reading it again needs no move (a hot key's common case).
  #newest = undefined;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    this.#max = maxEntries;
  }

  get size() {
    return this.#entries.size;
  }

  get maxEntries() {
    return this.#max;
  }

  /** The entry for `key`, marked most recently used; undefined when absent. */
  readEntry(key) {
    const e = this.#entries.get(key);
    if (e !== undefined && key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, e);
      this.#newest = key;
    }
    return e;
  }

  writeEntry(key, payload, ct, v) {
    this.#put(key, new CachedValue(payload, { ct, v }));
  }

  removeEntry(key) {
    this.#entries.delete(key);
  }

  #put(key, entry) {
    const entries = this.#entries;
    if (entries.has(key)) entries.delete(key);
    else if (entries.size >= this.#max) entries.delete(entries.keys().next().value);
    entries.set(key, entry);
    this.#newest = key;
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

  /** The stored keys, most recently used first. */
  keys() {
    return [...this.#entries.keys()].reverse();
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
    value === null || typeof value !== "object" || !("payload" in value) ||
    m === null || typeof m !== "object" || !Number.isFinite(m.ct) || !Number.isInteger(m.v) || m.v < 0
  ) {
    throw new ValidationError("the memory backend stores CachedValue objects ({ payload, metadata: { ct, v } })");
  }
  return value instanceof CachedValue ? value : new CachedValue(value.payload, { ct: m.ct, v: m.v });
}
