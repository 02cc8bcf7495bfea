// CacheRegion: the JS face of a region. It checks input and shapes options; the Rust core
// (RegionCore) holds the values, the expiry rules and the dogpile lock.
import { RegionCore, install } from "../../pkg/edgepile.js";
import { makeError, RegionAlreadyConfigured, RegionNotConfigured, ValidationError } from "./errors.js";
import { checkFunction, checkKey, checkKeys, describe, seconds } from "./options.js";
import { checkStorable } from "./storable.js";
import { NO_VALUE } from "./no-value.js";

let installed = false;
function core(...args) {
  if (!installed) {
    install(NO_VALUE, makeError);
    installed = true;
  }
  return new RegionCore(...args);
}

/** Backends built into the core, by their dogpile-style names. */
const CORE_BACKENDS = { "edgepile.memory": "memory", "edgepile.null": "null" };
const DEFAULT_MAX_ENTRIES = 10_000;

const REGION_OPTIONS = ["name", "keyMangler", "clock", "onError"];
const CONFIGURE_OPTIONS = ["expirationTime", "arguments", "replaceExistingBackend"];
const GET_OPTIONS = ["expirationTime", "ignoreExpiration"];
const CREATE_OPTIONS = ["expirationTime", "shouldCacheFn", "creatorArgs"];
const MULTI_OPTIONS = ["expirationTime", "shouldCacheFn"];

