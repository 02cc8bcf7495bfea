// A stampede across isolates: `calls` concurrent cold requests for one key spread round-robin
// over `isolates` copies of the subject sharing one KV namespace (and one LeaseCoordinator for
// the Durable Object lease). Only stores shared between isolates apply.
import { countsOf, launch } from "../launch.mjs";

export async function acrossIsolates(subjects, { isolates, calls, creatorMs }) {
  const rows = [];
  for (const subject of subjects) {
    if (subject.store !== "kv") continue;
    const run = await launch(subject, { isolates });
    try {
      await Promise.all(Array.from({ length: isolates }, (_, i) => run.get("/reset", i)));
      // A request can fail, e.g. when workerd cancels one that waits on another request's
      // promise as hung; failures are counted, not thrown.
      const answers = await Promise.all(
        Array.from({ length: calls }, (_, c) =>
          run.get(`/one?key=spread&ms=${creatorMs}`, c % isolates).catch((e) => ({ failed: String(e.message).slice(0, 200) })),
        ),
      );
      const failed = answers.filter((a) => a.failed);
      rows.push({
        id: subject.id,
        label: subject.label,
        lease: subject.lease ?? "none",
        calls,
        failed: failed.length,
        failure: failed[0]?.failed,
        wrong: answers.filter((a) => !a.failed && !a.ok).length,
        ...(await countsOf(run, isolates)),
      });
    } finally {
      await run.dispose();
    }
  }
  return rows;
}
