// What src/js uses of its hosts (Node, workerd, a bundler's .wasm import), declared for the
// checkJs run (tsconfig.src.json) as index.d.ts declares KV and Durable Object bindings: only
// what edgepile calls, so neither @types/node nor workers-types is a dependency.

/** Node's Buffer: a Uint8Array view over the same memory (backends/redis.js, redis/connection.js). */
interface Buffer extends Uint8Array {}
declare const Buffer: {
  from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): Buffer;
  prototype: Buffer;
};

declare module "node:crypto" {
  export function createHash(algorithm: "sha1"): { update(data: string): { digest(encoding: "hex"): string } };
  export function randomUUID(): string;
}

declare module "node:fs" {
  export function readFileSync(path: URL): Uint8Array;
}

/** workerd compiles an imported .wasm file to a module (workerd.js). */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

/** The Durable Object base class of workerd (workers/*.js): `ctx` and `env` as it sets them. */
declare module "cloudflare:workers" {
  export interface DurableObjectStorageLike {
    get<T = unknown>(key: string): Promise<T | undefined>;
    get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
    put(key: string, value: unknown): Promise<void>;
    put(entries: Record<string, unknown>): Promise<void>;
    delete(key: string): Promise<boolean>;
    delete(keys: string[]): Promise<number>;
    list<T = unknown>(options?: { start?: string; limit?: number; prefix?: string }): Promise<Map<string, T>>;
    getAlarm(): Promise<number | null>;
    setAlarm(time: number): Promise<void>;
    deleteAlarm(): Promise<void>;
  }
  export interface DurableObjectStateLike {
    storage: DurableObjectStorageLike;
    blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
  }
  export class DurableObject {
    constructor(ctx: DurableObjectStateLike, env: unknown);
    protected ctx: DurableObjectStateLike;
    protected env: unknown;
  }
}

/** workerd's CacheStorage has the data centre's default cache (backends/cache-api.js). */
interface CacheStorage {
  readonly default: Cache;
}
