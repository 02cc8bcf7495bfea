// The published package, as users get it: `npm pack`, then the tarball installed into throwaway
// projects — a wrangler Worker (KV + the lease Durable Object), a Node script, and a browser page
// bundled by Vite and run in Chromium. Each asserts cached behaviour, not just an import.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "edgepile-consumers-"));
let tarball;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function project(name, files) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  run("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir);
  return dir;
}

before(() => {
  const out = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], ROOT));
  tarball = join(work, out[0].filename);
});

after(() => rmSync(work, { recursive: true, force: true }));

it("the tarball holds exactly what ships", () => {
  const listed = run("tar", ["-tzf", tarball], work)
    .trim()
    .split("\n")
    .map((f) => f.replace(/^package\//, ""))
    .sort();
  // Exactly the package's own files: the JS layer as committed (no stray or generated file), the
  // built module and its glue, and the four files every package carries.
  const js = run("git", ["ls-files", "src/js"], ROOT).trim().split("\n");
  const expected = ["CHANGELOG.md", "LICENSE", "README.md", "package.json", "pkg/edgepile.js", "pkg/edgepile_bg.wasm", ...js].sort();
  assert.deepEqual(listed, expected);
});

// One scenario, run by every consumer: a creator called once for many calls, invalidation works.
const SCENARIO = `
  let calls = 0;
  const creator = async () => ({ n: ++calls });
  const values = await Promise.all(Array.from({ length: 50 }, () => region.getOrCreate("k", creator)));
  const again = await region.getOrCreate("k", creator);
  region.invalidate();
  const after = await region.getOrCreate("k", creator);
  // a namespace keeps keys stable when a minifier renames functions (the browser build does)
  const add = region.cacheOnArguments(function add(a, b) { calls++; return a + b; }, { namespace: "add" });
  const sums = [await add(1, 2), await add(1, 2)];
  const result = { calls, first: values.every((v) => v.n === 1), again: again.n, after: after.n, sums };
`;
const EXPECTED = { calls: 3, first: true, again: 1, after: 2, sums: [3, 3] };

describe("consumers", () => {
  it("a plain Node ESM script (memory backend)", () => {
    const dir = project("node-app", {
      "package.json": JSON.stringify({ name: "node-app", private: true, type: "module" }),
      "app.mjs": `import { makeRegion } from "edgepile";
const region = makeRegion().configure("edgepile.memory", { expirationTime: 60 });
${SCENARIO}
console.log(JSON.stringify(result));`,
    });
    assert.deepEqual(JSON.parse(run("node", ["app.mjs"], dir)), EXPECTED);
  });

  it("a wrangler Worker using KV and the lease Durable Object from the package", async () => {
    const dir = project("worker-app", {
      "package.json": JSON.stringify({ name: "worker-app", private: true, type: "module" }),
      "wrangler.toml": `name = "worker-app"
main = "src/index.js"
compatibility_date = "2026-04-01"

[[kv_namespaces]]
binding = "CACHE"
id = "local"

[[durable_objects.bindings]]
name = "LEASES"
class_name = "LeaseCoordinator"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["LeaseCoordinator"]
`,
      "src/index.js": `import { makeRegion } from "edgepile";
export { LeaseCoordinator } from "edgepile";
let region;
export default {
  async fetch(request, env) {
    region ??= makeRegion().configure("edgepile.cloudflare_kv", {
      expirationTime: 60,
      arguments: { namespace: env.CACHE, lockNamespace: env.LEASES },
    });
    ${SCENARIO}
    return Response.json(result);
  },
};`,
    });
    const { unstable_dev } = await import("wrangler");
    const worker = await unstable_dev(join(dir, "src/index.js"), {
      config: join(dir, "wrangler.toml"),
      experimental: { disableExperimentalWarning: true },
      logLevel: "error",
    });
    try {
      const res = await worker.fetch("/");
      assert.deepEqual(await res.json(), EXPECTED);
    } finally {
      await worker.stop();
    }
  });

  it("a browser page bundled by Vite, in Chromium", async () => {
    const dir = project("browser-app", {
      "package.json": JSON.stringify({ name: "browser-app", private: true, type: "module" }),
      "vite.config.js": `export default { build: { target: "es2022" }, logLevel: "error" };`,
      "index.html": `<!doctype html><html><body><pre id="result"></pre><script type="module" src="/main.js"></script></body></html>`,
      "main.js": `import { makeRegion } from "edgepile";
const region = makeRegion().configure("edgepile.memory", { expirationTime: 60 });
${SCENARIO}
document.getElementById("result").textContent = JSON.stringify(result);`,
    });
    run("node", [join(ROOT, "node_modules/vite/bin/vite.js"), "build"], dir);
    const dist = join(dir, "dist");
    const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
    const server = createServer((req, res) => {
      const path = join(dist, req.url === "/" ? "index.html" : decodeURIComponent(req.url.split("?")[0]));
      try {
        const body = readFileSync(path);
        res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => document.getElementById("result").textContent !== "", null, { timeout: 15_000 });
      assert.deepEqual(errors, []);
      assert.deepEqual(JSON.parse(await page.textContent("#result")), EXPECTED);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
