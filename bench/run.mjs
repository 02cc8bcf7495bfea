// `npm run bench`: every suite against every subject in one run, then the report
// (docs/benchmarks.md), its charts (docs/benchmarks/*.svg), the raw results and the README
// summary. `--quick` is the seconds-long smoke pass run by `npm test`: same code, tiny
// counts, written to .build/bench/ and never to the docs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { barChart } from "./charts.mjs";
import { costModel } from "./cost.mjs";
import { redisSuite } from "./node/redis.mjs";
import { peersTable, report, summaryTable } from "./report.mjs";
import { EARLY_SUBJECTS, SUBJECTS, WARM_KV_SUBJECTS } from "./subjects.mjs";
import { expiry } from "./suites/expiry.mjs";
import { writeBurst } from "./suites/burst.mjs";
import { acrossIsolates } from "./suites/isolates.mjs";
import { kvOps } from "./suites/kv-ops.mjs";
import { coherence } from "./suites/coherence.mjs";
import { SCALE_LAUNCHES, scale } from "./suites/scale.mjs";
import { KV_LAUNCHES, speed } from "./suites/speed.mjs";
import { SHAPES, stored } from "./suites/stored.mjs";
import { startup } from "./suites/startup.mjs";
import { warmKv } from "./suites/warm-kv.mjs";
import { targets } from "./targets.mjs";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    only: { type: "string" }, // comma-separated suite names
    out: { type: "string" },
    from: { type: "string" }, // re-render the report from a results.json instead of measuring
  },
});
const quick = values.quick;
const config = {
  rounds: Number(values.rounds ?? (quick ? 1 : 7)),
  n: quick ? 2000 : 100_000,
  kvN: quick ? 50 : 2000,
  kvLaunches: quick ? 1 : KV_LAUNCHES,
  scaleN: quick ? 2000 : 100_000,
  scaleCycles: quick ? 200 : 20_000,
  scaleLaunches: quick ? 1 : SCALE_LAUNCHES,
  hits: quick ? 10 : 100,
  stampedes: quick ? [100] : [100, 1000],
  isolates: 8,
  calls: quick ? 24 : 200,
  creatorMs: 200,
  burst: { n: 100, seconds: 1 },
  expiry: quick ? { seconds: 1.2, every: 50, callers: 3, creatorMs: 100 } : { seconds: 4, every: 20, callers: 5, creatorMs: 100 },
  // The creator is slow enough that every process reads the cold key before anyone stores it.
  redis: quick
    ? { n: 200, rounds: 1, processes: 2, calls: 5, creatorMs: 100 }
    : { n: 5000, rounds: 7, processes: 8, calls: 50, creatorMs: 1000 },
};
const outDir = values.out ?? (quick ? ".build/bench" : "docs");
const chartDir = join(outDir, "benchmarks");
const only = values.only ? new Set(values.only.split(",")) : null;
const want = (name) => !only || only.has(name);

process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
const log = (m) => process.stderr.write(`bench: ${m}\n`);
let r = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  config,
  quick,
};

