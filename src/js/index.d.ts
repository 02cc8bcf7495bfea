// Types for the edgepile JS API. Times are seconds; -1 means "never expires".

/** The "nothing stored" sentinel (dogpile's NO_VALUE). */
export declare const NO_VALUE: Readonly<{ toString(): "NO_VALUE" }>;
export type NoValue = typeof NO_VALUE;

/** Seconds (≥ 0, fractions allowed), -1 for never, or a function returning either, evaluated per call. */
export type ExpirationTime = number | (() => number);

/** Plain data a region can store in every backend. */
export type Storable =
  | null
  | undefined
  | boolean
  | number
  | string
  | bigint
  | Uint8Array
  | ArrayBuffer
  | readonly Storable[]
  | { readonly [key: string]: Storable };

export type BackendName = "edgepile.memory" | "edgepile.null";

export interface RegionOptions {
  /** Shown in errors. Default "default". */
  name?: string;
  /** Applied to every key before it reaches the backend. */
  keyMangler?: (key: string) => string;
  /** Milliseconds since the epoch, like Date.now (the default). Inject one to test expiry. */
  clock?: () => number;
  /** Receives failures that reach no caller, such as a cache write after a successful creation. */
  onError?: (error: EdgepileError) => void;
}

export interface MemoryArguments {
  /** Entries kept before the least recently used go. Default 10,000. */
  maxEntries?: number;
}

export interface ConfigureOptions {
  /** Default -1 (never). */
  expirationTime?: ExpirationTime;
  arguments?: MemoryArguments;
  /** Replace the backend of an already configured region instead of throwing. */
  replaceExistingBackend?: boolean;
}

export interface GetOptions {
  expirationTime?: ExpirationTime;
  /** Return the value even if expired or invalidated. */
  ignoreExpiration?: boolean;
}

export interface GetOrCreateOptions<T, A extends unknown[] = unknown[]> {
  expirationTime?: ExpirationTime;
  /** Return false to hand the value back without storing it. */
  shouldCacheFn?: (value: T) => boolean;
  /** Arguments passed to the creator. */
  creatorArgs?: A;
}

export interface GetOrCreateMultiOptions<T> {
  expirationTime?: ExpirationTime;
  shouldCacheFn?: (value: T) => boolean;
}

export declare class CacheRegion {
  readonly name: string;
  readonly keyMangler: ((key: string) => string) | undefined;
  readonly isConfigured: boolean;
  configure(backend: BackendName, options?: ConfigureOptions): this;
  get<T = unknown>(key: string, options?: GetOptions): Promise<T | NoValue>;
  getMulti<T = unknown>(keys: readonly string[], options?: GetOptions): Promise<Array<T | NoValue>>;
  set(key: string, value: Storable): Promise<void>;
  setMulti(mapping: Record<string, Storable> | Map<string, Storable>): Promise<void>;
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
  /** hard (default): values read as missing; soft (false): values read as stale. Per isolate. */
  invalidate(hard?: boolean): void;
}

export declare function makeRegion(options?: RegionOptions): CacheRegion;

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
