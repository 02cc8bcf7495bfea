// The JS layer's modules import each other without cycles: each can be read (and loaded) on its
// own terms, and a cycle (as backends/items.js ↔ region.js once was) fails here with its path.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/js");

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".js") ? [path] : [];
  });
}

/** Relative imports and re-exports of `file`, as absolute paths inside src/js. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)]
    .map((m) => resolve(dirname(file), m[1]))
    .filter((p) => p.startsWith(root));
}

test("src/js has no import cycles", () => {
  const graph = new Map(files(root).map((f) => [f, importsOf(f)]));
  const state = new Map(); // file → "visiting" | "done"
  const visit = (file, path) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      const cycle = [...path.slice(path.indexOf(file)), file].map((p) => relative(root, p));
      assert.fail(`import cycle: ${cycle.join(" → ")}`);
    }
    state.set(file, "visiting");
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  assert.ok(graph.size > 20, `${graph.size} modules checked`);
});
