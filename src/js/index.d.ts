// Types for the edgepile JS API. Times are seconds; -1 means "never expires".

/**
 * The "nothing stored" sentinel (dogpile's NO_VALUE). A frozen object at run time; typed as a
 * unique symbol so that `value !== NO_VALUE` narrows the type.
 */
export declare const NO_VALUE: unique symbol;
export type NoValue = typeof NO_VALUE;

/** Seconds (≥ 0, fractions allowed), -1 for never, or a function returning either, evaluated per call. */
export type ExpirationTime = number | (() => number);

/** A typed array or DataView: stored as the bytes it sees, read back as the same type. */
export type StorableView =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | DataView;

/**
 * What a region can store in every backend: what structuredClone keeps (docs/values.md). Class
 * instances, functions, symbols, promises and cycles are refused with a ValidationError.
 */
export type Storable =
  | null
  | undefined
  | boolean
  | number
  | string
  | bigint
  | Date
  | RegExp
  | ArrayBuffer
  | StorableView
  | ReadonlyMap<Storable, Storable>
  | ReadonlySet<Storable>
  | readonly Storable[]
  | { readonly [key: string]: Storable };

/**
 * A Standard Schema (zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2): `schema["~standard"].validate`.
 * Only what edgepile calls is typed, so no validation library is a dependency.
 */
export interface StandardSchemaLike<T = unknown> {
  readonly "~standard": {
    validate(
      value: unknown,
    ):
      | { value: T; issues?: undefined }
      | { issues: readonly unknown[] }
      | Promise<{ value: T; issues?: undefined } | { issues: readonly unknown[] }>;
  };
}

/**
 * Checks a value read from a shared backend before it is served: a function returning `true`
 * when it is good (`false`, a string or a throw: it is treated as missing, regenerated under the
 * lock and overwritten), or a schema (Standard Schema, `safeParse` as zod's, or `parse` that
 * throws), whose output is served.
 */
export type CheckValue<T = unknown> =
  | ((value: unknown) => boolean | string | Promise<boolean | string>)
  | StandardSchemaLike<T>
  | { safeParse(value: unknown): { success: true; data: T } | { success: false } }
  | { parse(value: unknown): T };

/**
 * Turns a value read from a shared backend into the current shape: a new value is checked,
 * stored in place of the old one and served; `undefined` or the same value keeps the old one;
 * NO_VALUE treats it as missing.
 */
export type Migrate<T = unknown> = (value: unknown) => T | undefined | NoValue | Promise<T | undefined | NoValue>;

/** checkValue and migrate, per region (configure) or per call (which completes the region's). */
export interface ValueOptions<T = unknown> {
  checkValue?: CheckValue<T>;
  migrate?: Migrate<T>;
}

/**
 * The backend names configure accepts, each with its `arguments`. A backend added with
 * registerBackend joins by declaration merging, which types its name and arguments:
 *
 * ```ts
 * declare module "edgepile" {
 *   interface BackendArguments {
 *     "app.disk": { dir: string };
 *   }
 * }
 * registerBackend("app.disk", (args) => new DiskBackend(args.dir));
 * makeRegion().configure("app.disk", { arguments: { dir: "/tmp" } });
 * ```
 */
export interface BackendArguments {
  "edgepile.memory": MemoryArguments & LeaseArguments;
  "edgepile.null": LeaseArguments;
  "edgepile.cloudflare_kv": KvArguments;
  "edgepile.cloudflare_cache": CacheApiArguments;
  "edgepile.durable_object": DurableObjectArguments;
  /** Node only (the package's node entry): see RedisArguments. */
  "edgepile.redis": RedisArguments;
}

export type BackendName = keyof BackendArguments & string;

/** A KV namespace binding, as much of it as edgepile uses. */
export interface KVNamespaceLike {
  get(key: string, type: "arrayBuffer"): Promise<ArrayBuffer | null>;
  get(keys: string[], type: "text"): Promise<Map<string, string | null>>;
  get(key: string, type: "json"): Promise<unknown>;
  put(key: string, value: string | ArrayBuffer | ArrayBufferView, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A Durable Object namespace binding, as much of it as edgepile uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): unknown;
}

/** Lease settings, accepted in the arguments of every backend. */
export interface LeaseArguments {
  /** The binding of the LeaseCoordinator Durable Object: exact leases. */
  lockNamespace?: DurableObjectNamespaceLike;
  /** Default "edgepile-lock:". */
  lockPrefix?: string;
  /** Seconds a caller with nothing to serve waits for another holder (default 10). */
  lockTimeout?: number;
  /** Seconds a lease lives unless released (default 30). */
  leaseTtl?: number;
}

