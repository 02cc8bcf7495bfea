// The README and docs/ link only to files (and headings) that exist, and the README stays a front
// door: at most 200 lines, its benchmark figures written by the benchmark run itself.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading. */
const anchor = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
const anchorsOf = (file) => new Set([...readFileSync(file, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));

test("every relative link points to a file, and to a heading of it when it names one", () => {
  const broken = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [path, hash] = target.split("#");
      const file = path === "" ? join(root, page) : resolve(dirname(join(root, page)), path);
      if (!existsSync(file)) broken.push(`${page}: ${target}`);
      else if (hash && file.endsWith(".md") && !anchorsOf(file).has(hash)) broken.push(`${page}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

test("the README is a front door: ≤ 200 lines, benchmark figures between the run's markers", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.ok(readme.split("\n").length <= 200, `${readme.split("\n").length} lines`);
  const outside = readme.replace(/<!-- bench:summary -->[\s\S]*<!-- \/bench:summary -->/, "");
  // figures with units belong to the report: none outside the generated block
  assert.deepEqual(outside.match(/\b\d[\d,.]*\s?(ns|µs|ms|KiB|KB)\b/g) ?? [], []);
});
