// Hit latency through each library's get-or-create path: memory subjects and KV subjects, each
// in a Worker of its own, timed from Node (see scripts/workerd-harness.mjs), as ratios to the
// no-library subject of the same store measured in the same run.
//
// A KV hit is mostly the local KV store's own work (~250 µs), and two launches of one Worker
// differ by a few percent (process placement, the store's files), as much as the libraries
// differ. So the KV subjects run side by side: in one workerd, a Worker and a KV namespace each,
// their rounds interleaved (each round times every subject in turn), over several launches; the
// figure is the median of every round of every launch, and its ratio to the baseline the median
// of each round's ratio.
import { median, nsPerOp, roundNs, timeRequest } from "../../scripts/workerd-harness.mjs";
import { launch, launchTogether } from "../launch.mjs";
import { isLeaseVariant } from "../subjects.mjs";

export const KV_LAUNCHES = 5;

const sideBySide = (subject) => subject.store === "kv" && !subject.l1;

export async function speed(subjects, { n, kvN, rounds, launches = KV_LAUNCHES }) {
  const measured = subjects.filter((s) => !isLeaseVariant(s));
  const rows = [];
  for (const subject of measured.filter((s) => !sideBySide(s))) {
    const run = await launch(subject);
    try {
      rows.push({ id: subject.id, label: subject.label, store: subject.store, n, ...(await nsPerOp(run.mf, { n, rounds })) });
    } finally {
      await run.dispose();
    }
  }
  const kv = measured.filter(sideBySide);
  const per = await interleaved(kv, { n: kvN, rounds, launches });
  for (const subject of kv) {
    const xs = per.get(subject.id) ?? [];
    rows.push({
      id: subject.id,
      label: subject.label,
      store: subject.store,
      n: kvN,
      median: median(xs),
      min: Math.min(...xs),
      max: Math.max(...xs),
    });
  }
  for (const row of rows) {
    const base = rows.find((r) => r.store === row.store && subjects.find((s) => s.id === r.id)?.baseline);
    row.vsBaseline = base ? row.median / base.median : NaN;
    // Side by side, each round times every subject within a second or so of the baseline: the
    // median of those paired ratios leaves out what drifts between rounds.
    const xs = per.get(row.id);
    const bs = base && per.get(base.id);
    if (xs && bs && xs.length === bs.length) row.vsBaseline = median(xs.map((x, i) => x / bs[i]));
  }
  const order = new Map(subjects.map((s, i) => [s.id, i]));
  return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** ns per operation of each subject, every round of every launch: `id → number[]`. */
async function interleaved(subjects, { n, rounds, launches }) {
  const per = new Map(subjects.map((s) => [s.id, []]));
  for (let l = 0; l < launches; l++) {
    const { fetchers, dispose } = await launchTogether(subjects);
    try {
      for (const f of fetchers.values()) await timeRequest(f, n); // warm up: JIT, first miss
      for (let r = 0; r < rounds; r++) {
        // A different subject goes first each round: none always follows the same neighbour.
        for (let i = 0; i < subjects.length; i++) {
          const subject = subjects[(i + r + l) % subjects.length];
          per.get(subject.id)?.push(await roundNs(fetchers.get(subject.id), n));
        }
      }
    } finally {
      await dispose();
    }
  }
  return per;
}