export interface KvArguments extends LeaseArguments {
  namespace: KVNamespaceLike;
  /** Best-effort lease keys (`lockPrefix` + key) in the same namespace (default off). */
  distributedLock?: boolean;
  /** Seconds a value is kept past its expiration to be served stale (default: its expiration, ≥ 60). */
  staleTtl?: number;
}

export interface CacheApiArguments extends LeaseArguments {
  /** A named cache (caches.open); default caches.default. */
  cacheName?: string;
  baseUrl?: string;
  staleTtl?: number;
}

export interface DurableObjectArguments extends LeaseArguments {
  /** The binding of the EdgepileStore Durable Object. */
  namespace: DurableObjectNamespaceLike;
  name?: string;
  shards?: number;
  staleTtl?: number;
}

/**
 * A connected node-redis client (`createClient` from "redis", version 5 or 6), as much of it as
 * edgepile uses. Give it `disableOfflineQueue: true` so commands fail at once while it is
 * disconnected instead of waiting for the reconnection.
 */
export interface NodeRedisClientLike {
  sendCommand(args: ReadonlyArray<string | Uint8Array>, options?: object): Promise<unknown>;
  multi(): unknown;
  duplicate(): unknown;
  readonly isOpen: boolean;
  readonly isReady: boolean;
}

/**
 * edgepile.redis (Node): `url` to let edgepile open (and `close()`) its own connection, or
 * `client` to use yours. Each command is bounded by the region's `backendTimeout` (5 s without
 * one). See docs/redis.md.
 */
export type RedisArguments = ({ url: string; client?: undefined } | { client: NodeRedisClientLike; url?: undefined }) & {
  /** Seconds a value is kept past its expiration to be served stale (default: its expiration, ≥ 60). */
  staleTtl?: number;
  /** The dogpile lock across processes: on unless false. */
  distributedLock?: boolean;
  /** Default "edgepile-lock:". */
  lockPrefix?: string;
  /** Seconds a caller with nothing to serve waits for another holder (default 10). */
  lockTimeout?: number;
  /** Seconds a lease lives unless released (default 30). */
  leaseTtl?: number;
};

/**
 * Messages between processes over a Redis region's connection (`actualBackend.bus`): the
 * seam for work across processes. Best effort, as Redis pub/sub is: a subscriber misses what is
 * published while it is disconnected, and `onReconnect` tells it that it may have.
 */
