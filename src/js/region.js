// CacheRegion: the JS face of a region. It checks input and shapes options; the Rust core
// (RegionCore) holds the values, the expiry rules and the dogpile lock.
import { RegionCore, StoreHandle } from "../../pkg/edgepile.js";
import { installOnce, valueVersion as envelopeVersion } from "./install.js";

export { encodeCachedValue, decodeCachedValue } from "./install.js";
import { cacheMultiOnArguments, cacheOnArguments } from "./decorators.js";
import { BackendError, RegionAlreadyConfigured, RegionNotConfigured, ValidationError } from "./errors.js";
import { checkFunction, checkKey, checkKeys, checkOptions, describe, seconds } from "./options.js";
import { buildChain } from "./proxy.js";
import { CORE_BACKENDS, knownBackends, makeBackend } from "./backends/registry.js";
import { DurableObjectLeases } from "./leases/durable-object.js";
import { boundedLeases } from "./leases/bounded.js";
import { KvLeases } from "./leases/kv.js";
import { checkStorable } from "./storable.js";
import { checkValueVersion, valueCheck } from "./check-value.js";
import { NO_VALUE } from "./no-value.js";
import { defaultMaxEntries, MemoryStore } from "./memory-store.js";
import { coherenceOf, l1Options } from "./tiers.js";
import { checkTags, MAX_INVALIDATED_TAGS, TagMarks } from "./tags.js";
import { Listeners } from "./listeners.js";
import {
  BACKEND_ARGUMENTS,
  checkLeaseArguments,
  configureOptions,
  createOptions,
  defaultSleep,
  degradation,
  degradationSeconds,
  GET_OPTIONS,
  LEASE_ARGUMENTS,
  MULTI_OPTIONS,
  REGION_FUNCTIONS,
  REGION_OPTIONS,
  SET_OPTIONS,
} from "./region-options.js";
import { notNoValue, storableCreator, storableMultiCreator } from "./creators.js";
import { keepAlive, waitUntilRunner } from "./keep-alive.js";

export { waitUntilRunner } from "./keep-alive.js";
import { earlyBeta, FIRED, fires } from "./early-refresh.js";
import { KvWrites } from "./backends/kv-writes.js";
import { kvReadParts } from "./backends/kv.js";
import { FirstReads } from "./first-read.js";

export class CacheRegion {
  /** @type {RegionCore | undefined} */
  #core = undefined;
  /** @type {(() => number) | undefined} */
  #ttlFn = undefined; // set when the region's expirationTime is a function
  // The hit path of a memory region, all in JS: the store's entry, judged by its creation time
  // against the TTL and the core's invalidation mark. Anything but a fresh hit goes to the core.
  /** @type {MemoryStore | undefined} */
  #memory = undefined; // the MemoryStore of "edgepile.memory" without proxies, or the L1 tier
  #tiered = false; // #memory is an L1 over a shared backend
  /** @type {import("./coherence/point.js").Coherence | undefined} */
  #coherence = undefined; // the Coherence every isolate consults (tiers.js)
  #fixedTtl = Infinity; // the region's fixed expiration, seconds
  #freshAfter = 0; // the core's fresh_after(): values created at or before it are not fresh
  #valueVersion = NaN; // the envelope version the core writes (install.js); entries of another are not fresh
  #dataVersion = 0; // the region's valueVersion (0: none); entries of another are missing, as in the core
  /** @type {Map<string, string> | undefined} */
  #mangled = undefined; // key → mangled key, so a hit does not run the mangler again
  #hits = 0; // hits served here, added to stats().hits
  #coherenceErrors = 0; // failed coherence checks and records, added to stats().backendErrors
  #tagMarks = new TagMarks(); // tag invalidations known here, mirrored from the core for the hit path
  #listening = false; // a listener wants every hit as an event
  #earlyBeta = 0; // the region's early refresh β; 0: off
  /** @type {KvWrites | undefined} */
  #writes = undefined; // KvWrites of a KV region: one write per key per second, 429s retried
  #fired = false; // set by #fresh when its hit's XFetch draw fired
  #plainHits = false; // getOrCreate without options can judge a hit before anything else
  /** @type {FirstReads | undefined} */
  #firstReads = undefined; // a chain with nothing in the isolate: getOrCreate reads it in JS
  #plainReads = false; // getOrCreate without options goes straight to #firstReads
  #options;
  /** @type {import("./index.js").BackendLike | undefined} */
  #backend = undefined;
  /** @type {import("./index.js").ActualBackend | undefined} */
  #actualBackend = undefined;
  #listeners = new Listeners(() => this.#syncListener());
  #values = {}; // the region's checkValue and migrate, which a call's own complete

