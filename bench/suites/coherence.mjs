// The coherence point: how long an invalidation takes to reach every isolate, and how many
// checks one CoherenceCoordinator answers per second in local workerd.
//
// Lag: 8 isolates (Workers) poll one key every `pollMs` with get(), which serves fresh values only;
// isolate 0 invalidates it (hard); the lag of an isolate is the time from the invalidation to its
// first answer that the value is gone. The bound is the coherence interval plus one check (what
// follows, one creation under the lease, is the stampede suites' subject).
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
      await run.get(0, path);
      await Promise.all(Array.from({ length: isolates }, (_, i) => run.get(i, path)));
      // Every isolate polls throughout, so its last check falls anywhere in the interval when
      // the invalidation arrives: the lag then ranges over what a real isolate under load sees.
      let t0 = Infinity;
      const seen = Promise.all(
        Array.from({ length: isolates }, async (_, i) => {
          for (;;) {
            const { invalidated } = await run.get(i, `/seen?key=${key}&interval=${interval}`);
            if (invalidated && Date.now() >= t0) return Date.now() - t0;
            await sleep(pollMs);
          }
        }),
      );
      await sleep(interval * 1000 * (1.3 + 0.4 * (t / Math.max(1, trials - 1)))); // a different phase per trial
      t0 = Date.now();
      await run.get(0, "/invalidate");
      const lagsOfTrial = await seen;
      lags.push(Math.max(...lagsOfTrial));
    }
    // Checks per second: `checks` concurrent checks from one isolate, timed from Node.
    await run.get(0, "/checks?n=100");
    const t0 = process.hrtime.bigint();
    await run.get(0, `/checks?n=${checks}`);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return {
      isolates,
      interval,
      trials,
      pollMs,
      lagMs: { median: median(lags), max: Math.max(...lags), all: lags },
      checksPerSecond: checks / seconds,
    };
  } finally {
    await run.mf.dispose();
  }
}