const suites = [
  [
    "speed",
    () => speed(SUBJECTS, { n: config.n, kvN: config.kvN, rounds: Math.max(config.rounds, quick ? 1 : 5), launches: config.kvLaunches }),
  ],
  ["warmKv", () => warmKv(WARM_KV_SUBJECTS, { n: quick ? 500 : 20_000, rounds: quick ? 1 : 9, launches: quick ? 1 : 3 })],
  [
    "scale",
    () =>
      scale(SUBJECTS, {
        n: config.scaleN,
        cycles: config.scaleCycles,
        rounds: Math.max(config.rounds, quick ? 1 : 5),
        launches: config.scaleLaunches,
      }),
  ],
  ["coherence", () => coherence(quick ? { trials: 1, checks: 200, interval: 0.5 } : { trials: 7, checks: 5000 })],
  ["kvOps", () => kvOps(SUBJECTS, { stampedes: config.stampedes, hits: config.hits })],
  ["isolates", () => acrossIsolates(SUBJECTS, config)],
  ["expiry", () => expiry([...SUBJECTS, ...EARLY_SUBJECTS], config.expiry)],
  ["burst", () => writeBurst(SUBJECTS, config.burst)],
  ["stored", () => stored(SUBJECTS)],
  // 25 rounds: one launch varies by tens of ms on a busy machine, more than the differences measured.
  ["startup", () => startup(SUBJECTS, { rounds: quick ? 1 : 25 })],
  ["redis", () => redisSuite({ ...config.redis, log })],
];
if (values.from) r = JSON.parse(readFileSync(values.from, "utf8"));
// A full-size run of some suites (`--only`) updates the last full run's results, so the report
// and the README keep every section: the suites measured now replace theirs, dated now.
const previous = join(chartDir, "results.json");
if (only && !quick && !values.from && existsSync(previous)) {
  const last = JSON.parse(readFileSync(previous, "utf8"));
  if (!last.quick) r = { ...last, date: r.date, machine: r.machine, config: { ...last.config, ...config } };
}
for (const [name, run] of suites) {
  if (values.from || !want(name)) continue;
  const t0 = Date.now();
  log(`${name}…`);
  r[name] = await run();
  log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
if (r.kvOps) r.cost = costModel(r.kvOps, SUBJECTS, r.isolates);
const { config: measured } = r;
r.targets = targets(r);

mkdirSync(chartDir, { recursive: true });
const charts = {};
async function chart(name, spec) {
  const file = join(chartDir, `${name}.svg`);
  writeFileSync(file, await barChart(spec));
  charts[name] = relative(outDir, file);
}
if (r.speed) {
  const rows = (store) => r.speed.filter((s) => s.store === store).map((s) => ({ label: s.label, value: Math.round(s.median) }));
  await chart("hitMemory", { title: "Memory hit, ns per call (lower is better)", rows: rows("memory"), unit: "ns/op" });
  await chart("hitKv", { title: "KV hit in local workerd, ns per call (lower is better)", rows: rows("kv"), unit: "ns/op" });
}
if (r.kvOps) {
  const rows = r.kvOps.flatMap((k) =>
    measured.stampedes.map((n) => ({ label: k.label, series: `${n} concurrent`, value: k.stampede[n].creatorCalls })),
  );
  await chart("stampede", {
    title: "Creator calls in a stampede on one cold key (lower is better)",
    rows,
    unit: "creator calls (symlog)",
    log: true,
  });
  await chart("cost", {
    title: "Storage operations, $ per million requests (lower is better)",
    rows: r.cost.flatMap((c) =>
      Object.entries(c.perMillion).map(([h, v]) => ({ label: c.label, series: `${Number(h) * 100}% hits`, value: Number(v.toFixed(4)) })),
    ),
    unit: "$ / million requests",
  });
}
if (r.isolates) {
  await chart("isolates", {
    title: `Creator calls, ${measured.calls} cold requests over ${measured.isolates} isolates (lower is better)`,
    rows: r.isolates.map((i) => ({ label: i.label, value: i.creatorCalls })),
    unit: "creator calls (symlog)",
    log: true,
  });
}
if (r.stored) {
  const base = r.stored.find((s) => s.id === "kv-baseline");
  const rows = r.stored.flatMap((s) =>
    SHAPES.map((sh) => ({ label: s.label, series: sh, value: Number((s.shapes[sh].total / base.shapes[sh].total).toFixed(3)) })),
  );
  await chart("stored", { title: "Bytes stored per entry, relative to plain JSON (lower is better)", rows, unit: "× JSON" });
}

if (!values.from) writeFileSync(join(chartDir, "results.json"), `${JSON.stringify(r, null, 2)}\n`);
writeFileSync(join(outDir, "benchmarks.md"), report(r, charts));

// The README carries the targets table between markers, refreshed by every full run.
if (!quick && !values.out) {
  const readme = readFileSync("README.md", "utf8");
  const start = "<!-- bench:summary -->";
  const end = "<!-- /bench:summary -->";
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i >= 0 && j > i) {
    const body = `${start}\n_${r.date}, ${r.machine}; \`npm run bench\`_\n\n${summaryTable(r)}\n\n${peersTable(r)}\n${end}`;
    writeFileSync("README.md", readme.slice(0, i) + body + readme.slice(j + end.length));
  }
}

console.log(summaryTable(r));
console.log(`\nreport: ${join(outDir, "benchmarks.md")}`);
