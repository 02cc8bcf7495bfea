// Memory-hit benchmark: edgepile getOrCreate vs `await Map.get` vs cachified + lru-cache,
// each in a Worker of its own, in one run. Usage: node bench/hit.mjs [--n 100000] [--rounds 7]
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { bundle, nsPerOp, startWorker } from "../scripts/workerd-harness.mjs";

const { values } = parseArgs({
  options: { n: { type: "string", default: "100000" }, rounds: { type: "string", default: "7" }, json: { type: "boolean" } },
});
const n = Number(values.n);
const rounds = Number(values.rounds);

const subjects = [
  ["map", "await Map.get (baseline)", "bench/workers/map.js"],
  ["edgepile", "edgepile getOrCreate (memory)", "bench/workers/edgepile-memory.js"],
  ["listening", "edgepile getOrCreate (memory), a hit listener registered", "bench/workers/edgepile-memory-listening.js"],
  ["cachified", "cachified + lru-cache", "bench/workers/cachified-lru.js"],
];

const results = {};
for (const [id, label, entry] of subjects) {
  const mf = await startWorker(await bundle(id, entry));
  try {
    results[id] = { label, ...(await nsPerOp(mf, { n, rounds })) };
  } finally {
    await mf.dispose();
  }
}

const wasm = readFileSync("pkg/edgepile_bg.wasm");
const size = { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
const e = results.edgepile.median;
const ratios = {
  vsMap: e / results.map.median,
  cachifiedOverEdgepile: results.cachified.median / e,
  listeningOverSilent: results.listening.median / e,
};

if (values.json) {
  console.log(JSON.stringify({ n, rounds, results, ratios, size }, null, 2));
} else {
  console.log(`memory hit, ${n} awaited ops per request, median of ${rounds} rounds (min–max)\n`);
  console.log("| subject | ns/op | min–max | × Map.get |");
  console.log("|---|---:|---:|---:|");
  for (const r of Object.values(results)) {
    console.log(`| ${r.label} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)}–${r.max.toFixed(0)} | ${(r.median / results.map.median).toFixed(1)} |`);
  }
  console.log(`\nedgepile: ${ratios.vsMap.toFixed(1)}× Map.get (target ≤ 10×), ` +
    `${ratios.cachifiedOverEdgepile.toFixed(1)}× faster than cachified (target ≥ 2×)`);
  console.log(`no listener vs a listener on every hit: ${ratios.listeningOverSilent.toFixed(2)}× (events cost only when heard)`);
  console.log(`wasm: ${(size.raw / 1024).toFixed(1)} KiB raw, ${(size.gzip / 1024).toFixed(1)} KiB gzipped (target ≤ 100 KB gzipped)`);
}
