// What the dashboard plots, kept in this isolate: request latencies (cached vs uncached) as
// histograms, and per-second counts of hits, misses, stale serves and regenerations.
const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, Infinity];
const TIMELINE_SECONDS = 120;

const histograms = { cached: new Array(BUCKETS_MS.length).fill(0), uncached: new Array(BUCKETS_MS.length).fill(0) };
const timeline = new Map(); // epoch second → counts

function second(now = Date.now()) {
  const s = Math.floor(now / 1000);
  if (!timeline.has(s)) {
    timeline.set(s, { t: s, hit: 0, miss: 0, stale: 0, regenerationStart: 0 });
    for (const old of timeline.keys()) if (old < s - TIMELINE_SECONDS) timeline.delete(old);
  }
  return timeline.get(s);
}

/** Subscribes to a region's events. */
export function watch(region) {
  region.on("*", (e) => {
    const slot = second();
    if (e.type in slot) slot[e.type]++;
  });
}

export function recordLatency(cached, ms) {
  const i = BUCKETS_MS.findIndex((b) => ms <= b);
  histograms[cached ? "cached" : "uncached"][i]++;
}

export function snapshot() {
  return {
    buckets: BUCKETS_MS.map((b) => (b === Infinity ? null : b)),
    histograms,
    timeline: [...timeline.values()].sort((a, b) => a.t - b.t),
  };
}
