// A write burst: `n` sets of one key within `seconds` from one isolate, with Workers KV's
// one-write-per-key-per-second limit enforced as production does (local KV does not): KV writes
// made, writes KV refused (429), errors callers saw, and whether the last value is what is stored.
import { launch } from "../launch.mjs";
import { isLeaseVariant } from "../subjects.mjs";

export async function writeBurst(subjects, { n, seconds }) {
  const rows = [];
  for (const subject of subjects) {
    if (subject.store !== "kv" || isLeaseVariant(subject) || subject.l1) continue;
    const run = await launch(subject);
    try {
      const out = await run.get(`/burst?key=burst&n=${n}&seconds=${seconds}`);
      if (!out.unsupported) rows.push({ id: subject.id, label: subject.label, ...out });
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
