// Constant load across expiries: callers arrive every few ms on one key with a 1 s TTL while
// values expire and are regenerated. A "stale window" is a burst of creator calls starting
// within half a TTL of each other; the ideal is one regeneration per window and no caller
// waiting on a creation.
import { launch } from "../launch.mjs";

export async function expiry(subjects, { seconds, every, callers, creatorMs }) {
  const rows = [];
  for (const subject of subjects) {
    if (subject.speedOnly) continue;
    const run = await launch(subject);
    try {
      const load = await run.get(`/load?key=expiring&seconds=${seconds}&every=${every}&callers=${callers}&ms=${creatorMs}`);
      rows.push({
        id: subject.id,
        label: subject.label,
        store: subject.store,
        ...load,
        perWindow: load.regenerations / Math.max(1, load.windows),
      });
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
