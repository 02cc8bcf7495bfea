// The hit path at scale: a Zipf(1.1) popularity over 1, 1,000 and 100,000 keys, with no writes,
// with a delete every 100th operation (the key is created again on its next miss) and with a
// set every 100th. Every library replays the same seeded sequence, so the misses (creator
// calls) are the same work for all; they are reported to show it. Also the miss path on its
// own: delete one key and get-or-create it again, `cycles` times.
//
// In memory, each write mix has a store of its own, which its three key counts share (a delete
// cell must not make misses in a no-writes cell), and the cycle has a fourth. In a launch every
// cell is prepared and run once (JIT, first misses), then the rounds take turns: round r of the
// cycle and of every cell, then round r + 1. This machine's speed changes in windows of a second or
// more (the same cycle measured 5 µs in some and 11 µs in others, minutes apart); with a cell's
// rounds back to back, one cell could fall in a slow window and the next in a fast one, which
// moved the growth from 1 to 100,000 keys by as much as it measures. Taking turns spreads every
// cell's rounds over the whole launch, so the cells compared share the same windows.
// Each subject runs the suite in SCALE_LAUNCHES fresh launches, the subjects' launches taking
// turns, and each figure is the median of every round of every launch.
import { median } from "../../scripts/workerd-harness.mjs";
import { launch } from "../launch.mjs";

export const SCALE_KEYS = [1, 1000, 100_000];
export const SCALE_WRITES = ["none", "delete", "set"];
export const SCALE_LAUNCHES = 5;
const CYCLE_PREFILL = 1000;

async function timed(run, path) {
  const t0 = process.hrtime.bigint();
  const res = await run.mf.dispatchFetch(`http://bench${path}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return { ns: Number(process.hrtime.bigint() - t0), text };
}

/** One round of `path` (n operations; `sep` joins the n parameter): ns per operation, less an
 * empty request, and the request's answer. */
async function round(run, path, sep, n) {
  const empty = median([(await timed(run, `${path}${sep}n=0`)).ns, (await timed(run, `${path}${sep}n=0`)).ns]);
  const full = await timed(run, `${path}${sep}n=${n}`);
  return { per: Math.max(0, full.ns - empty) / n, text: full.text };
}

/** `{ median, min, max }` of every round's figure. */
function summary(per) {
  return { median: median(per), min: Math.min(...per), max: Math.max(...per) };
}

export async function scale(subjects, { n, cycles, rounds, launches = SCALE_LAUNCHES }) {
  const runs = subjects.filter((s) => s.scale).map((subject) => ({ subject, cycle: [], cells: new Map(), heaps: [] })); // cells: "keys/write" → { keys, write, per, misses }
  // Launch l of every subject, then launch l + 1: whatever drifts on the machine during the suite
  // lands on every library alike, not on whichever ran last.
  for (let l = 0; l < launches; l++) {
    for (const { subject, cycle, cells, heaps } of runs) {
      const run = await launch(subject, { inspect: true });
      try {
        // The cycle's store first holds 1,000 other keys: not empty (lru-cache clears its whole
        // preallocated arrays when its last entry goes, 1 ms a cycle at 200,000 slots) and not
        // as large as the cells' stores (a Map that large rehashes often under a delete/insert
        // cycle, whichever library holds it).
        // Over KV (the L1 row) the cycle is KV's round trips, not the library's CPU: not timed.
        const timedCycle = subject.store === "memory";
        if (timedCycle) {
          await run.get(`/scale-prep?cell=prefill&n=${CYCLE_PREFILL}&keys=${CYCLE_PREFILL}&write=none&store=cycle`);
          await run.get(`/scale?cell=prefill&n=${CYCLE_PREFILL}`);
          await timed(run, `/cycle?n=${cycles}`);
        }
        const order = SCALE_KEYS.flatMap((keys) => SCALE_WRITES.map((write) => ({ keys, write, id: `${keys}/${write}` })));
        // In memory every cell's rounds take turns (with the cycle's). Over KV (the L1 row) a cell's
        // cost is KV's and the coherence point's round trips, not the machine's windows, and a store
        // per write mix would fill KV twice over (its 100,000-key delete cell went from ~50 to ~190
        // µs an operation): its Worker keeps one store, and each cell's rounds run back to back.
        const groups = subject.store === "memory" ? [order] : order.map((c) => [c]);
        for (const group of groups) {
          for (const { keys, write, id } of group) {
            await run.get(`/scale-prep?cell=${id}&n=${n}&keys=${keys}&write=${write}`);
            await timed(run, `/scale?cell=${id}&n=${n}`); // JIT, first misses
          }
          for (let r = 0; r < rounds; r++) {
            if (timedCycle) cycle.push((await round(run, "/cycle", "?", cycles)).per);
            for (const { keys, write, id } of group) {
              const { per, text } = await round(run, `/scale?cell=${id}`, "&", n);
              const cell = cells.get(id) ?? { keys, write, per: [], misses: 0 };
              cell.per.push(per);
              cell.misses = Number(text); // the same in every launch: a seeded sequence
              cells.set(id, cell);
            }
          }
        }
        // The heap once every cell has run: every library holds the same keys' values in as many stores.
        heaps.push(await run.heap());
      } finally {
        await run.dispose();
      }
    }
  }
  return runs.map(({ subject, cycle, cells, heaps }) => ({
    id: subject.id,
    label: subject.label,
    cells: [...cells.values()].map(({ per, ...cell }) => ({ ...cell, ...summary(per) })),
    cycle: cycle.length > 0 ? summary(cycle) : null,
    heapBytes: heaps.includes(undefined) ? undefined : median(heaps), // undefined: not measured
  }));
}