function checkOptions(options, allowed, where) {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`${where} options must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new ValidationError(`${where} has no option ${JSON.stringify(k)}; it takes ${allowed.join(", ")}`);
    }
  }
  return options;
}

function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}

/** A creator whose result is checked before the core may store it. */
function storableCreator(creator, args) {
  return () => {
    const out = args === undefined ? creator() : creator(...args);
    return isThenable(out) ? Promise.resolve(out).then(checkStorable) : checkStorable(out);
  };
}

function storableMultiCreator(creator) {
  const check = (values) => {
    if (!Array.isArray(values)) {
      throw new ValidationError(`a multi creator must return an array of values, got ${describe(values)}`);
    }
    values.forEach(checkStorable);
    return values;
  };
  return (...keys) => {
    const out = creator(...keys);
    return isThenable(out) ? Promise.resolve(out).then(check) : check(out);
  };
}

export class CacheRegion {
  #core = undefined;
  #ttlFn = undefined; // set when the region's expirationTime is a function
  #options;

  constructor(options) {
    this.#options = checkOptions(options, REGION_OPTIONS, "makeRegion");
    const { name = "default", keyMangler, clock, onError } = this.#options;
    if (typeof name !== "string") throw new ValidationError(`name must be a string, got ${describe(name)}`);
    if (keyMangler !== undefined) checkFunction(keyMangler, "keyMangler");
    if (clock !== undefined) checkFunction(clock, "clock");
    if (onError !== undefined) checkFunction(onError, "onError");
    this.name = name;
    this.keyMangler = keyMangler;
  }

  /** True once `configure()` has given the region a backend. */
  get isConfigured() {
    return this.#core !== undefined;
  }

  /**
   * Gives the region its backend. `expirationTime` is in seconds (-1: never, the default),
   * or a function returning seconds, evaluated per call.
   */
  configure(backend, options) {
    const opts = checkOptions(options, CONFIGURE_OPTIONS, "configure");
    if (this.#core !== undefined && !opts.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(`region "${this.name}" is already configured; pass replaceExistingBackend: true to replace it`);
    }
    const kind = CORE_BACKENDS[backend];
    if (kind === undefined) {
      throw new ValidationError(`unknown backend ${describe(backend)}; known: ${Object.keys(CORE_BACKENDS).join(", ")}`);
    }
    const { expirationTime = -1 } = opts;
    const args = checkOptions(opts.arguments, ["maxEntries"], `${backend} arguments`);
    const { maxEntries = DEFAULT_MAX_ENTRIES } = args;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    const fixed = typeof expirationTime === "function" ? -1 : seconds(expirationTime);
    if (typeof expirationTime === "function") seconds(expirationTime); // fail now, not on first use
    const { keyMangler, clock, onError } = this.#options;
    this.#core = core(this.name, kind, maxEntries, fixed, clock, keyMangler, onError);
    this.#ttlFn = typeof expirationTime === "function" ? expirationTime : undefined;
    return this;
  }

  #ready() {
    if (this.#core === undefined) {
      throw new RegionNotConfigured(`region "${this.name}" is not configured: call configure(backend, options) first`);
    }
    return this.#core;
  }

  /** Seconds for this call, or undefined for the region's own fixed expiration. */
  #ttl(expirationTime) {
    if (expirationTime !== undefined) return seconds(expirationTime);
    return this.#ttlFn === undefined ? undefined : seconds(this.#ttlFn);
  }

  /** The value stored under `key`, or NO_VALUE when missing, expired or invalidated. */
  async get(key, options) {
    const core = this.#ready();
    checkKey(key);
    const { expirationTime, ignoreExpiration = false } = checkOptions(options, GET_OPTIONS, "get");
    return core.get(key, this.#ttl(expirationTime), Boolean(ignoreExpiration));
  }

  async getMulti(keys, options) {
    const core = this.#ready();
    checkKeys(keys);
    const { expirationTime, ignoreExpiration = false } = checkOptions(options, GET_OPTIONS, "getMulti");
    return core.getMulti(keys, this.#ttl(expirationTime), Boolean(ignoreExpiration));
  }

  async set(key, value) {
    const core = this.#ready();
    checkKey(key);
    checkStorable(value);
    await core.set(key, value);
  }

  /** Stores every entry of a plain object or a Map; checks them all before writing any. */
  async setMulti(mapping) {
    const core = this.#ready();
    const entries = mapping instanceof Map ? [...mapping] :
      mapping !== null && typeof mapping === "object" && !Array.isArray(mapping) ? Object.entries(mapping) : undefined;
    if (entries === undefined) throw new ValidationError(`setMulti takes an object or a Map, got ${describe(mapping)}`);
    for (const [k, v] of entries) {
      checkKey(k);
      checkStorable(v);
    }
    await core.setMulti(entries.map((e) => e[0]), entries.map((e) => e[1]));
  }

  async delete(key) {
    const core = this.#ready();
    checkKey(key);
    await core.delete(key);
  }

  async deleteMulti(keys) {
    const core = this.#ready();
    checkKeys(keys);
    await core.deleteMulti(keys);
  }

  /**
   * The value for `key`; when it is missing or stale, `creator` (sync or async) makes it, under
   * the dogpile lock: one creation per key at a time, stale values served meanwhile.
   */
  async getOrCreate(key, creator, options) {
    const core = this.#ready();
    checkKey(key);
    checkFunction(creator, "creator");
    let ttl, shouldCacheFn, creatorArgs;
    if (options === undefined) {
      if (this.#ttlFn !== undefined) ttl = seconds(this.#ttlFn);
    } else {
      ({ shouldCacheFn, creatorArgs } = checkOptions(options, CREATE_OPTIONS, "getOrCreate"));
      ttl = this.#ttl(options.expirationTime);
    }
    // The hit path: one synchronous call into the core, no promise from wasm.
    const hit = core.peek(key, ttl);
    if (hit !== NO_VALUE) return hit;
    if (shouldCacheFn !== undefined) checkFunction(shouldCacheFn, "shouldCacheFn");
    if (creatorArgs !== undefined && !Array.isArray(creatorArgs)) {
      throw new ValidationError(`creatorArgs must be an array, got ${describe(creatorArgs)}`);
    }
    return core.getOrCreate(key, storableCreator(creator, creatorArgs), ttl, shouldCacheFn);
  }

  /**
   * Values for `keys`, in order. `creator(...missingKeys)` runs once with exactly the keys that
   * need a value and returns an array of values in the same order.
   */
  async getOrCreateMulti(keys, creator, options) {
    const core = this.#ready();
    checkKeys(keys);
    checkFunction(creator, "creator");
    const { expirationTime, shouldCacheFn } = checkOptions(options, MULTI_OPTIONS, "getOrCreateMulti");
    if (shouldCacheFn !== undefined) checkFunction(shouldCacheFn, "shouldCacheFn");
    return core.getOrCreateMulti(keys, storableMultiCreator(creator), this.#ttl(expirationTime), shouldCacheFn);
  }

  /**
   * hard (default): every value now reads as missing, callers wait for a new one.
   * soft (`false`): values read as stale, served while one caller regenerates.
   * The mark lives in this region object, i.e. in this isolate.
   */
  invalidate(hard = true) {
    this.#ready().invalidate(Boolean(hard));
  }
}

/** A new, unconfigured region (dogpile's `make_region`). */
export function makeRegion(options) {
  return new CacheRegion(options);
}
