// Bytes stored in KV per entry (value + metadata, as written through the counting binding) for
// each payload shape, and the ratio to the no-library JSON baseline and to cachified.
import { launch } from "../launch.mjs";
import { isLeaseVariant } from "../subjects.mjs";

export const SHAPES = ["small", "document", "integers", "floats", "dated"];

export async function stored(subjects) {
  const rows = [];
  for (const subject of subjects) {
    // One row per way of writing KV: lease and L1 variants write what their base subject does,
    // and speed-only subjects (a Cache API tier) write no KV at all.
    if (subject.store !== "kv" || isLeaseVariant(subject) || subject.l1 || subject.speedOnly) continue;
    const run = await launch(subject);
    try {
      const row = { id: subject.id, label: subject.label, shapes: {} };
      for (const shape of SHAPES) {
        const w = await run.get(`/store?key=stored&shape=${shape}`);
        row.shapes[shape] = { value: w.valueBytes, metadata: w.metadataBytes, total: w.valueBytes + w.metadataBytes };
      }
      rows.push(row);
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
