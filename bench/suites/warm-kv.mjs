// The KV hit in a warm loop, over a KV binding kept in the isolate: what each library's hit costs
// in CPU when the store's own work (local KV's SQLite read, hundreds of µs) is taken away. The
// subjects run side by side in one workerd (bench/launch.mjs `launchTogether`), their rounds
// interleaved; each figure is the median of every round of every launch, its ratio to the
// no-library subject the median of each round's ratio.
import { median, roundNs, timeRequest } from "../../scripts/workerd-harness.mjs";
import { launchTogether } from "../launch.mjs";

export async function warmKv(subjects, { n, rounds, launches }) {
  const per = new Map(subjects.map((s) => [s.id, []]));
  const created = new Map(subjects.map((s) => [s.id, 0])); // creator calls: 1 per launch when all are hits
  for (let l = 0; l < launches; l++) {
    const { fetchers, dispose } = await launchTogether(subjects);
    try {
      for (const f of fetchers.values()) await timeRequest(f, n); // warm up: JIT, the first miss
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < subjects.length; i++) {
          const subject = subjects[(i + r + l) % subjects.length];
          per.get(subject.id)?.push(await roundNs(fetchers.get(subject.id), n));
        }
      }
      for (const s of subjects) {
        const res = await fetchers.get(s.id).dispatchFetch("http://bench/counts");
        created.set(s.id, (created.get(s.id) ?? 0) + ((await res.json()).hitCreations ?? Number.NaN));
      }
    } finally {
      await dispose();
    }
  }
  const base = subjects.find((s) => s.baseline);
  const bs = base ? (per.get(base.id) ?? []) : [];
  return subjects.map((s) => {
    const xs = per.get(s.id) ?? [];
    return {
      id: s.id,
      label: s.label,
      n,
      creatorCalls: created.get(s.id),
      launches,
      median: median(xs),
      min: Math.min(...xs),
      max: Math.max(...xs),
      vsBaseline: bs.length === xs.length ? median(xs.map((x, i) => x / bs[i])) : Number.NaN,
      overBaseline: bs.length === xs.length ? median(xs.map((x, i) => x - bs[i])) : Number.NaN,
    };
  });
}