export interface RedisBus {
  /** Resolves with the number of subscribers that received the message. */
  publish(channel: string, message: string): Promise<number>;
  /** Resolves with the function that unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void, options?: { onReconnect?: () => void }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What a write passes to a backend: the entry's lifetime in seconds (-1: never), for stores that expire entries physically. */
export interface WriteOptions {
  ttl: number;
}

/** A backend of your own: get/set/delete, sync or async; the multi forms are optional. */
export interface BackendObject {
  get(key: string): StoredItem | Promise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  getMulti?(keys: string[]): StoredItem[] | Promise<StoredItem[]>;
  setMulti?(mapping: Record<string, StoredItem>, options?: WriteOptions): void | Promise<void>;
  deleteMulti?(keys: string[]): void | Promise<void>;
  /** The stored keys, if the store can list them (reached through `actualBackend`). */
  keys?(): string[] | Promise<string[]>;
}

/** An ExecutionContext, as much of it as edgepile uses. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export type EventName =
  | "hit"
  | "miss"
  | "stale"
  | "regenerationStart"
  | "regenerationEnd"
  | "leaseAcquired"
  | "leaseContended"
  | "leaseTimeout"
  | "backendError"
  | "creatorError"
  /** edgepile.cloudflare_kv: a write held for KV's one write per key per second. */
  | "writeDeferred"
  /** edgepile.cloudflare_kv: a write that got KV's 429, retried in the background. */
  | "writeRetried"
  /** edgepile.cloudflare_kv: a write given up after its retries (also passed to onError). */
  | "writeDropped";

export interface RegionEvent {
  type: EventName;
  /** The backend key (mangled). */
  key: string;
  /** For regenerationEnd: whether the creator succeeded. */
  ok: boolean;
  error?: unknown;
}

export interface RegionStats {
  hits: number;
  misses: number;
  staleServed: number;
  regenerations: number;
  creatorErrors: number;
  backendErrors: number;
  leaseWaits: number;
  leaseTimeouts: number;
  /** Hits served by the region's L1 without touching the shared backend (0 without `l1`). */
  l1Hits: number;
  /** (hits + staleServed) / (hits + staleServed + misses), 0 before any call. */
  hitRatio: number;
  /** edgepile.cloudflare_kv: writes held for KV's one write per key per second (0 elsewhere). */
  deferredWrites: number;
  /** edgepile.cloudflare_kv: retries of writes that got a 429. */
  retriedWrites: number;
  /** edgepile.cloudflare_kv: writes given up after their retries. */
  droppedWrites: number;
}

/** An in-isolate tier over a shared backend (KV, Cache API, Durable Object storage, objects). */
export interface L1Options {
  /** Entries kept in this isolate (default 10,000); the least recently used go first. */
  maxEntries?: number;
  /**
   * Seconds an entry is served from L1 after it was read or written here (default 60): without
   * a coherence point, the longest a write or delete made by another isolate can go unseen here.
   */
  ttl?: number;
}

/**
 * The point every isolate consults, at most once per `interval`, to learn of other isolates'
 * invalidations and writes: a CoherenceCoordinator binding (exact), a KV namespace (best effort,
 * KV's propagation), or any object with the same three methods.
 */
export interface CoherenceOptions {
  namespace: DurableObjectNamespaceLike | KVNamespaceLike | CoherencePoint | RedisCoherence;
  /** Seconds between an isolate's checks (default 1). */
  interval?: number;
}

/** A pluggable coherence point (dogpile's region_invalidator idea). Versions count up per region. */
export interface CoherencePoint {
  /**
   * Marks (seconds) and the [version, key] changes after `since`, or null when they are no longer
   * known; with tags, `shards`: the version of each tag shard's last change, indexed by shard (an
   * isolate asks `tagChanges` of the shards that moved).
   */
  changes(
    region: string,
    since: number,
  ): Promise<{ version: number; hard: number; soft: number; changes: Array<[number, string]> | null; shards?: number[] }>;
  /** Records writes or deletes of backend keys; returns the version of the last. */
  publish(region: string, keys: string[]): Promise<number | undefined>;
  invalidate(region: string, hard: boolean, at: number): Promise<void>;
  /** Tag marks ([tag, hard, soft]) of one shard changed after `since` (optional: tags need it). */
  tagChanges?(region: string, shard: number, since: number): Promise<{ version: number; marks: Array<[string, number, number]> }>;
  /** Records an invalidation of `tags` (all in `shard`), and that the shard moved (optional: tags need it). */
  invalidateTags?(region: string, shard: number, tags: string[], hard: boolean, at: number): Promise<void>;
  /**
   * Announces changes (optional): `onChange(version)` makes the region's next call check without
   * waiting out the interval; `onChange(undefined)`: announcements may have been lost.
   */
  watch?(region: string, onChange: (version: number | undefined) => void): Promise<() => void | Promise<void>>;
}

/** Turns a cache key into the key the backend sees. */
export type KeyMangler = (key: string) => string;

/** dogpile's function_key_generator: (namespace, fn, toStr) → a key per call. */
export type FunctionKeyGenerator = (
  namespace: string | undefined,
  fn: Fn,
  toStr?: (arg: unknown) => string,
) => (...args: unknown[]) => string;

/** The multi form: one key per argument. */
export type FunctionMultiKeyGenerator = (
  namespace: string | undefined,
  fn: Fn,
  toStr?: (arg: unknown) => string,
) => (...args: unknown[]) => string[];

export interface RegionOptions {
  /** Shown in errors. Default "default". */
  name?: string;
  /** Applied to every key before it reaches the backend. */
  keyMangler?: KeyMangler;
  /** Default key generator of this region's decorators. */
  functionKeyGenerator?: FunctionKeyGenerator;
  functionMultiKeyGenerator?: FunctionMultiKeyGenerator;
  /** dogpile's async_creation_runner: run stale regenerations in the background; call `run()`. */
  asyncCreationRunner?: (region: CacheRegion, key: string, run: () => Promise<void>, lease: { key: string }) => void;
  /** Milliseconds since the epoch, like Date.now (the default). Inject one to test expiry. */
  clock?: () => number;
  /** Waits `ms` between lease attempts (default: setTimeout). Inject one to test without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Receives failures that reach no caller, such as a cache write after a successful creation. */
  onError?: (error: EdgepileError) => void;
  /** Uniform draws in [0, 1) for early refresh (default Math.random). Inject one to test it. */
  random?: () => number;
}

/**
 * Early refresh (XFetch): a hit of a fresh value starts one background regeneration with
 * probability exp(−remaining / (β·δ)), δ being how long the value's creation took. `true` is
 * β = 1; a larger β refreshes earlier. `false` turns it off for a call.
 */
export type EarlyRefresh = boolean | { beta?: number };

export interface MemoryArguments {
  /** Entries kept before the least recently used go. Default 10,000. */
  maxEntries?: number;
}

/** How a region degrades when its creator or backend misbehaves (seconds). */
export interface DegradationOptions {
  /** A failed regeneration serves the stale value if it expired at most this long ago. */
  staleIfError?: number;
  /** The regenerating caller of a stale value takes the stale value after this long. */
  creatorSoftTimeout?: number;
  /** A caller waiting for a creation gets a TimeoutError after this long. */
  creatorTimeout?: number;
  /**
   * Each backend operation fails with a BackendError after this long. The lease client's calls
   * are bounded by the region's value (configure's), not a call's.
   */
  backendTimeout?: number;
}

/**
 * The options of configure; `A`: the backend's arguments (configure picks them by the backend's
 * name: see BackendArguments).
 */
export interface ConfigureOptions<A = BackendArguments[BackendName]> extends DegradationOptions, ValueOptions {
  /**
   * The version of this region's values (an integer, default 0 = none): entries written under
   * another one are misses. Bump it with a deploy that changes the values' shape.
   */
  valueVersion?: number;
  /** Default -1 (never). */
  expirationTime?: ExpirationTime;
  arguments?: A;
  /** Proxies, first item outermost: ProxyBackend subclasses (built with no arguments) or instances. */
  wrap?: Array<ProxyBackend | (new () => ProxyBackend)>;
  /** Replace the backend of an already configured region instead of throwing. */
  replaceExistingBackend?: boolean;
  /** An in-isolate tier over a shared backend. */
  l1?: L1Options;
  /** Invalidation (and, with `l1`, writes and deletes) seen by every isolate within `interval`. */
  coherence?: CoherenceOptions;
  /** Early refresh of every getOrCreate of the region (see EarlyRefresh). Default off. */
  earlyRefresh?: EarlyRefresh;
}

export interface GetOptions {
  expirationTime?: ExpirationTime;
  /** Return the value even if expired or invalidated. */
  ignoreExpiration?: boolean;
}

export interface GetOrCreateOptions<T, A extends unknown[] = unknown[]> extends DegradationOptions, ValueOptions<T> {
  expirationTime?: ExpirationTime;
  /** Return false to hand the value back without storing it. */
  shouldCacheFn?: (value: T) => boolean;
  /** Arguments passed to the creator. */
  creatorArgs?: A;
  /** This request's context: a stale value is returned at once and regenerated via waitUntil. */
  ctx?: ExecutionContextLike;
  /** What the created value is about (at most 32 non-empty strings of ≤ 128 characters): see invalidateTags. */
  tags?: string[];
  /** Early refresh for this call, overriding the region's. */
  earlyRefresh?: EarlyRefresh;
}

export interface GetOrCreateMultiOptions<T> extends ValueOptions<T> {
  expirationTime?: ExpirationTime;
  shouldCacheFn?: (value: T) => boolean;
  /** Tags of every value this call creates. */
  tags?: string[];
}

export interface SetOptions {
  /** What the value is about: see invalidateTags. */
  tags?: string[];
}

export interface InvalidateTagsOptions {
  /** true (default, as for invalidate()): tagged entries read as missing; false: as stale. */
  hard?: boolean;
}

/** A payload with its metadata: what backends and proxies see. */
export declare class CachedValue<T = unknown> {
  constructor(payload: T, metadata: CachedValueMetadata);
  payload: T;
  metadata: CachedValueMetadata;
}

/**
 * Creation time (seconds), envelope version, the entry's tags (tagged entries only), the region's
 * valueVersion when it sets one, and `d`: how long the value's creation took, in seconds, when
 * known (early refresh's δ).
 */
export interface CachedValueMetadata {
  ct: number;
  v: number;
  tags?: string[];
  valueVersion?: number;
  d?: number;
}

/** What a backend hands back: a CachedValue, a codec's encoding of one, or NO_VALUE. */
export type StoredItem = CachedValue | Uint8Array | ArrayBuffer | string | NoValue;
type MaybePromise<T> = T | Promise<T>;

/** A backend or proxy as the chain sees it. */
export interface BackendLike {
  get(key: string): MaybePromise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  getMulti(keys: string[]): MaybePromise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): MaybePromise<void>;
  deleteMulti(keys: string[]): MaybePromise<void>;
}

