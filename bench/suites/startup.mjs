// What a library costs before its first answer: the size of each memory subject's Worker bundle
// (what a deploy uploads and an isolate parses; for edgepile, JS + .wasm) and the time from a
// fresh workerd to the first get-or-create, compared with the no-library Worker started the
// same way in the same run. Also edgepile's .wasm alone, raw and gzipped.
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

// Where Linux's /proc is, the runtime's CPU time is read from it.
const PROC = existsSync("/proc/self/stat");

/** The workerd processes this process has started (Miniflare runs one per instance). */
function workerds() {
  const out = new Set();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // pid (comm) state ppid …
      const [, comm, ppid] = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat) ?? [];
      if (comm === "workerd" && Number(ppid) === process.pid) out.add(pid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU time (ms) a process has used so far, all threads, from the scheduler's own count. */
function cpuMs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended
    }
  }
  return ns / 1e6;
}

/** Wall time to the first answer, and the runtime's CPU time until then (where Linux says). */
async function firstCall(subject) {
  const before = PROC ? workerds() : new Set();
  const t0 = process.hrtime.bigint();
  const run = await launch(subject);
  await run.get("/?n=1");
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const started = [...(PROC ? workerds() : [])].filter((p) => !before.has(p));
  const cpu = started.length === 1 ? cpuMs(started[0]) : NaN;
  await run.dispose();
  return { ms, cpu };
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
  const cpu = Object.fromEntries(memory.map((s) => [s.id, []]));
  for (const s of memory) await bundleSubject(s);
  // Interleaved rounds, so drift on a noisy machine hits every subject alike, each round
  // starting from another subject, so none always follows the same neighbour.
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < memory.length; i++) {
      const s = memory[(i + r) % memory.length];
      const first = await firstCall(s);
      times[s.id].push(first.ms);
      cpu[s.id].push(first.cpu);
    }
  }
  const baseId = memory.find((s) => s.baseline).id;
  const base = median(times[baseId]);
  const cpuBase = median(cpu[baseId]);
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
      cpuMs: median(cpu[s.id]),
      cpuOverBaselineMs: median(cpu[s.id]) - cpuBase,
    });
  }
  return { wasm: { raw: wasm.length, gzip: gz(wasm), compileMs: median(compile) }, rows };
}
