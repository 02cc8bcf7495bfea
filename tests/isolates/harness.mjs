// The application under test, several times over: copies of one Worker in one workerd, each an
// isolate of its own, sharing one KV namespace and the Durable Object classes they bind (owned by
// the first copy), beside the slow upstream that counts creations.
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { bundle, workerOptions } from "../../scripts/workerd-harness.mjs";

/**
 * `script`: the Worker's entry; `kv`: the shared namespace's name; `durableObjects`: binding →
 * class name; `groups`: name prefix → number of copies (the first group owns the objects).
 */
export async function startIsolates({ script, kv, durableObjects = {}, groups = { app: 8 } }) {
  const dir = await bundle(`isolates-${script.split("/").pop().replace(/\.js$/, "")}`, script);
  const upstreamDir = await bundle("isolates-upstream", "tests/isolates/workers/upstream.js");
  const [owner] = Object.keys(groups);
  const copy = (prefix, i) => ({
    name: `${prefix}${i}`,
    ...workerOptions(dir, {
      kvNamespaces: { CACHE: kv },
      durableObjects: Object.fromEntries(
        Object.entries(durableObjects).map(([binding, className]) => [
          binding,
          prefix === owner && i === 0 ? className : { className, scriptName: `${owner}0` },
        ]),
      ),
      serviceBindings: { UPSTREAM: "upstream" },
    }),
  });
  const mf = new Miniflare({
    workers: [
      { name: "upstream", ...workerOptions(upstreamDir) },
      ...Object.entries(groups).flatMap(([prefix, n]) => Array.from({ length: n }, (_, i) => copy(prefix, i))),
    ],
  });
  await mf.ready;
  const apps = await Promise.all(Array.from({ length: groups[owner] }, (_, i) => mf.getWorker(`${owner}${i}`)));
  const upstream = await mf.getWorker("upstream");
  return { mf, apps, upstream, creations: async () => (await (await upstream.fetch("http://u/count")).json()).calls };
}

/** The JSON a Worker answers for `path`, which must be a 200. */
export async function requestJson(worker, path) {
  const res = await worker.fetch(`http://app${path}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}
