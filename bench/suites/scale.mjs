// The hit path at scale: a Zipf(1.1) popularity over 1, 1,000 and 100,000 keys, with no writes,
// with a delete every 100th operation (the key is created again on its next miss) and with a
// set every 100th. Every library replays the same seeded sequence, so the misses (creator
// calls) are the same work for all; they are reported to show it. Also the miss path on its
// own: delete one key and get-or-create it again, `cycles` times.
//
// Each subject runs the whole suite in SCALE_LAUNCHES fresh launches, and each figure is the
// median of every round of every launch: a cell timed minutes after another in one launch moves
// with the machine (on these 2 cores, by as much as 1 key and 100,000 keys differ), and a launch
// moves everything in it, its 100,000-key cells most (where the process lands, the heap's
// layout): one launch's growth from 1 to 100,000 keys ranged 1.10-1.59x for the same code, so
// five launches, not three, make each figure.
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

/** ns per operation of `path?n=`, one per round: `rounds` requests of n operations, each less an
 * empty one; `last` is the last request's answer. */
async function perOp(run, path, n, rounds) {
  await timed(run, `${path}?n=${n}`); // warm up: JIT, first misses
  const per = [];
  let text;
  for (let r = 0; r < rounds; r++) {
    const empty = median([(await timed(run, `${path}?n=0`)).ns, (await timed(run, `${path}?n=0`)).ns]);
    const full = await timed(run, `${path}?n=${n}`);
    per.push(Math.max(0, full.ns - empty) / n);
    text = full.text;
  }
  return { per, last: text };
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
        // First, over a store of 1,000 other keys: not empty (lru-cache clears its whole
        // preallocated arrays when its last entry goes, 1 ms a cycle at 200,000 slots) and not the
        // store the whole workload leaves (a Map that large rehashes often under a delete/insert
        // cycle, whichever library holds it).
        // Over KV (the L1 row) the cycle is KV's round trips, not the library's CPU: not timed.
        if (subject.store === "memory") {
          await run.get(`/scale-prep?n=${CYCLE_PREFILL}&keys=${CYCLE_PREFILL}&write=none`);
          await run.get(`/scale?n=${CYCLE_PREFILL}`);
          cycle.push(...(await perOp(run, "/cycle", cycles, rounds)).per);
        }
        for (const keys of SCALE_KEYS) {
          for (const write of SCALE_WRITES) {
            await run.get(`/scale-prep?n=${n}&keys=${keys}&write=${write}`);
            const { per, last } = await perOp(run, "/scale", n, rounds);
            const cell = cells.get(`${keys}/${write}`) ?? { keys, write, per: [], misses: 0 };
            cell.per.push(...per);
            cell.misses = Number(last); // the same in every launch: a seeded sequence
            cells.set(`${keys}/${write}`, cell);
          }
        }
        // The heap once every cell has run: every library holds the same 100,000 keys' values.
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