/**
 * The backend under every proxy (`actualBackend`) of a region over a registered name or an
 * object: sync or async, as that backend is. `keys()` where the backend has one.
 */
export interface ActualBackend extends BackendLike {
  keys?(): MaybePromise<string[]> | undefined;
}

/** edgepile.memory and edgepile.null: the store lives in the isolate, is synchronous and lists its keys. */
export interface InIsolateBackend extends ActualBackend {
  get(key: string): StoredItem;
  set(key: string, value: StoredItem): void;
  delete(key: string): void;
  getMulti(keys: string[]): StoredItem[];
  setMulti(mapping: Record<string, StoredItem>): void;
  deleteMulti(keys: string[]): void;
  /** Most recently used first. */
  keys(): string[];
}

/** The `actualBackend` of a region configured with backend `N`. */
export type ActualBackendOf<N> = N extends "edgepile.memory" | "edgepile.null"
  ? InIsolateBackend
  : N extends "edgepile.cloudflare_kv"
    ? KvBackend
    : N extends "edgepile.cloudflare_cache"
      ? CacheApiBackend
      : N extends "edgepile.durable_object"
        ? DurableObjectBackend
        : N extends "edgepile.redis"
          ? RedisBackend
          : ActualBackend;

/** Base class of proxies: override any method and call `this.proxied`. */
export declare class ProxyBackend implements BackendLike {
  proxied: BackendLike;
  wrap(backend: BackendLike): this;
  get(key: string): MaybePromise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  getMulti(keys: string[]): MaybePromise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): MaybePromise<void>;
  deleteMulti(keys: string[]): MaybePromise<void>;
}

