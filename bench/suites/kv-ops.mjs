// What each library asks of the store: KV operations per hit, for one cold miss, and for a
// stampede of concurrent cold calls in one isolate (plus creator calls, for every subject).
import { countsOf, launch } from "../launch.mjs";

export async function kvOps(subjects, { stampedes, hits }) {
  const rows = [];
  for (const subject of subjects) {
    if (subject.speedOnly) continue;
    const run = await launch(subject);
    try {
      const row = { id: subject.id, label: subject.label, store: subject.store, stampede: {} };
      await run.get(`/?n=1`); // the hit key exists
      await run.get("/reset");
      await run.get(`/?n=${hits}`);
      const hit = await countsOf(run);
      row.hit = {
        reads: hit.reads / hits,
        writes: hit.writes / hits,
        deletes: hit.deletes / hits,
        lists: hit.lists / hits,
        creatorCalls: hit.creatorCalls,
      };
      await run.get("/reset");
      await run.get("/one?key=cold&ms=0");
      row.miss = await countsOf(run);
      for (const n of stampedes) {
        await run.get("/reset");
        const { wrong } = await run.get(`/stampede?n=${n}&key=stampede-${n}&ms=50`);
        row.stampede[n] = { ...(await countsOf(run)), wrong };
      }
      rows.push(row);
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
