// Compiled with `tsc --noEmit` in `npm test`: the public types accept real usage and keep the
// wrapped function's argument and return types. Lines marked @ts-expect-error must stay errors.
import {
  CachedValue, CompressionProxy, JsonCodecProxy, kwargFunctionKeyGenerator, lengthConditionalMangler, makeRegion,
  NO_VALUE, prefixMangler, ProxyBackend, sha1MangleKey, sha256MangleKey, StatsProxy, ValidationError, type StoredItem,
} from "edgepile";

class Logging extends ProxyBackend {
  async get(key: string): Promise<StoredItem> {
    return this.proxied.get(key);
  }
}

const stats = new StatsProxy();
const region = makeRegion({
  name: "typed",
  keyMangler: prefixMangler("app:", lengthConditionalMangler(200, sha1MangleKey)),
  clock: () => Date.now(),
}).configure("edgepile.memory", {
  expirationTime: 300,
  arguments: { maxEntries: 100 },
  wrap: [stats, Logging, new CompressionProxy({ format: "gzip" }), JsonCodecProxy],
});

async function main(): Promise<void> {
  const user = await region.getOrCreate("user:1", async () => ({ id: 1, name: "ada" }));
  const id: number = user.id;
  const got = await region.get<{ id: number }>("user:1");
  if (got !== NO_VALUE) console.log(got.id);

  const load = region.cacheOnArguments(async (id: number, full: boolean) => ({ id, full }), { namespace: "load" });
  const loaded: { id: number; full: boolean } = await load(1, true);
  await load.invalidate(1, true);
  await load.set({ id: 2, full: false }, 2, false);
  const maybe = await load.get(1, true);
  const refreshed = await load.refresh(1, false);
  console.log(id, loaded, maybe, refreshed, load.original(3, true));
  // @ts-expect-error: wrong argument type
  await load("1", true);
  // @ts-expect-error: missing argument
  await load(1);

  const search = region.cacheOnArguments(function search(opts: { q: string; page: number }) {
    return [opts.q, String(opts.page)];
  }, { functionKeyGenerator: kwargFunctionKeyGenerator });
  const hits: string[] = await search({ q: "x", page: 1 });

  const many = region.cacheMultiOnArguments(async (...ids: number[]) => ids.map((i) => i * 2));
  const doubled: number[] = await many(1, 2, 3);
  const dict = region.cacheMultiOnArguments((...ids: number[]) => Object.fromEntries(ids.map((i) => [i, `v${i}`])), { asdict: true });
  const byId: Record<string, string> = await dict(1, 2);

  await region.getOrCreateMulti(["a", "b"], (...keys) => keys.map((k) => k.length));
  await region.setMulti({ a: 1, b: [1, 2] });
  region.invalidate(false);
  console.log(hits, doubled, byId, stats.stats().hitRatio, region.actualBackend.keys());

  const cv = new CachedValue({ a: 1 }, { ct: 1, v: 1 });
  console.log(cv.payload.a);
  // @ts-expect-error: functions cannot be stored
  await region.set("f", () => 1);
  // @ts-expect-error: unknown backend
  makeRegion().configure("dogpile.cache.memory");
  try {
    await region.get("k");
  } catch (e) {
    if (e instanceof ValidationError) console.log(e.name);
  }
}

void main();

// Platform backends, leases, events (types only).
declare const env: { CACHE: import("edgepile").KVNamespaceLike; LEASES: import("edgepile").DurableObjectNamespaceLike };
declare const ctx: { waitUntil(p: Promise<unknown>): void };
const kvRegion = makeRegion({
  keyMangler: lengthConditionalMangler(512, sha256MangleKey),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
}).configure("edgepile.cloudflare_kv", {
  expirationTime: 60,
  arguments: { namespace: env.CACHE, lockNamespace: env.LEASES, lockTimeout: 5, staleTtl: 120 },
});
const offEvents = kvRegion.on("regenerationEnd", (e) => console.log(e.key, e.ok));
offEvents();
const ratio: number = kvRegion.stats().hitRatio;
void kvRegion.withContext(ctx).getOrCreate("k", () => 1, { ctx });
// @ts-expect-error: not an event
kvRegion.on("hits", () => {});
const digest: string = sha256MangleKey("k");
// @ts-expect-error: a mangler takes a string key
sha256MangleKey(1);
console.log(ratio, digest);