/** Counts hits and misses at the backend, sets and deletes. */
export declare class StatsProxy extends ProxyBackend {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  stats(): { hits: number; misses: number; sets: number; deletes: number; hitRatio: number };
  reset(): void;
}

/** Stores `{"payload": ..., "metadata": {...}}` as JSON text. */
export declare class JsonCodecProxy extends ProxyBackend {}

/** Compresses what is stored with CompressionStream. */
export declare class CompressionProxy extends ProxyBackend {
  constructor(options?: { format?: "gzip" | "deflate" | "deflate-raw" });
  readonly format: "gzip" | "deflate" | "deflate-raw";
}

// biome-ignore lint/suspicious/noExplicitAny: the widest function type, so any function's own parameter and return types are inferred
type Fn = (...args: any[]) => any;
type Result<F extends Fn> = Awaited<ReturnType<F>>;

export interface CacheOnArgumentsOptions<F extends Fn> extends ValueOptions<Result<F>> {
  namespace?: string;
  expirationTime?: ExpirationTime;
  shouldCacheFn?: (value: Result<F>) => boolean;
  /** Writes each argument into the key (then distinctness is up to it). */
  toStr?: (arg: Parameters<F>[number]) => string;
  functionKeyGenerator?: FunctionKeyGenerator;
  /** The tags of a call's entry, from its arguments: `(user, org) => [`user:${user}`, `org:${org}`]`. */
  tags?: (...args: Parameters<F>) => string[];
  /** Early refresh of every call (see EarlyRefresh). */
  earlyRefresh?: EarlyRefresh;
}

/** A function wrapped by cacheOnArguments: same arguments, a Promise of the same result. */
export interface CachedFunction<F extends Fn> {
  (this: ThisParameterType<F>, ...args: Parameters<F>): Promise<Result<F>>;
  /** Deletes the cached value for these arguments. */
  invalidate(...args: Parameters<F>): Promise<void>;
  /** Stores `value` for these arguments. */
  set(value: Result<F>, ...args: Parameters<F>): Promise<void>;
  /** The cached value for these arguments, or NO_VALUE. */
  get(...args: Parameters<F>): Promise<Result<F> | NoValue>;
  /** Calls the function now and stores the result. */
  refresh(...args: Parameters<F>): Promise<Result<F>>;
  readonly original: F;
}