  constructor(options) {
    this.#options = checkOptions(options, REGION_OPTIONS, "makeRegion");
    const { name = "default", keyMangler, functionKeyGenerator, functionMultiKeyGenerator } = this.#options;
    if (typeof name !== "string") throw new ValidationError(`name must be a string, got ${describe(name)}`);
    for (const what of REGION_FUNCTIONS) {
      const f = this.#options[what];
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
    return /** @type {import("./index.js").BackendLike} */ (this.#backend); // set with #core
  }

  /** The backend under every proxy (dogpile's `actual_backend`): get/set/delete, the multi forms, keys(). */
  get actualBackend() {
    this.#ready();
    return /** @type {import("./index.js").ActualBackend} */ (this.#actualBackend); // set with #core
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
    const opts = checkOptions(options, configureOptions(), "configure");
    if (this.#core !== undefined && !opts.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(`region "${this.name}" is already configured; pass replaceExistingBackend: true to replace it`);
    }
    const core = CORE_BACKENDS.includes(backend);
    if (!core && typeof backend === "string" && !knownBackends().includes(backend)) {
      const where = backend === "edgepile.redis" ? " (edgepile.redis runs in Node: import edgepile there)" : "";
      throw new ValidationError(
        `unknown backend ${describe(backend)}${where}; known: ${knownBackends().join(", ")}, or an object with get/set/delete`,
      );
    }
    const { expirationTime = -1, wrap } = opts;
    const allowed = typeof backend === "string" && BACKEND_ARGUMENTS[backend];
    const args = allowed ? checkOptions(opts.arguments, [...allowed, ...LEASE_ARGUMENTS], `${backend} arguments`) : (opts.arguments ?? {});
    const fixed = typeof expirationTime === "function" ? -1 : seconds(expirationTime);
    if (typeof expirationTime === "function") seconds(expirationTime); // fail now, not on first use
    if (wrap !== undefined && !Array.isArray(wrap)) {
      throw new ValidationError(`wrap must be an array of proxies, got ${describe(wrap)}`);
    }
    checkLeaseArguments(args);
    const l1 = l1Options(opts.l1, core);
    const backendTimeout = degradationSeconds(opts, "backendTimeout");
    const coherence = coherenceOf(opts.coherence, this.name, backendTimeout);
    const beta = earlyBeta(opts.earlyRefresh, "configure") ?? 0;
    const values = { checkValue: opts.checkValue, migrate: opts.migrate };
    const checkValue = valueCheck(values.checkValue, values.migrate);
    const valueVersion = checkValueVersion(opts.valueVersion);
    installOnce();
    const chained = (wrap !== undefined && wrap.length > 0) || !core;
    let store, memory;
    if (backend === "edgepile.memory") {
      const { maxEntries = defaultMaxEntries() } = args;
      // Under proxies the store keeps whatever the innermost proxy hands it (bytes, say).
      memory = new MemoryStore(maxEntries);
      if (chained) store = StoreHandle.memory(maxEntries);
    } else if (backend === "edgepile.null") {
      store = StoreHandle.null();
    }
    const terminal = core
      ? (store ?? memory)
      : makeBackend(backend, args, {
          expirationTime: fixed < 0 ? undefined : fixed,
          backendTimeout: opts.backendTimeout,
          staleIfError: degradationSeconds(opts, "staleIfError"),
        });
    const leases = this.#leases(backend, args, core ? undefined : terminal);
    const outer = chained ? buildChain(wrap ?? [], terminal) : undefined;
    if (chained) memory = l1 === undefined ? undefined : new MemoryStore(l1.maxEntries);
    const { keyMangler, clock, onError, asyncCreationRunner, sleep = defaultSleep, random } = this.#options;
    const runner = asyncCreationRunner === undefined ? undefined : (key, run) => asyncCreationRunner(this, key, run, { key });
    const hooks = {
      clock,
      keyMangler,
      onError,
      runner,
      sleep,
      keepAlive,
      random,
      earlyRefresh: beta > 0 ? beta : undefined,
      leases: leases !== undefined && backendTimeout !== undefined ? boundedLeases(leases, backendTimeout, sleep) : leases,
      leaseTtl: args.leaseTtl,
      lockTimeout: args.lockTimeout,
      checkValue,
      valueVersion,
      ...Object.fromEntries(degradation().map((k) => [k, degradationSeconds(opts, k)])),
      l1Ttl: l1?.ttl,
      // Other isolates drop what this one writes or deletes from their L1.
      publish: l1 !== undefined && coherence !== undefined ? (keys) => coherence.publish(keys) : undefined,
    };
    // KV takes one write per key per second: writes go through KvWrites, above any proxy (a
    // FaultProxy's injected 429s included).
    const writes =
      backend === "edgepile.cloudflare_kv"
        ? new KvWrites(outer, {
            clock: () => this.#now() * 1000,
            sleep,
            report: (type, key, error) => this.#writeEvent(type, key, error),
            landed: (key) => this.#writeLanded(key),
          })
        : undefined;
    this.#core = new RegionCore(this.name, writes ?? outer, memory, fixed, hooks);
    this.#writes = writes;
    this.#ttlFn = typeof expirationTime === "function" ? expirationTime : undefined;
    this.#values = values;
    this.#memory = memory;
    this.#tiered = l1 !== undefined;
    this.#coherence = coherence;
    this.#fixedTtl = fixed < 0 ? Infinity : fixed;
    this.#earlyBeta = beta;
    // No early refresh, no coherence check, no TTL function: a plain getOrCreate hit needs none
    // of the per-call work.
    this.#plainHits = memory !== undefined && beta === 0 && coherence === undefined && typeof expirationTime !== "function";
    this.#freshAfter = this.#core.freshAfter();
    this.#valueVersion = envelopeVersion();
    this.#dataVersion = valueVersion ?? 0;
    // Reads in JS need bounded-time reads: a region with a backendTimeout leaves them to the core.
    this.#firstReads =
      memory === undefined && outer !== undefined && backendTimeout === undefined
        ? new FirstReads(writes ?? outer, writes !== undefined && outer === terminal ? terminal[kvReadParts]?.() : undefined)
        : undefined;
    this.#plainReads = this.#firstReads !== undefined && coherence === undefined && typeof expirationTime !== "function";
    this.#mangled = (memory !== undefined || this.#firstReads !== undefined) && keyMangler !== undefined ? new Map() : undefined;
    this.#backend = outer ?? terminal;
    this.#actualBackend = terminal;
    this.#syncListener();
    return this;
  }

  /**
   * The lease client for `arguments`: the LeaseCoordinator Durable Object, the backend's own
   * (`terminal.leases`: Redis), or KV lease keys.
   */
  #leases(backend, args, terminal) {
    const { lockNamespace, distributedLock, lockPrefix } = args;
    if (lockNamespace !== undefined) return new DurableObjectLeases(lockNamespace, lockPrefix);
    // A registered backend may bring its own lease client (edgepile.redis does).
    if (typeof backend === "string" && terminal?.leases !== undefined) return terminal.leases;
    if (distributedLock) {
      if (backend !== "edgepile.cloudflare_kv") {
        throw new ValidationError(
          "distributedLock (KV lease keys) needs edgepile.cloudflare_kv; pass lockNamespace for Durable Object leases",
        );
      }
      return new KvLeases(args.namespace, lockPrefix, { sleep: this.#options.sleep });
    }
    return undefined;
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
    const ttl = this.#ttl(expirationTime);
    let now = this.#now();
    const due = this.#coherence && this.#check(now);
    if (due) {
      await due;
      now = this.#now();
    }
    if (this.#memory !== undefined && !ignoreExpiration) {
      const hit = this.#fresh(key, ttl, false, now);
      if (hit !== NO_VALUE) return hit;
    }
    return core.get(key, ttl, Boolean(ignoreExpiration));
  }

  async getMulti(keys, options) {
    const core = this.#ready();
    checkKeys(keys);
    const { expirationTime, ignoreExpiration = false } = checkOptions(options, GET_OPTIONS, "getMulti");
    const due = this.#coherence && this.#check(this.#now());
    if (due) await due;
    return core.getMulti(keys, this.#ttl(expirationTime), Boolean(ignoreExpiration));
  }

  /** Stores `value` as created now; `tags`: what it is about (see invalidateTags). */
  async set(key, value, options) {
    const core = this.#ready();
    checkKey(key);
    const tags = options === undefined ? undefined : checkTags(checkOptions(options, SET_OPTIONS, "set").tags);
    checkStorable(value);
    const out = core.set(key, value, tags);
    if (out instanceof Promise) await out;
  }

  /** Stores every entry of a plain object or a Map; checks them all before writing any. */
  async setMulti(mapping, options) {
    const core = this.#ready();
    const tags = options === undefined ? undefined : checkTags(checkOptions(options, SET_OPTIONS, "setMulti").tags);
    const entries =
      mapping instanceof Map
        ? [...mapping]
        : mapping !== null && typeof mapping === "object" && !Array.isArray(mapping)
          ? Object.entries(mapping)
          : undefined;
    if (entries === undefined) throw new ValidationError(`setMulti takes an object or a Map, got ${describe(mapping)}`);
    for (const [k, v] of entries) {
      checkKey(k);
      checkStorable(v);
    }
    const out = core.setMulti(
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
      tags,
    );
    if (out instanceof Promise) await out;
  }

  async delete(key) {
    const core = this.#ready();
    checkKey(key);
    const out = core.delete(key);
    if (out instanceof Promise) await out;
  }

  async deleteMulti(keys) {
    const core = this.#ready();
    checkKeys(keys);
    const out = core.deleteMulti(keys);
    if (out instanceof Promise) await out;
  }

  /**
   * The value for `key`; when it is missing or stale, `creator` (sync or async) makes it, under
   * the dogpile lock: one creation per key at a time, stale values served meanwhile.
   */
  getOrCreate(key, creator, options) {
    // A plain call on a memory region (or an L1) with nothing to decide per call: its hit is
    // judged here, in a function small enough to stay optimized on its own, so a hit runs only
    // the lookup. Anything else (a miss, bad arguments, options) takes the whole path, which
    // checks and looks again; its promise is returned as it is (no second async layer).
    if (options === undefined && this.#plainHits && typeof key === "string" && key.isWellFormed() && typeof creator === "function") {
      try {
        const hit = this.#fresh(key, undefined, true, this.#now());
        if (hit !== NO_VALUE) return Promise.resolve(hit);
      } catch (error) {
        return Promise.reject(error); // a clock or listener that throws: as from the whole path
      }
    }
    // A plain call over a shared store: what #getOrCreate would do, without its async layer.
    if (options === undefined && this.#plainReads && typeof key === "string" && key.isWellFormed() && typeof creator === "function") {
      const mkey = this.#mangled === undefined ? key : this.#mangledKey(key);
      const reads = /** @type {FirstReads} */ (this.#firstReads);
      if (mkey !== undefined) return reads.getOrCreate(this.#ready(), key, mkey, storableCreator(creator, undefined), undefined);
    }
    return this.#getOrCreate(key, creator, options);
  }

  async #getOrCreate(key, creator, options) {
    const core = this.#ready();
    checkKey(key);
    checkFunction(creator, "creator");
    let ttl, shouldCacheFn, creatorArgs, ctx, tags, early, runner, check;
    if (options === undefined) {
      if (this.#ttlFn !== undefined) ttl = seconds(this.#ttlFn);
    } else {
      // Every option is checked before any answer: a call is refused alike on a hit and a miss.
      ({ shouldCacheFn, creatorArgs, ctx } = checkOptions(options, createOptions(), "getOrCreate"));
      ttl = this.#ttl(options.expirationTime);
      tags = checkTags(options.tags);
      early = earlyBeta(options.earlyRefresh, "getOrCreate");
      if (shouldCacheFn !== undefined) checkFunction(shouldCacheFn, "shouldCacheFn");
      if (creatorArgs !== undefined && !Array.isArray(creatorArgs)) {
        throw new ValidationError(`creatorArgs must be an array, got ${describe(creatorArgs)}`);
      }
      runner = waitUntilRunner(ctx);
      check = this.#callCheck(options); // the call's own value check, if it has one
    }
    let now;
    if (this.#coherence !== undefined) {
      now = this.#now();
      const due = this.#check(now);
      if (due) {
        await due;
        now = this.#now();
      }
    }
    // The hit path: all in JS, no call into wasm. Only the memory backend (or an L1) answers
    // here; any other goes straight to the core (which reads the clock itself). A call with a
    // value check of its own is not answered from an L1, as in the core: its load path checks
    // what L1 holds.
    let hit = NO_VALUE;
    let fired = false;
    if (this.#memory !== undefined && !(check !== undefined && this.#tiered)) {
      hit = this.#fresh(key, ttl, true, now ?? this.#now(), early ?? this.#earlyBeta);
      fired = this.#fired;
      this.#fired = false;
      if (hit !== NO_VALUE && !fired) return hit;
    }
    // The call's options by name (see region_core.rs `call_options`); none in the common case.
    if (ctx !== undefined) this.#writes?.useContext(ctx);
    let call;
    if (options !== undefined || ttl !== undefined || fired) {
      call = { ttl, shouldCacheFn, runner, tags, check, early: fired ? FIRED : early };
      for (const k of degradation()) call[k] = degradationSeconds(options ?? {}, k);
    }
    if (fired) {
      // The draw fired: the caller has its fresh value now; the core starts one regeneration
      // in the background (under the in-isolate registry and the lease), kept alive by ctx.
      const out = core.getOrCreate(key, storableCreator(creator, creatorArgs), call);
      // Failures are the core's to report (events, onError); this caller is already served.
      if (out instanceof Promise) {
        const settled = out.then(ignore, ignore);
        if (ctx !== undefined) ctx.waitUntil(settled);
      }
      return hit;
    }
    const create = storableCreator(creator, creatorArgs);
    const reads = this.#firstReads;
    if (reads !== undefined && options?.backendTimeout === undefined) {
      const mkey = this.#mangled === undefined ? key : this.#mangledKey(key);
      if (mkey !== undefined) return await reads.getOrCreate(core, key, mkey, create, call);
    }
    return core.getOrCreate(key, create, call);
  }

  /** The core's invalidation mark moved: entries judged fresh before may not be any more. */
  #setFreshAfter(at) {
    if (at === this.#freshAfter) return; // every coherence check reads it: most change nothing
    this.#freshAfter = at;
    this.#memory?.forgetFast();
  }

  /** The region's clock in seconds, read as the core reads it: an injected clock gives
   * milliseconds (anything else falls back to Date.now()). */
  #now() {
    const clock = this.#options.clock;
    if (clock === undefined) return Date.now() / 1000;
    const ms = clock();
    return typeof ms === "number" && Number.isFinite(ms) ? ms / 1000 : Date.now() / 1000;
  }

  /**
   * The payload stored under `key` if it is fresh (`ttl`: this call's seconds, or undefined
   * for the region's), else NO_VALUE: the core's rule (lock.rs `classify`) for a value known
   * to exist. A hit of getOrCreate (`served`) counts as one and is an event, as in the core.
   * Called only for a region with #memory.
   */
  #fresh(key, ttl, served, now, beta = 0) {
    let mkey = key;
    if (this.#mangled !== undefined) {
      mkey = this.#mangledKey(key);
      if (mkey === undefined) return NO_VALUE; // the core's path reports the mangler's failure
    }
    const memory = /** @type {MemoryStore} */ (this.#memory);
    // Judged by the region's own TTL with no early refresh: an entry this rule admitted before
    // is served as it is, until something it was judged by changes (memory-store.js).
    const plain = ttl === undefined && beta === 0;
    if (plain) {
      const payload = memory.fastPayload(mkey, now);
      if (payload !== undefined) {
        this.#fired = false;
        if (served) {
          this.#hits++;
          if (this.#listening) this.#listeners.dispatch("hit", mkey, true, undefined);
        }
        return payload;
      }
    }
    const e = memory.readEntry(mkey, now);
    if (e === undefined) return NO_VALUE;
    const ct = e.ct;
    const limit = ttl === undefined ? this.#fixedTtl : ttl < 0 ? Infinity : ttl;
    if (e.v !== this.#valueVersion || e.valueVersion !== this.#dataVersion || !(ct > this.#freshAfter) || now - ct > limit) {
      return NO_VALUE;
    }
    const tags = e.tags;
    if (tags !== undefined && this.#tagMarks.size > 0 && this.#tagMarks.touches(tags, ct)) return NO_VALUE;
    if (plain) memory.admit(mkey, e, e.until === undefined ? ct + limit : Math.min(ct + limit, e.until), now);
    // The core counts (and reports) a hit whose early refresh it starts.
    this.#fired = beta > 0 && fires(beta, e.d, ct, limit, now, this.#options.random);
    if (served && !this.#fired) {
      this.#hits++;
      if (this.#listening) this.#listeners.dispatch("hit", mkey, true, undefined);
    }
    return e.payload;
  }

  /**
   * The key mangler's result, remembered (a mangler is a pure function of the key). Called only
   * when #mangled is set, which is with #memory or #firstReads.
   */
  #mangledKey(key) {
    const mangled = /** @type {Map<string, string>} */ (this.#mangled);
    let m = mangled.get(key);
    if (m === undefined) {
      try {
        m = this.#options.keyMangler(key);
      } catch {
        return undefined;
      }
      if (typeof m !== "string") return undefined;
      // Bounded like the store: past its size, start again rather than track recency twice.
      if (mangled.size >= (this.#memory?.maxEntries ?? defaultMaxEntries())) mangled.clear();
      mangled.set(key, m);
    }
    return m;
  }

  /** The coherence check, when one is due (undefined otherwise); it never throws. Only with #coherence. */
  #check(now) {
    const coherence = /** @type {import("./coherence/point.js").Coherence} */ (this.#coherence);
    if (!coherence.due(now)) return undefined;
    return coherence.sync(
      now,
      (state) => this.#applyCoherence(state),
      (e) => this.#coherenceFailed(e),
    );
  }

  /**
   * What other isolates did: their invalidation marks, and the keys to drop from L1. Called by
   * the coherence check of a configured region; a tiered one has #memory.
   */
  #applyCoherence({ hard, soft, keys, tags }) {
    const core = /** @type {RegionCore} */ (this.#core);
    core.mergeInvalidation(hard, soft);
    this.#setFreshAfter(core.freshAfter());
    for (const [tag, tagHard, tagSoft] of tags ?? []) this.#mergeTag(tag, tagHard, tagSoft);
    if (!this.#tiered) return;
    if (keys === null || keys.length > 0) /** @type {MemoryStore} */ (this.#memory).drop(keys);
  }

  #mergeTag(tag, hard, soft) {
    /** @type {RegionCore} */ (this.#core).mergeTagMarks(tag, hard, soft);
    // A tagged entry judged fresh before may not be any more.
    if (this.#tagMarks.merge(tag, hard, soft)) this.#memory?.forgetFast();
  }

  /** What KvWrites did with a write: an event; a dropped write also reaches onError. */
  #writeEvent(type, key, error) {
    if (type === "writeDropped") {
      if (this.#tiered) {
        // This isolate's L1 holds a value KV never got: every isolate goes back to KV's.
        /** @type {MemoryStore} */ (this.#memory).drop([key]);
        this.#writeLanded(key);
      }
      const dropped = new BackendError(`KV write of ${JSON.stringify(key)} dropped after retries`, { cause: error });
      try {
        this.#options.onError?.(dropped);
      } catch {
        // a failing error hook must not fail the write loop
      }
    }
    if (this.#listening) this.#listeners.dispatch(type, key, type === "writeDeferred", error);
  }

  /**
   * A write KV got after its caller returned (held for KV's one write a second, or retried after
   * a 429), or one it never got: told again through the coherence point, since the isolates that
   * dropped the key when it was first published may have read KV's old value back meanwhile.
   */
  #writeLanded(key) {
    if (!this.#tiered || this.#coherence === undefined) return;
    this.#coherence.publish([key]).catch((e) => this.#coherenceFailed(e));
  }

  /** A coherence failure reaches no caller: it is counted, reported and an event. */
  #coherenceFailed(error) {
    this.#coherenceErrors++;
    try {
      this.#options.onError?.(error);
    } catch {
      // a failing error hook must not fail the call
    }
    if (this.#listening) this.#listeners.dispatch("backendError", `coherence:${this.name}`, false, error);
  }

  /**
   * A view of this region bound to one request's ExecutionContext: its getOrCreate serves a
   * stale value at once and regenerates it through `ctx.waitUntil`.
   */
  withContext(ctx) {
    waitUntilRunner(ctx);
    const region = this;
    const view = new Proxy(this, {
      get(target, prop) {
        if (prop === "getOrCreate") {
          return (key, creator, options) => target.getOrCreate(key, creator, { ...options, ctx });
        }
        // A function cached through the view calls the view's getOrCreate: it has the ctx too.
        if (prop === "cacheOnArguments") return (fn, options) => cacheOnArguments(view, fn, options);
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(region) : v;
      },
    });
    return view;
  }

  /**
   * Values for `keys`, in order. `creator(...missingKeys)` runs once with exactly the keys that
   * need a value and returns an array of values in the same order.
   */
  async getOrCreateMulti(keys, creator, options) {
    const core = this.#ready();
    checkKeys(keys);
    checkFunction(creator, "creator");
    const { expirationTime, shouldCacheFn, tags } = checkOptions(options, MULTI_OPTIONS, "getOrCreateMulti");
    checkTags(tags);
    if (shouldCacheFn !== undefined) checkFunction(shouldCacheFn, "shouldCacheFn");
    const keep = shouldCacheFn === undefined ? notNoValue : (v) => v !== NO_VALUE && shouldCacheFn(v);
    const due = this.#coherence && this.#check(this.#now());
    if (due) await due;
    const check = this.#callCheck(options);
    return core.getOrCreateMulti(keys, storableMultiCreator(creator), this.#ttl(expirationTime), keep, checkTags(tags), check);
  }

  /**
   * The value check of a call that sets checkValue or migrate (the other one is the region's);
   * undefined for a call that sets neither, which the region's own check covers.
   */
  #callCheck(options) {
    if (options === undefined || (options.checkValue === undefined && options.migrate === undefined)) return undefined;
    const { checkValue = this.#values.checkValue, migrate = this.#values.migrate } = options;
    return valueCheck(checkValue, migrate);
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
   * Calls `listener({ type, key, ok, error })` for each event of this kind: "hit", "miss",
   * "stale", "regenerationStart", "regenerationEnd", "leaseAcquired", "leaseContended",
   * "leaseTimeout", "backendError", "creatorError", or "*" for all. Returns an unsubscribe
   * function. With no listener the core does not call into JS at all.
   */
  on(event, listener) {
    return this.#listeners.add(event, listener);
  }

  #syncListener() {
    if (this.#core === undefined) return;
    const any = this.#listeners.any;
    this.#listening = any;
    this.#core.setListener(any ? (type, key, ok, error) => this.#listeners.dispatch(type, key, ok, error) : undefined);
  }

  /**
   * Counters of the get-or-create paths in this isolate: hits, misses, staleServed,
   * regenerations, creatorErrors, backendErrors, leaseWaits, leaseTimeouts, and hitRatio
   * (hits and stale serves over all served).
   */
  stats() {
    const out = this.#ready().stats(); // named by the core (src/schema.rs)
    out.hits += this.#hits;
    out.l1Hits = this.#tiered ? this.#hits : 0;
    out.backendErrors += this.#coherenceErrors;
    const writes = this.#writes?.counts;
    out.deferredWrites += writes?.deferred ?? 0;
    out.retriedWrites += writes?.retried ?? 0;
    out.droppedWrites += writes?.dropped ?? 0;
    const served = out.hits + out.staleServed + out.misses;
    out.hitRatio = served === 0 ? 0 : (out.hits + out.staleServed) / served;
    return out;
  }

  resetStats() {
    this.#ready().resetStats();
    this.#hits = 0;
    this.#coherenceErrors = 0;
    if (this.#writes !== undefined) this.#writes.counts = { deferred: 0, retried: 0, dropped: 0 };
  }

  /**
   * hard (default): every value now reads as missing, callers wait for a new one.
   * soft (`false`): values read as stale, served while one caller regenerates.
   * The mark lives in this region object, i.e. in this isolate, at once; with `coherence`,
   * every other isolate takes it on within the coherence interval, and the Promise returned
   * settles once the coherence point has it (it rejects with a BackendError if it could not).
   */
  invalidate(hard = true) {
    const core = this.#ready();
    const at = core.invalidate(Boolean(hard));
    this.#setFreshAfter(core.freshAfter());
    if (this.#coherence !== undefined) {
      return this.#coherence.invalidate(Boolean(hard), at).catch((e) => {
        this.#coherenceFailed(e);
        throw e;
      });
    }
    return undefined;
  }

  /**
   * Invalidates every entry carrying one of `tags` that was created at or before now; untagged
   * entries and other tags' entries are untouched. hard (default, as for invalidate()): they read
   * as missing, callers wait for new values; soft: they read as stale, served while one caller
   * regenerates. In this isolate at once; with `coherence`, in every isolate within the interval,
   * and the Promise settles once the coherence point has recorded it.
   */
  async invalidateTags(tags, options) {
    // async: bad input rejects like every other operation; everything up to the coherence
    // point's answer still happens within this call, synchronously.
    const core = this.#ready();
    const { hard = true } = checkOptions(options, ["hard"], "invalidateTags");
    const list = checkTags(tags, "invalidateTags: tags", MAX_INVALIDATED_TAGS);
    if (list === undefined) return;
    const at = core.invalidateTags(list, Boolean(hard));
    let moved = false;
    for (const tag of list) moved = this.#tagMarks.merge(tag, hard ? at : 0, hard ? 0 : at) || moved;
    if (moved) this.#memory?.forgetFast(); // a tagged entry judged fresh before may not be any more
    if (this.#coherence === undefined) return;
    try {
      await this.#coherence.invalidateTags(list, Boolean(hard), at);
    } catch (e) {
      this.#coherenceFailed(e);
      throw e;
    }
  }
}

function ignore() {}

/** A new, unconfigured region (dogpile's `make_region`). */
export function makeRegion(options) {
  return new CacheRegion(options);
}
