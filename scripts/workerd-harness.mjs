// Bundles Workers and runs them in workerd (Miniflare), for benchmarks and multi-isolate tests.
// Benchmarks time them from outside: workerd's clock does not advance during computation, so
// each figure is Node's wall time for a request running N operations minus an empty request,
// median of several rounds.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";

// Some peers import Node built-ins by bare name ("events", "crypto"), or require() them from
// CommonJS; with nodejs_compat workerd serves them as "node:*" ES modules. A require() of one
// becomes an import re-exported as CommonJS, as wrangler's bundler does.
const nodeBuiltins = {
  name: "node-builtins",
  setup(build) {
    const names = new Set(builtinModules.filter((m) => !m.startsWith("_")));
    const isBuiltin = (path) => names.has(path.replace(/^node:/, ""));
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const path = `node:${args.path.replace(/^node:/, "")}`;
      return args.kind === "require-call" ? { path, namespace: "node-require" } : { path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: "node-require" }, (args) => ({
      contents: `import lib from ${JSON.stringify(args.path)}; module.exports = lib;`,
      loader: "js",
    }));
  },
};

const OUT = ".build/workers";

/** Bundles a Worker the way wrangler would with keep_names = false; returns its directory. */
export async function bundle(name, entry) {
  const outdir = join(OUT, name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: join(outdir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
    mainFields: ["module", "main"],
    loader: { ".wasm": "copy" },
    // Test and bench Workers import the package by name, as users do.
    alias: { edgepile: "./src/js/workerd.js" },
    minify: false,
    keepNames: false,
    external: ["node:*", "cloudflare:*"],
    plugins: [nodeBuiltins],
    logLevel: "warning",
  });
  return outdir;
}

/**
 * Miniflare options for a bundled Worker in `dir`. With `listed`, its modules (a flat bundle:
 * worker.js and .wasm files) are handed over as they are, as a deploy uploads them; otherwise
 * Miniflare finds them from worker.js by parsing the JavaScript in Node first, a local-only step
 * whose time grows with the bundle's size.
 */
export function workerOptions(dir, extra = {}, { listed = false } = {}) {
  const modules = listed
    ? {
        modules: readdirSync(dir)
          .filter((f) => /\.(js|wasm)$/.test(f))
          .sort((a, b) => (a === "worker.js" ? -1 : b === "worker.js" ? 1 : a.localeCompare(b)))
          .map((f) => ({
            type: f.endsWith(".wasm") ? "CompiledWasm" : "ESModule",
            path: join(dir, f),
            contents: readFileSync(join(dir, f)),
          })),
      }
    : {
        modules: true,
        scriptPath: join(dir, "worker.js"),
        modulesRules: [
          { type: "ESModule", include: ["**/*.js"] },
          { type: "CompiledWasm", include: ["**/*.wasm"] },
        ],
      };
  return {
    ...modules,
    compatibilityDate: "2026-04-01",
    // lru-cache reaches for node:diagnostics_channel; the same flags for every subject.
    compatibilityFlags: ["nodejs_compat"],
    ...extra,
  };
}

export async function startWorker(dir) {
  const mf = new Miniflare(workerOptions(dir, { kvNamespaces: ["KV"] }));
  await mf.ready;
  return mf;
}

export async function timeRequest(mf, n) {
  const t0 = process.hrtime.bigint();
  const res = await mf.dispatchFetch(`http://bench/?n=${n}`);
  await res.text();
  if (!res.ok) throw new Error(`worker failed: ${res.status}`);
  return Number(process.hrtime.bigint() - t0);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One round: (time of N ops − time of an empty request, median of three) / N, in ns. */
export async function roundNs(mf, n) {
  const empty = median([await timeRequest(mf, 0), await timeRequest(mf, 0), await timeRequest(mf, 0)]);
  const full = await timeRequest(mf, n);
  return Math.max(0, full - empty) / n;
}

/** ns per operation for each round (see roundNs). */
export async function nsPerOp(mf, { n, rounds }) {
  await timeRequest(mf, Math.min(n, 10_000)); // warm up: JIT, first miss
  const per = [];
  for (let r = 0; r < rounds; r++) per.push(await roundNs(mf, n));
  return { median: median(per), min: Math.min(...per), max: Math.max(...per) };
}
