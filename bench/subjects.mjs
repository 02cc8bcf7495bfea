// Every subject of the benchmark: one Worker each, bundled and run on its own.
// `store`: where values live (memory: in the isolate; kv: Workers KV); `baseline`: the
// no-library subject the others are compared with; `lease`: what coordinates isolates.
export const SUBJECTS = [
  { id: "map", label: "no library: Map", store: "memory", baseline: true },
  { id: "edgepile-memory", label: "edgepile", store: "memory", edgepile: true },
  { id: "edgepile-memory-listening", label: "edgepile, a hit listener on", store: "memory", edgepile: true, speedOnly: true },
  { id: "cachified-lru", label: "cachified + lru-cache", store: "memory" },
  { id: "bentocache-memory", label: "bentocache (memory driver)", store: "memory" },
  { id: "cache-manager-memory", label: "cache-manager 7 + keyv (memory)", store: "memory" },
  { id: "kv-baseline", label: "no library: KV get/put", store: "kv", baseline: true },
  { id: "edgepile-kv", label: "edgepile, KV", store: "kv", edgepile: true, lease: "none" },
  { id: "edgepile-kv-do", label: "edgepile, KV + DO lease", store: "kv", edgepile: true, lease: "Durable Object" },
  { id: "edgepile-kv-lease", label: "edgepile, KV + KV lease", store: "kv", edgepile: true, lease: "KV keys" },
  { id: "cachified-kv", label: "cachified + adapter-cloudflare-kv", store: "kv" },
  { id: "cache-manager-kv", label: "cache-manager 7 + keyv (KV store)", store: "kv" },
];

export const entry = (subject) => `bench/workers/${subject.id}.js`;
