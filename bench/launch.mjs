// Starts a bench subject in workerd: its Worker bundled once, run as one isolate or as several
// sharing one KV namespace (and one LeaseCoordinator, for the Durable Object lease).
import { createInterface } from "node:readline";
import { Miniflare } from "miniflare";
import { bundle, workerOptions } from "../scripts/workerd-harness.mjs";
import { freePort, heapUsed } from "./inspect.mjs";
import { entry } from "./subjects.mjs";

const bundled = new Map();

export async function bundleSubject(subject) {
  if (!bundled.has(subject.id)) bundled.set(subject.id, await bundle(`bench-${subject.id}`, entry(subject)));
  return bundled.get(subject.id);
}

function options(subject, dir, i) {
  const extra = { kvNamespaces: { KV: "bench-kv" } };
  const shared = (className) => (i === 0 ? className : { className, scriptName: "s0" });
  if (subject.lease === "Durable Object") extra.durableObjects = { LEASES: shared("LeaseCoordinator") };
  if (subject.coherence) extra.durableObjects.COHERENCE = shared("CoherenceCoordinator");
  // Modules listed as a deploy uploads them: the startup suite times workerd, not Miniflare's
  // Node-side parse of the bundle.
  return { name: `s${i}`, ...workerOptions(dir, extra, { listed: true }) };
}

// workerd warns on stderr, with a stack, each time a peer settles a promise across requests;
// the failures that follow are counted in the results, so the warnings themselves are dropped.
const CROSS_REQUEST = "Warning: A promise was resolved or rejected from a different request context";
function handleRuntimeStdio(stdout, stderr) {
  stdout.on("data", (chunk) => process.stdout.write(chunk));
  let dropping = false;
  createInterface({ input: stderr }).on("line", (line) => {
    if (line.startsWith(CROSS_REQUEST)) dropping = true;
    else if (!line.startsWith("    at ")) dropping = false;
    if (!dropping) process.stderr.write(`${line}\n`);
  });
}

/**
 * Starts `isolates` copies of the subject; `get(path, i)` answers text or JSON from copy i. With
 * `inspect`, `heap()` is the first copy's heap after a garbage collection (bench/inspect.mjs).
 */
export async function launch(subject, { isolates = 1, inspect = false } = {}) {
  const dir = await bundleSubject(subject);
  const inspectorPort = inspect ? await freePort() : undefined;
  const mf = new Miniflare({
    handleRuntimeStdio,
    inspectorPort,
    workers: Array.from({ length: isolates }, (_, i) => options(subject, dir, i)),
  });
  await mf.ready;
  const workers = await Promise.all(Array.from({ length: isolates }, (_, i) => mf.getWorker(`s${i}`)));
  async function get(path, i = 0) {
    const res = await workers[i].fetch(`http://bench${path}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`${subject.id} ${path}: ${res.status} ${text}`);
    return res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  }
  return { mf, get, heap: () => heapUsed(inspectorPort, "s0", () => get("/counts")), dispose: () => mf.dispose() };
}

/**
 * Starts several subjects in one workerd, one Worker (isolate) each, each over a KV namespace of
 * its own: `fetchers` maps a subject's id to something `timeRequest` can time. Side by side in
 * one process, their KV reads are served by the same runtime and storage code, so what differs
 * between them is the library.
 */
export async function launchTogether(subjects) {
  const workers = [];
  for (const subject of subjects) {
    const dir = await bundleSubject(subject);
    if (subject.lease === "Durable Object" || subject.coherence) {
      throw new Error(`${subject.id}: side by side takes subjects without Durable Objects`);
    }
    workers.push({ name: subject.id, ...workerOptions(dir, { kvNamespaces: { KV: `bench-kv-${subject.id}` } }, { listed: true }) });
  }
  const mf = new Miniflare({ handleRuntimeStdio, workers });
  await mf.ready;
  const fetchers = new Map();
  for (const subject of subjects) {
    const worker = await mf.getWorker(subject.id);
    fetchers.set(subject.id, { dispatchFetch: (url) => worker.fetch(url) });
  }
  return { fetchers, dispose: () => mf.dispose() };
}

/** Creator calls and KV operations summed over isolates 0..n-1. */
export async function countsOf(run, isolates = 1) {
  const all = await Promise.all(Array.from({ length: isolates }, (_, i) => run.get("/counts", i)));
  const sum = { creatorCalls: 0, reads: 0, writes: 0, deletes: 0, lists: 0 };
  for (const c of all) for (const k of Object.keys(sum)) sum[k] += c[k] ?? 0;
  return sum;
}
