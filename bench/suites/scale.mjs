// The hit path at scale: a Zipf(1.1) popularity over 1, 1,000 and 100,000 keys, with no writes,
// with a delete every 100th operation (the key is created again on its next miss) and with a
// set every 100th. Every library replays the same seeded sequence, so the misses (creator
// calls) are the same work for all; they are reported to show it. Also the miss path on its
// own: delete one key and get-or-create it again, `cycles` times.
import { median } from "../../scripts/workerd-harness.mjs";
import { launch } from "../launch.mjs";

export const SCALE_KEYS = [1, 1000, 100_000];
export const SCALE_WRITES = ["none", "delete", "set"];
const CYCLE_PREFILL = 1000;

async function timed(run, path) {
  const t0 = process.hrtime.bigint();
  const res = await run.mf.dispatchFetch(`http://bench${path}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return { ns: Number(process.hrtime.bigint() - t0), text };
}

/** ns per operation of `path?n=`: medians of `rounds` requests of n operations less an empty one. */
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
  return { median: median(per), min: Math.min(...per), max: Math.max(...per), last: text };
}

export async function scale(subjects, { n, cycles, rounds }) {
  const rows = [];
  for (const subject of subjects.filter((s) => s.scale)) {
    const run = await launch(subject, { inspect: true });
    try {
      // First, over a store of 1,000 other keys: not empty (lru-cache clears its whole
      // preallocated arrays when its last entry goes, 1 ms a cycle at 200,000 slots) and not the
      // store the whole workload leaves (a Map that large rehashes often under a delete/insert
      // cycle, whichever library holds it).
      // Over KV (the L1 row) the cycle is KV's round trips, not the library's CPU: not timed.
      let cycle = null;
      if (subject.store === "memory") {
        await run.get(`/scale-prep?n=${CYCLE_PREFILL}&keys=${CYCLE_PREFILL}&write=none`);
        await run.get(`/scale?n=${CYCLE_PREFILL}`);
        const { last: _, ...timed } = await perOp(run, "/cycle", cycles, rounds);
        cycle = timed;
      }
      const cells = [];
      for (const keys of SCALE_KEYS) {
        for (const write of SCALE_WRITES) {
          await run.get(`/scale-prep?n=${n}&keys=${keys}&write=${write}`);
          const { last, ...t } = await perOp(run, "/scale", n, rounds);
          cells.push({ keys, write, ...t, misses: Number(last) });
        }
      }
      // The heap once every cell has run: every library holds the same 100,000 keys' values.
      const heapBytes = await run.heap();
      rows.push({ id: subject.id, label: subject.label, cells, cycle, heapBytes });
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