// Degradation and fault injection (types only).
import { FaultProxy, TimeoutError } from "edgepile";
const degraded = makeRegion().configure("edgepile.memory", {
  staleIfError: 60, creatorSoftTimeout: 0.5, creatorTimeout: 5, backendTimeout: 0.2,
  wrap: [new FaultProxy({ errorRate: { get: 0.1 }, hangRate: 0.01, seed: 7 })],
});
void degraded.getOrCreate("k", () => 1, { staleIfError: 0 }).catch((e) => e instanceof TimeoutError);

// Two tiers and the coherence point (types only).
import { CoherenceCoordinator, type CoherencePoint } from "edgepile";
declare const coherenceEnv: { COHERENCE: import("edgepile").DurableObjectNamespaceLike };
const tiered = makeRegion().configure("edgepile.cloudflare_kv", {
  arguments: { namespace: env.CACHE },
  l1: { maxEntries: 1000, ttl: 30 },
  coherence: { namespace: coherenceEnv.COHERENCE, interval: 1 },
});
const l1Hits: number = tiered.stats().l1Hits;
void tiered.invalidate(true)?.then(() => l1Hits);
const point: CoherencePoint = {
  changes: async () => ({ version: 0, hard: 0, soft: 0, changes: [] }),
  publish: async () => 0,
  invalidate: async () => {},
};
makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, coherence: { namespace: point } });
// @ts-expect-error: l1 takes maxEntries and ttl
makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE }, l1: { size: 3 } });
void CoherenceCoordinator;

// Node over Redis (types only).
import { RedisBackend, RedisCoherence, type NodeRedisClientLike } from "edgepile";
declare const client: NodeRedisClientLike; // createClient({ url, disableOfflineQueue: true }) from "redis"
const redisRegion = makeRegion().configure("edgepile.redis", {
  expirationTime: 300,
  backendTimeout: 0.5,
  arguments: { url: "redis://127.0.0.1:6379", staleTtl: 60, lockTimeout: 5, leaseTtl: 10 },
});
makeRegion().configure("edgepile.redis", { arguments: { client, distributedLock: false } });
makeRegion().configure("edgepile.cloudflare_kv", { arguments: { namespace: env.CACHE, distributedLock: true } });
// @ts-expect-error: KV lease keys need KV; a memory region takes lockNamespace
makeRegion().configure("edgepile.memory", { arguments: { distributedLock: true } });
void redisRegion.actualBackend.close?.();
void redisRegion.actualBackend.bus?.subscribe("edgepile", (m: string) => console.log(m), { onReconnect: () => {} });
const typedBackend: RedisBackend = new RedisBackend({ url: "redis://127.0.0.1:6379" });
void typedBackend.leases?.acquire("k", 30);
const redisPoint = new RedisCoherence({ url: "redis://127.0.0.1:6379", pubsub: true });
makeRegion().configure("edgepile.redis", { arguments: { client }, l1: { ttl: 60 }, coherence: { namespace: redisPoint, interval: 1 } });
void redisPoint.close();
// @ts-expect-error: url and client are exclusive
makeRegion().configure("edgepile.redis", { arguments: { url: "redis://h", client } satisfies import("edgepile").RedisArguments });

// Tags (types only).
const taggedRegion = makeRegion().configure("edgepile.memory");
void taggedRegion.getOrCreate("k", () => 1, { tags: ["user:42"] });
void taggedRegion.set("k", 1, { tags: ["user:42"] });
void taggedRegion.invalidateTags(["user:42"], { hard: false });
const byUser = taggedRegion.cacheOnArguments(async function byUser(id: number, org: string) {
  return { id, org };
}, { tags: (id, org) => [`user:${id}`, `org:${org}`] });
void byUser(1, "x");
// @ts-expect-error: tags are strings
void taggedRegion.set("k", 1, { tags: [1] });

// Early refresh (types only).
const earlyRegion = makeRegion({ random: Math.random }).configure("edgepile.memory", { expirationTime: 60, earlyRefresh: true });
makeRegion().configure("edgepile.memory", { earlyRefresh: { beta: 2 } });
void earlyRegion.getOrCreate("k", () => 1, { earlyRefresh: false });
void earlyRegion.getOrCreate("k", () => 1, { earlyRefresh: { beta: 0.5 } });
const early = earlyRegion.cacheOnArguments(async function early(id: number) {
  return id;
}, { earlyRefresh: true });
void early(1);
const took: number | undefined = new CachedValue(1, { ct: 1, v: 1, d: 0.2 }).metadata.d;
void took;
// @ts-expect-error: β is a number
void earlyRegion.getOrCreate("k", () => 1, { earlyRefresh: { beta: "2" } });