export interface CacheMultiOnArgumentsOptions<A, V> extends ValueOptions<V> {
  namespace?: string;
  expirationTime?: ExpirationTime;
  shouldCacheFn?: (value: V) => boolean;
  /** The function returns an object (or Map) of argument → value; arguments it leaves out are not cached. */
  asdict?: boolean;
  toStr?: (arg: A) => string;
  functionMultiKeyGenerator?: FunctionMultiKeyGenerator;
  /** The tags of the entries a call creates, from its arguments. */
  tags?: (...args: A[]) => string[];
}

export interface CachedMultiFunction<A, V, R> {
  (...args: A[]): Promise<R>;
  invalidate(...args: A[]): Promise<void>;
  /** A Map of argument → value, or a plain object for string arguments (`{ 1: v }` is the argument "1"). */
  set(mapping: Record<string, V> | Map<A, V>): Promise<void>;
  get(...args: A[]): Promise<Array<V | NoValue>>;
  refresh(...args: A[]): Promise<R>;
  readonly original: (...args: A[]) => unknown;
}

/** A region; `B`: the type of its `actualBackend`, which configure sets from the backend it is given. */
export declare class CacheRegion<B extends ActualBackend = ActualBackend> {
  readonly name: string;
  readonly keyMangler: KeyMangler | undefined;
  readonly functionKeyGenerator: FunctionKeyGenerator | undefined;
  readonly functionMultiKeyGenerator: FunctionMultiKeyGenerator | undefined;
  readonly isConfigured: boolean;
  /** The outermost backend: the first proxy of `wrap`, or the backend itself. */
  readonly backend: BackendLike;
  /** The backend under every proxy. */
  readonly actualBackend: B;
  configure<N extends BackendName>(backend: N, options?: ConfigureOptions<BackendArguments[N]>): CacheRegion<ActualBackendOf<N>>;
  /** A backend object: `arguments` holds lease settings only. */
  configure<O extends BackendObject>(backend: O, options?: ConfigureOptions<LeaseArguments>): CacheRegion<ActualBackend>;
  /** Listens to an event ("*" for all); returns the function that stops listening. */
  on(event: EventName | "*", listener: (event: RegionEvent) => void): () => void;
  stats(): RegionStats;
  resetStats(): void;
  /** A view whose getOrCreate regenerates stale values through `ctx.waitUntil`. */
  withContext(ctx: ExecutionContextLike): this;
  get<T = unknown>(key: string, options?: GetOptions): Promise<T | NoValue>;
  getMulti<T = unknown>(keys: readonly string[], options?: GetOptions): Promise<Array<T | NoValue>>;
  set(key: string, value: Storable, options?: SetOptions): Promise<void>;
  setMulti(mapping: Record<string, Storable> | Map<string, Storable>, options?: SetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  deleteMulti(keys: readonly string[]): Promise<void>;
  getOrCreate<T extends Storable, A extends unknown[] = []>(
    key: string,
    creator: (...args: A) => T | Promise<T>,
    options?: GetOrCreateOptions<T, A>,
  ): Promise<T>;
  getOrCreateMulti<T extends Storable>(
    keys: readonly string[],
    creator: (...missingKeys: string[]) => T[] | Promise<T[]>,
    options?: GetOrCreateMultiOptions<T>,
  ): Promise<T[]>;
  /**
   * hard (default): values read as missing; soft (false): values read as stale. In this isolate
   * at once; with `coherence`, in every isolate within the interval, and the Promise settles once
   * the coherence point has recorded it.
   */
  invalidate(hard?: boolean): Promise<void> | undefined;
  /**
   * Invalidates every entry carrying one of `tags` created at or before now (untagged entries and
   * other tags' entries untouched): hard by default, as invalidate(). In this isolate at once; with
   * `coherence`, in every isolate within the interval.
   */
  invalidateTags(tags: string[], options?: InvalidateTagsOptions): Promise<void>;
  cacheOnArguments<F extends Fn>(fn: F, options?: CacheOnArgumentsOptions<F>): CachedFunction<F>;
  cacheMultiOnArguments<A, V extends Storable>(
    fn: (...args: A[]) => V[] | Promise<V[]>,
    options?: CacheMultiOnArgumentsOptions<A, V> & { asdict?: false },
  ): CachedMultiFunction<A, V, V[]>;
  cacheMultiOnArguments<A extends string | number, V extends Storable>(
    fn: (...args: A[]) => Record<string, V> | Map<A, V> | Promise<Record<string, V> | Map<A, V>>,
    options: CacheMultiOnArgumentsOptions<A, V> & { asdict: true },
  ): CachedMultiFunction<A, V, Record<string, V>>;
}

export declare function makeRegion(options?: RegionOptions): CacheRegion;

/**
 * Makes a backend name usable in configure (dogpile's register_backend); declare the name in
 * BackendArguments to have configure accept it (the factory then gets those arguments).
 */
export declare function registerBackend<N extends string>(
  name: N,
  factory: (
    args: N extends BackendName ? BackendArguments[N] : Record<string, unknown>,
    region: { expirationTime?: number; backendTimeout?: number; staleIfError?: number },
  ) => BackendObject,
): void;
/** `(key, run) => ctx.waitUntil(run())`. */
export declare function waitUntilRunner(ctx: ExecutionContextLike): (key: string, run: () => Promise<void>) => void;

export declare class KvBackend implements BackendObject, ActualBackend {
  constructor(args: KvArguments, region?: { expirationTime?: number });
  get(key: string): Promise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): Promise<void>;
  delete(key: string): Promise<void>;
  getMulti(keys: string[]): Promise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): Promise<void>;
  deleteMulti(keys: string[]): Promise<void>;
}
export declare class CacheApiBackend implements BackendObject, ActualBackend {
  constructor(args?: CacheApiArguments, region?: { expirationTime?: number });
  get(key: string): Promise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): Promise<void>;
  delete(key: string): Promise<void>;
  getMulti(keys: string[]): Promise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): Promise<void>;
  deleteMulti(keys: string[]): Promise<void>;
}
export declare class DurableObjectBackend implements BackendObject, ActualBackend {
  constructor(args: DurableObjectArguments, region?: { expirationTime?: number });
  get(key: string): Promise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): Promise<void>;
  delete(key: string): Promise<void>;
  getMulti(keys: string[]): Promise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): Promise<void>;
  deleteMulti(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
}
/** A lease client: acquire → token or null, release with the token. */
export interface LeaseClient {
  acquire(key: string, ttlSeconds: number): Promise<string | null>;
  release(key: string, token: string): Promise<void>;
}
export declare class DurableObjectLeases implements LeaseClient {
  constructor(namespace: DurableObjectNamespaceLike, prefix?: string);
  acquire(key: string, ttlSeconds: number): Promise<string | null>;
  release(key: string, token: string): Promise<void>;
}
export declare class KvLeases implements LeaseClient {
  constructor(namespace: KVNamespaceLike, prefix?: string);
  acquire(key: string, ttlSeconds: number): Promise<string | null>;
  release(key: string, token: string): Promise<void>;
}

