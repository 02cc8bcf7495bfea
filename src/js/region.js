// CacheRegion: the JS face of a region. It checks input and shapes options; the Rust core
// (RegionCore) holds the values, the expiry rules and the dogpile lock.
import { RegionCore, StoreHandle, install } from "../../pkg/edgepile.js";
import { makeCachedValue } from "./cached-value.js";
import { cacheMultiOnArguments, cacheOnArguments } from "./decorators.js";
import { makeError, RegionAlreadyConfigured, RegionNotConfigured, ValidationError } from "./errors.js";
import { checkFunction, checkKey, checkKeys, checkOptions, describe, seconds } from "./options.js";
import { buildChain } from "./proxy.js";
import { checkStorable } from "./storable.js";
import { NO_VALUE } from "./no-value.js";

let installed = false;
function installOnce() {
  if (!installed) {
    install(NO_VALUE, makeError, makeCachedValue);
    installed = true;
  }
}

/** Backends built into the core, by their dogpile-style names. */
const CORE_BACKENDS = ["edgepile.memory", "edgepile.null"];
const DEFAULT_MAX_ENTRIES = 10_000;

const REGION_OPTIONS = ["name", "keyMangler", "functionKeyGenerator", "functionMultiKeyGenerator", "clock", "onError"];
const CONFIGURE_OPTIONS = ["expirationTime", "arguments", "wrap", "replaceExistingBackend"];
const GET_OPTIONS = ["expirationTime", "ignoreExpiration"];
const CREATE_OPTIONS = ["expirationTime", "shouldCacheFn", "creatorArgs"];
const MULTI_OPTIONS = ["expirationTime", "shouldCacheFn"];

function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}

/** NO_VALUE passes: a multi creator may leave a key without a value (not cached). */
const checkItem = (v) => (v === NO_VALUE ? v : checkStorable(v));
const notNoValue = (v) => v !== NO_VALUE;

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
    values.forEach(checkItem);
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
  #backend = undefined;
  #actualBackend = undefined;

  constructor(options) {
    this.#options = checkOptions(options, REGION_OPTIONS, "makeRegion");
    const { name = "default", keyMangler, functionKeyGenerator, functionMultiKeyGenerator, clock, onError } = this.#options;
    if (typeof name !== "string") throw new ValidationError(`name must be a string, got ${describe(name)}`);
    for (const [what, f] of Object.entries({ keyMangler, functionKeyGenerator, functionMultiKeyGenerator, clock, onError })) {
      if (f !== undefined) checkFunction(f, what);
    }
    this.name = name;
    this.keyMangler = keyMangler;
    this.functionKeyGenerator = functionKeyGenerator;
    this.functionMultiKeyGenerator = functionMultiKeyGenerator;
  }

  /** The outermost backend: the first proxy of `wrap`, or the backend itself. */
  get backend() {
    this.#ready();
    return this.#backend;
  }

  /** The backend under every proxy (dogpile's `actual_backend`): get/set/delete, the multi forms, keys(). */
  get actualBackend() {
    this.#ready();
    return this.#actualBackend;
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
    if (!CORE_BACKENDS.includes(backend)) {
      throw new ValidationError(`unknown backend ${describe(backend)}; known: ${CORE_BACKENDS.join(", ")}`);
    }
    const { expirationTime = -1, wrap } = opts;
    const args = checkOptions(opts.arguments, backend === "edgepile.memory" ? ["maxEntries"] : [], `${backend} arguments`);
    const { maxEntries = DEFAULT_MAX_ENTRIES } = args;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    const fixed = typeof expirationTime === "function" ? -1 : seconds(expirationTime);
    if (typeof expirationTime === "function") seconds(expirationTime); // fail now, not on first use
    installOnce();
    if (wrap !== undefined && !Array.isArray(wrap)) {
      throw new ValidationError(`wrap must be an array of proxies, got ${describe(wrap)}`);
    }
    const chained = wrap !== undefined && wrap.length > 0;
    const store = backend === "edgepile.memory" ? StoreHandle.memory(maxEntries, chained) : StoreHandle.null();
    const outer = chained ? buildChain(wrap, store) : undefined;
    const { keyMangler, clock, onError } = this.#options;
    this.#core = new RegionCore(this.name, store, outer, fixed, clock, keyMangler, onError);
    this.#ttlFn = typeof expirationTime === "function" ? expirationTime : undefined;
    this.#backend = outer ?? store;
    this.#actualBackend = store;
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
    const keep = shouldCacheFn === undefined ? notNoValue : (v) => v !== NO_VALUE && shouldCacheFn(v);
    return core.getOrCreateMulti(keys, storableMultiCreator(creator), this.#ttl(expirationTime), keep);
  }

  /**
   * Wraps `fn` so calls are cached by their arguments (dogpile's `cache_on_arguments`). The
   * wrapper has invalidate(...args), set(value, ...args), get(...args), refresh(...args), original.
   */
  cacheOnArguments(fn, options) {
    return cacheOnArguments(this, fn, options);
  }

  /**
   * Wraps `fn(...args) → values` so each argument is cached on its own and `fn` is called
   * once with only the missing ones (dogpile's `cache_multi_on_arguments`).
   */
  cacheMultiOnArguments(fn, options) {
    return cacheMultiOnArguments(this, fn, options);
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
