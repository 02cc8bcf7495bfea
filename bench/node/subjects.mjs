// The Node/Redis subjects: each library's get-or-create over one Redis URL.
export const REDIS_SUBJECTS = [
  { id: "edgepile-redis", label: "edgepile", l1: "–", lock: "Redis lease", module: "edgepile.mjs", options: {} },
  {
    id: "edgepile-redis-l1",
    label: "edgepile, memory L1 + Redis",
    l1: "memory",
    lock: "Redis lease",
    module: "edgepile.mjs",
    options: { l1: { maxEntries: 10_000 } },
  },
  {
    id: "edgepile-redis-nolock",
    label: "edgepile, distributedLock: false",
    l1: "–",
    lock: "none",
    module: "edgepile.mjs",
    options: { distributedLock: false },
  },
  {
    id: "bentocache-redis-l1",
    label: "bentocache, memory L1 + Redis",
    l1: "memory",
    lock: "none",
    module: "bentocache.mjs",
    options: { l1: true },
  },
  { id: "bentocache-redis", label: "bentocache, Redis only", l1: "–", lock: "none", module: "bentocache.mjs", options: { l1: false } },
  { id: "cache-manager-redis", label: "cache-manager 7 + @keyv/redis", l1: "–", lock: "none", module: "cache-manager.mjs", options: {} },
];

/** The subject's { getOrCreate(key, create), close() } over `url`. */
export async function openSubject(subject, url) {
  const { open } = await import(new URL(`./subjects/${subject.module}`, import.meta.url));
  return open(url, subject.options);
}