/** edgepile.redis's store (node entry only): what `configure("edgepile.redis", …)` builds. */
export declare class RedisBackend implements BackendObject, ActualBackend {
  constructor(args: RedisArguments, region?: { expirationTime?: number; backendTimeout?: number });
  get(key: string): Promise<StoredItem>;
  set(key: string, value: StoredItem, options?: WriteOptions): Promise<void>;
  delete(key: string): Promise<void>;
  getMulti(keys: string[]): Promise<StoredItem[]>;
  setMulti(mapping: Record<string, StoredItem>, options?: WriteOptions): Promise<void>;
  deleteMulti(keys: string[]): Promise<void>;
  /** The region's lease client, unless `distributedLock: false`. */
  readonly leases: RedisLeases | undefined;
  readonly bus: RedisBus;
  close(): Promise<void>;
}
/** Leases as `SET key token NX PX ttl`, released by compare-and-delete (node entry only). */
export declare class RedisLeases implements LeaseClient {
  /** Made by RedisBackend over its connection (`backend.leases`). */
  private constructor();
  acquire(key: string, ttlSeconds: number): Promise<string | null>;
  release(key: string, token: string): Promise<void>;
}

/**
 * The coherence point in Redis (node entry only): `coherence: { namespace: new RedisCoherence({ url }) }`.
 * Changes are atomic (Lua) and announced over pub/sub, so other processes check at their next call.
 */
