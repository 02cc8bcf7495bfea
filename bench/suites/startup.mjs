// What a library costs before its first answer: the size of each memory subject's Worker bundle
// (what a deploy uploads and an isolate parses; for edgepile, JS + .wasm) and the time from a
// fresh workerd to the first get-or-create, compared with the no-library Worker started the
// same way in the same run. Also edgepile's .wasm alone, raw and gzipped.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { median } from "../../scripts/workerd-harness.mjs";
import { bundleSubject, launch } from "../launch.mjs";

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

function bundleSize(dir) {
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!/\.(js|wasm)$/.test(name)) continue;
    const bytes = readFileSync(join(dir, name));
    raw += bytes.length;
    gzip += gz(bytes);
  }
  return { raw, gzip };
}

async function firstCall(subject) {
  const t0 = process.hrtime.bigint();
  const run = await launch(subject);
  await run.get("/?n=1");
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await run.dispose();
  return ms;
}

export async function startup(subjects, { rounds }) {
  const wasm = readFileSync("pkg/edgepile_bg.wasm");
  // Compiling the module is what a fresh isolate pays for edgepile beyond parsing JS.
  const compile = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    new WebAssembly.Module(wasm);
    compile.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const rows = [];
  const memory = subjects.filter((s) => s.store === "memory" && !s.speedOnly);
  const times = Object.fromEntries(memory.map((s) => [s.id, []]));
  for (const s of memory) await bundleSubject(s);
  // Interleaved rounds, so drift on a noisy machine hits every subject alike.
  for (let r = 0; r < rounds; r++) for (const s of memory) times[s.id].push(await firstCall(s));
  const base = median(times[memory.find((s) => s.baseline).id]);
  for (const s of memory) {
    const m = median(times[s.id]);
    rows.push({
      id: s.id,
      label: s.label,
      bundle: bundleSize(await bundleSubject(s)),
      firstCallMs: m,
      min: Math.min(...times[s.id]),
      max: Math.max(...times[s.id]),
      overBaselineMs: m - base,
    });
  }
  return { wasm: { raw: wasm.length, gzip: gz(wasm), compileMs: median(compile) }, rows };
}
