// One definition, checked: the names and defaults defined in the Rust core (src/schema.rs) must
// be exactly what the package's types (src/js/index.d.ts), its error classes and its docs say. A
// name added, renamed or dropped on one side and not the other fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as edgepileModule from "../../src/js/node.js";
import { schema } from "../../src/js/schema.js";

// A plain object: the test looks names up in it one by one.
const edgepile = { ...edgepileModule };
const dts = readFileSync(new URL("../../src/js/index.d.ts", import.meta.url), "utf8");
const s = schema();

/** The members of `export type Name = "a" | "b"` or the fields of `export interface Name { … }`. */
function declared(kind, name) {
  const body =
    kind === "type"
      ? dts.match(new RegExp(`export type ${name} =([^;]+);`))?.[1]
      : dts.match(new RegExp(`export interface ${name}[^{]*\\{([\\s\\S]*?)\\n\\}`))?.[1];
  assert.ok(body, `index.d.ts declares ${kind} ${name}`);
  return kind === "type" ? [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [...body.matchAll(/^\s*(\w+)\??:/gm)].map((m) => m[1]);
}

test("events: the core's list is EventName, and the API guide names each", () => {
  assert.deepEqual(declared("type", "EventName"), s.events);
  const guide = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
  for (const name of [...s.events, ...s.stats])
    assert.ok(guide.includes(`\`${name}\``) || guide.includes(` ${name},`), `docs/api.md names ${name}`);
});

test("stats: the core's counters are RegionStats (plus what the JS layer computes)", () => {
  assert.deepEqual(
    declared("interface", "RegionStats").filter((f) => !["l1Hits", "hitRatio"].includes(f)),
    s.stats,
  );
  const region = edgepile.makeRegion().configure("edgepile.memory");
  assert.deepEqual(Object.keys(region.stats()), [...s.stats, "l1Hits", "hitRatio"]);
});

test("degradation options: the core's names are DegradationOptions", () => {
  assert.deepEqual(declared("interface", "DegradationOptions"), s.degradation);
});

test("error classes: every kind the core raises is an exported class, typed", () => {
  for (const name of s.errors) {
    assert.equal(typeof edgepile[name], "function", `${name} is exported`);
    assert.equal(new edgepile[name]("x").name, name);
    assert.match(dts, new RegExp(`export declare class ${name} extends EdgepileError`), `${name} is typed`);
  }
});

test("defaults: what the docs and types say is what the core applies", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.ok(readme.includes(`default ${s.defaults.maxEntries.toLocaleString("en")}`), "README states maxEntries' default");
  const region = edgepile.makeRegion().configure("edgepile.memory");
  assert.equal(region.actualBackend.maxEntries, s.defaults.maxEntries);
  assert.equal(edgepile.CachedValue.name, "CachedValue");
});

test("limits: the docs state what the core applies, and every byte store keeps values by its rule", async () => {
  const { kvMaxKeyBytes, kvMinTtl, minStaleTtl, maxValueDepth } = s.limits;
  const backends = readFileSync(new URL("../../docs/backends.md", import.meta.url), "utf8");
  const values = readFileSync(new URL("../../docs/values.md", import.meta.url), "utf8");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  for (const doc of [backends, readme]) assert.ok(doc.includes(`key ≤ ${kvMaxKeyBytes} bytes`), "KV's key limit");
  assert.ok(backends.includes(`at least ${kvMinTtl} s`), "KV's shortest expirationTtl");
  assert.ok(values.includes(`nesting deeper than ${maxValueDepth}`), "the depth limit");
  // One nesting level under the limit stores; at the limit it is refused.
  const nested = (n) => (n === 0 ? 0 : [nested(n - 1)]);
  const region = edgepile.makeRegion().configure("edgepile.memory");
  await region.set("ok", nested(maxValueDepth));
  await assert.rejects(region.set("deep", nested(maxValueDepth + 1)), /nested deeper than/);
  const { physicalTtl } = await import("../../src/js/backends/items.js");
  const { physicalMs } = await import("../../src/js/backends/redis.js");
  assert.equal(physicalTtl(10, undefined, kvMinTtl), 10 + Math.max(10, minStaleTtl));
  assert.equal(physicalTtl(1000, undefined, kvMinTtl), 2000);
  assert.equal(physicalTtl(10, 0, kvMinTtl), kvMinTtl);
  assert.equal(physicalTtl(-1, 5, 1), undefined);
  assert.equal(physicalMs(10, { staleTtl: 5 }), 15_000);
  assert.equal(physicalMs(undefined, { staleTtl: 5 }), undefined);
  // The region's staleIfError keeps values longer when it is the longer window, never shorter.
  assert.equal(physicalMs(10, { staleTtl: 5, staleIfError: 600 }), 610_000);
  assert.equal(physicalMs(10, { staleTtl: 700, staleIfError: 600 }), 710_000);
});

test("KV keys: the JS backend refuses exactly what the core's rule (shared with the Rust KvBackend) refuses", async () => {
  const { checkKvKey } = await import("../../src/js/backends/kv.js");
  const { kvKeyProblem } = await import("../../pkg/edgepile.js");
  const max = s.limits.kvMaxKeyBytes;
  const keys = [
    "",
    ".",
    "..",
    "...",
    "a",
    "ab",
    "é",
    "😀",
    "a".repeat(max),
    "a".repeat(max + 1),
    "é".repeat(max / 2),
    "é".repeat(max / 2 + 1),
  ];
  for (let n = Math.floor(max / 3) - 2; n < max / 2 + 3; n++)
    keys.push("€".repeat(n).slice(0, n), "x".repeat(n), `${"😀".repeat(n >> 1)}a`);
  for (const key of keys) {
    const refused = kvKeyProblem(key) !== undefined;
    let threw = false;
    try {
      checkKvKey(key);
    } catch (e) {
      threw = e.name === "ValidationError";
    }
    assert.equal(threw, refused, `${JSON.stringify(key.slice(0, 12))}… (${key.length} units)`);
  }
});
