// Hit latency through each library's get-or-create path: memory subjects and KV subjects, each
// in a Worker of its own, timed from Node (see scripts/workerd-harness.mjs), as ratios to the
// no-library subject of the same store measured in the same run.
import { nsPerOp } from "../../scripts/workerd-harness.mjs";
import { launch } from "../launch.mjs";
import { isLeaseVariant } from "../subjects.mjs";

export async function speed(subjects, { n, kvN, rounds }) {
  const rows = [];
  for (const subject of subjects) {
    if (isLeaseVariant(subject)) continue;
    const run = await launch(subject);
    try {
      const ops = subject.store === "kv" && !subject.l1 ? kvN : n; // an L1 hit is a memory-speed hit
      rows.push({ id: subject.id, label: subject.label, store: subject.store, n: ops, ...(await nsPerOp(run.mf, { n: ops, rounds })) });
    } finally {
      await run.dispose();
    }
  }
  for (const row of rows) {
    const base = rows.find((r) => r.store === row.store && subjects.find((s) => s.id === r.id).baseline);
    row.vsBaseline = row.median / base.median;
  }
  return rows;
}
