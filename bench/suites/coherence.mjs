// The coherence point: how long an invalidation takes to reach every isolate, and how many
// checks one CoherenceCoordinator answers per second in local workerd.
//
// Lag: 8 isolates (Workers) poll one key every `pollMs`; isolate 0 invalidates it (hard); the
// lag of an isolate is the time from the invalidation to its first answer with the new value.
// The bound is the coherence interval plus one check and one creation.
import { Miniflare } from "miniflare";
import { bundle, median, workerOptions } from "../../scripts/workerd-harness.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(isolates) {
  const dir = await bundle("bench-coherence", "bench/workers/coherence.js");
  const shared = (i, className) => (i === 0 ? className : { className, scriptName: "c0" });
  const mf = new Miniflare({
    workers: Array.from({ length: isolates }, (_, i) => ({
      name: `c${i}`,
      ...workerOptions(dir, {
        kvNamespaces: { KV: "bench-coherence" },
        durableObjects: { LEASES: shared(i, "LeaseCoordinator"), COHERENCE: shared(i, "CoherenceCoordinator") },
      }),
    })),
  });
  await mf.ready;
  const workers = await Promise.all(Array.from({ length: isolates }, (_, i) => mf.getWorker(`c${i}`)));
  const get = async (i, path) => (await workers[i].fetch(`http://c${path}`)).json();
  return { mf, get };
}

export async function coherence({ isolates = 8, interval = 1, trials = 5, pollMs = 20, checks = 2000 }) {
  const run = await start(isolates);
  try {
    const lags = [];
    for (let t = 0; t < trials; t++) {
      const key = `lag-${t}`;
      const path = `/read?key=${key}&interval=${interval}`;
      const first = await run.get(0, path);
      await Promise.all(Array.from({ length: isolates }, (_, i) => run.get(i, path)));
      await sleep(interval * 1000 * 1.2); // every isolate has checked since
      const t0 = Date.now();
      await run.get(0, "/invalidate");
      const seen = await Promise.all(
        Array.from({ length: isolates }, async (_, i) => {
          for (;;) {
            const v = await run.get(i, path);
            if (v.n !== first.n || v.by !== first.by) return Date.now() - t0;
            await sleep(pollMs);
          }
        }),
      );
      lags.push(Math.max(...seen));
    }
    // Checks per second: `checks` concurrent checks from one isolate, timed from Node.
    await run.get(0, "/checks?n=100");
    const t0 = process.hrtime.bigint();
    await run.get(0, `/checks?n=${checks}`);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { isolates, interval, trials, pollMs, lagMs: { median: median(lags), max: Math.max(...lags), all: lags }, checksPerSecond: checks / seconds };
  } finally {
    await run.mf.dispose();
  }
}