export declare class RedisCoherence implements CoherencePoint {
  /** `pubsub: false`: no announcements, checks on the interval only. `prefix` of its keys and channels. */
  constructor(
    options: ({ url: string; client?: undefined } | { client: NodeRedisClientLike; url?: undefined }) & {
      prefix?: string;
      pubsub?: boolean;
      timeout?: number;
    },
  );
  changes(region: string, since: number): Promise<{ version: number; hard: number; soft: number; changes: Array<[number, string]> | null }>;
  publish(region: string, keys: string[]): Promise<number>;
  invalidate(region: string, hard: boolean, at: number): Promise<void>;
  tagChanges(region: string, shard: number, since: number): Promise<{ version: number; marks: Array<[string, number, number]> }>;
  invalidateTags(region: string, shard: number, tags: string[], hard: boolean, at: number): Promise<void>;
  watch(region: string, onChange: (version: number | undefined) => void): Promise<() => void | Promise<void>>;
  /** Closes the connections it opened (a `client` passed in stays open). */
  close(): Promise<void>;
}

/** Durable Object classes (workerd entry only): re-export them from your Worker's main module. */
export declare class LeaseCoordinator {
  constructor(ctx: unknown, env: unknown);
  acquire(key: string, ttlMs: number): Promise<string | null>;
  release(key: string, token: string): Promise<boolean>;
  alarm(): Promise<void>;
}
export declare class CoherenceCoordinator {
  constructor(ctx: unknown, env: unknown);
  changes(since: number): { version: number; hard: number; soft: number; changes: Array<[number, string]> | null };
  publish(keys: string[]): Promise<number>;
  invalidate(hard: boolean, at: number): Promise<void>;
}
export declare class EdgepileStore {
  constructor(ctx: unknown, env: unknown);
  getMulti(keys: string[]): Promise<unknown[]>;
  setMulti(entries: [string, unknown][], expires: number): Promise<void>;
  deleteMulti(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
  alarm(): Promise<void>;
}

export declare const functionKeyGenerator: FunctionKeyGenerator;
export declare const functionMultiKeyGenerator: FunctionMultiKeyGenerator;
/** For functions that take one options object. */
export declare const kwargFunctionKeyGenerator: FunctionKeyGenerator;
/**
 * 40 hex digits of the SHA-1 of the key's UTF-8 bytes (dogpile's `sha1_mangle_key`). SHA-1 is
 * not collision-resistant: use {@link sha256MangleKey} for new regions.
 */
export declare function sha1MangleKey(key: string): string;
/**
 * 64 hex digits of the SHA-256 of the key's UTF-8 bytes, computed synchronously (in wasm), as a
 * mangler must be: `lengthConditionalMangler(512, sha256MangleKey)` for KV.
 */
export declare function sha256MangleKey(key: string): string;
/**
 * Keeps keys of at most `length` UTF-8 bytes as they are and stores every other key as `#`
 * followed by `mangler(key)`. A short key that starts with `#`, or is 40 lowercase hex digits
 * (an earlier version's bare digest), is mangled too, so a chosen key never reaches another's
 * entry. See docs/keys.md.
 */
export declare function lengthConditionalMangler(length: number, mangler: KeyMangler): KeyMangler;
/**
 * Prefixes every key, after applying `then` if given. The prefix is stored JSON-quoted
 * (`"app:"key`), so regions whose prefixes are prefixes of each other never share a key.
 */
export declare function prefixMangler(prefix: string, then?: KeyMangler): KeyMangler;
/** A CachedValue as edgepile's MessagePack envelope. */
export declare function encodeCachedValue(value: CachedValue): Uint8Array;
/** The CachedValue in envelope bytes; throws BackendError for anything else. */
export declare function decodeCachedValue(bytes: Uint8Array): CachedValue;

export declare class EdgepileError extends Error {}
export declare class RegionNotConfigured extends EdgepileError {
  name: "RegionNotConfigured";
}
export declare class RegionAlreadyConfigured extends EdgepileError {
  name: "RegionAlreadyConfigured";
}
export declare class ValidationError extends EdgepileError {
  name: "ValidationError";
}
export declare class BackendError extends EdgepileError {
  name: "BackendError";
}
export declare class LockTimeout extends EdgepileError {
  name: "LockTimeout";
}
export declare class TimeoutError extends EdgepileError {
  name: "TimeoutError";
}

/** Injects store failures for tests: errors, 429s on writes, hangs, corrupt reads, latency. */
export declare class FaultProxy extends ProxyBackend {
  constructor(options?: {
    errorRate?: number | Partial<Record<"get" | "set" | "delete" | "getMulti" | "setMulti" | "deleteMulti", number>>;
    tooManyWritesRate?: number;
    hangRate?: number;
    hangMs?: number;
    corruptRate?: number;
    latencyMs?: number;
    seed?: number;
  });
  readonly injected: { errors: number; tooManyWrites: number; hangs: number; corrupt: number };
}
