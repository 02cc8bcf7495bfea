// The dashboard in a real browser: `wrangler dev` (what `npm start` runs) serves the demo
// Worker; Debian's Chromium, driven by playwright-core, runs a stampede of 200 and a soft
// invalidation, and saves a screenshot to test-output/dashboard.png.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { after, before, it } from "node:test";
import { chromium } from "playwright-core";

const PORT = 8799;
const BASE = `http://127.0.0.1:${PORT}`;
let dev;
let browser;

async function waitForServer(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/stats`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("wrangler dev did not come up");
}

before(async () => {
  // its own process group, so stopping it also stops workerd
  dev = spawn("node_modules/.bin/wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--show-interactive-dev-session=false"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  await waitForServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  if (dev?.pid) {
    try {
      process.kill(-dev.pid, "SIGINT");
    } catch {
      // already gone
    }
  }
});

it("runs a stampede of 200 (1 creator call) and a soft invalidation; saves a screenshot", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`${BASE}/`);
  await page.waitForFunction(() => document.getElementById("hit-ratio").textContent.includes("%"));

  await page.click("#traffic");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("50 requests"));

  await page.fill("#stampede-n", "200");
  await page.click("#stampede");
  await page.waitForFunction(() => document.getElementById("stampede-result").textContent.includes("→"));
  const result = await page.textContent("#stampede-result");
  assert.match(result, /^200 concurrent cold calls → 1 creator call \(/);

  await page.click("#invalidate-soft");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("soft invalidation done"));
  assert.match(await page.textContent("#coherence"), /^invalidate → seen in 4 of 4 isolates after [\d,]+ ms$/);
  await page.click("#traffic");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("stale"));
  await page.selectOption("#tag", "period:2");
  await page.click("#invalidate-tag");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("tag period:2 invalidated"));
  await page.waitForTimeout(1200); // one more refresh of the charts

  mkdirSync("test-output", { recursive: true });
  await page.screenshot({ path: "test-output/dashboard.png", fullPage: true });
  assert.deepEqual(errors, []);
});