// KV-aware writes (types only).
const writeStats = earlyRegion.stats();
const written: number = writeStats.deferredWrites + writeStats.retriedWrites + writeStats.droppedWrites;
void written;
earlyRegion.on("writeDropped", (e) => console.log(e.key, e.error));
// Values (docs/values.md) and checkValue / migrate / valueVersion (types only).
type Order = { id: number; createdAt: Date; tags: Set<string>; total: bigint };
const isOrder = (v: unknown): boolean => typeof v === "object" && v !== null && "createdAt" in v;
const zodLike = { safeParse: (v: unknown) => (isOrder(v) ? { success: true as const, data: v as Order } : { success: false as const }) };
const standardLike = { "~standard": { validate: (v: unknown) => (isOrder(v) ? { value: v as Order } : { issues: ["not an order"] }) } };
const orders = makeRegion().configure("edgepile.cloudflare_kv", {
  arguments: { namespace: env.CACHE },
  valueVersion: 2,
  checkValue: isOrder,
  migrate: (v) => (typeof v === "object" && v !== null && !("tags" in v) ? { ...v, tags: new Set<string>() } : undefined),
});
void orders.getOrCreate("o:1", (): Order => ({ id: 1, createdAt: new Date(), tags: new Set(["a"]), total: 10n }), {
  checkValue: zodLike,
});
void orders.getOrCreate("o:2", () => new Map<string, Date>([["at", new Date()]]), { checkValue: (v) => v instanceof Map, migrate: () => NO_VALUE });
void orders.set("bytes", new Float64Array([1.5]));
const loadOrder = orders.cacheOnArguments(async (id: number): Promise<Order> => ({ id, createdAt: new Date(), tags: new Set(), total: 0n }), {
  checkValue: standardLike,
});
void loadOrder(1);
// @ts-expect-error: checkValue takes a function or a schema
makeRegion().configure("edgepile.memory", { checkValue: 1 });
// @ts-expect-error: class instances cannot be stored (a Promise among them)
void orders.set("p", Promise.resolve(1));

// A region's actualBackend is as synchronous as its backend (types only).
import type { StoredItem as Item } from "edgepile";
const inIsolate: Item = makeRegion().configure("edgepile.memory").actualBackend.get("k");
const listed: string[] = makeRegion().configure("edgepile.null").actualBackend.keys();
const fromKv: Promise<Item> = kvRegion.actualBackend.get("k");
// @ts-expect-error: KV answers asynchronously
const notSync: Item = kvRegion.actualBackend.get("k");
const doKeys: Promise<string[]> = makeRegion()
  .configure("edgepile.durable_object", { arguments: { namespace: env.LEASES } })
  .actualBackend.keys();
console.log(inIsolate, listed, fromKv, notSync, doKeys);

// arguments are the named backend's own (types only).
// @ts-expect-error: edgepile.memory takes no namespace
makeRegion().configure("edgepile.memory", { arguments: { namespace: env.CACHE } });
// @ts-expect-error: edgepile.cloudflare_kv needs its namespace
makeRegion().configure("edgepile.cloudflare_kv", { arguments: { staleTtl: 60 } });
// @ts-expect-error: maxEntries is a number
makeRegion().configure("edgepile.memory", { arguments: { maxEntries: "100" } });
// @ts-expect-error: an object backend takes lease settings only
makeRegion().configure(new Map() as unknown as import("edgepile").BackendObject, { arguments: { maxEntries: 1 } });

// A registered backend joins configure's names through BackendArguments (types only).
import { registerBackend, type BackendObject } from "edgepile";
declare module "edgepile" {
  interface BackendArguments {
    "usage.disk": { dir: string };
  }
}
declare const disk: (dir: string) => BackendObject;
registerBackend("usage.disk", (args) => disk(args.dir));
makeRegion().configure("usage.disk", { arguments: { dir: "/tmp/cache" } });
// @ts-expect-error: dir is a string
makeRegion().configure("usage.disk", { arguments: { dir: 1 } });
// @ts-expect-error: the factory of a declared name gets its arguments
registerBackend("usage.disk", (args) => disk(args.path));
// @ts-expect-error: registered at run time but not declared: unknown to the types
makeRegion().configure("usage.undeclared");
