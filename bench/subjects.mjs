// Every subject of the benchmark: one Worker each, bundled and run on its own.
// `store`: where values live (memory: in the isolate; kv: Workers KV); `baseline`: the
// no-library subject the others are compared with; `lease`: what coordinates isolates;
// `l1`: an in-isolate tier over a shared store (hits at memory speed); `coherence`: it binds the
// CoherenceCoordinator;
// `speedOnly`: a variant measured for hit latency alone; `scale`: it answers the scale suite
// (its Worker's `scale(name)` makes a store that holds all of the suite's keys, with a
// get-or-create, a delete and a set; bench/workers/lib/serve.js).
export const SUBJECTS = [
  { id: "map", label: "no library: Map", store: "memory", baseline: true, scale: true },
  { id: "edgepile-memory", label: "edgepile", store: "memory", scale: true },
  { id: "edgepile-decorated", label: "edgepile, cacheOnArguments", store: "memory", speedOnly: true, scale: true },
  { id: "edgepile-memory-listening", label: "edgepile, a hit listener on", store: "memory", speedOnly: true },
  { id: "edgepile-tagged", label: "edgepile, tagged values", store: "memory", speedOnly: true },
  { id: "cachified-lru", label: "cachified + lru-cache", store: "memory", scale: true },
  { id: "bentocache-memory", label: "bentocache (memory driver)", store: "memory", scale: true },
  { id: "bentocache-tagged", label: "bentocache (memory driver), tagged values", store: "memory", speedOnly: true },
  { id: "cache-manager-memory", label: "cache-manager 7 + keyv (memory)", store: "memory", scale: true },
  { id: "kv-baseline", label: "no library: KV get/put", store: "kv", baseline: true },
  { id: "edgepile-kv", label: "edgepile, KV", store: "kv", lease: "none" },
  { id: "edgepile-kv-do", label: "edgepile, KV + DO lease", store: "kv", lease: "Durable Object" },
  { id: "edgepile-kv-lease", label: "edgepile, KV + KV lease", store: "kv", lease: "KV keys" },
  {
    id: "edgepile-kv-l1",
    label: "edgepile, KV + L1 + coherence (DO)",
    store: "kv",
    lease: "Durable Object",
    l1: true,
    coherence: true,
    scale: true,
  },
  { id: "unkey-tiered", label: "@unkey/cache: memory + Cache API tiers", store: "kv", l1: true, speedOnly: true },
  { id: "cachified-kv", label: "cachified + adapter-cloudflare-kv", store: "kv" },
  { id: "cache-manager-kv", label: "cache-manager 7 + keyv (KV store)", store: "kv" },
];

/**
 * The KV subjects over a KV binding kept in the isolate (bench/workers/lib/memory-kv.js): the
 * warm KV-hit suite, where the store's own cost nearly vanishes and the library's CPU is left.
 */
export const WARM_KV_SUBJECTS = ["kv-baseline", "edgepile-kv", "cachified-kv", "cache-manager-kv"].map((id) => {
  const { label, baseline } = SUBJECTS.find((s) => s.id === id) ?? { label: id };
  return { id: `warm-${id}`, label, store: "kv", ...(baseline ? { baseline } : {}) };
});

/** Subjects of the expiry suite alone: edgepile with early refresh, beside the others there. */
export const EARLY_SUBJECTS = [
  { id: "edgepile-memory-early", label: "edgepile, early refresh", store: "memory" },
  { id: "edgepile-kv-do-early", label: "edgepile, KV + DO lease, early refresh", store: "kv", lease: "Durable Object" },
];

export const entry = (subject) => `bench/workers/${subject.id}.js`;

/** A KV subject that differs from another only in its cross-isolate lock: same hits, same bytes. */
export const isLeaseVariant = (subject) => subject.lease !== undefined && subject.lease !== "none" && !subject.l1;
