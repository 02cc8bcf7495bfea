// redis-server stopped and started again in the middle of a run: every call answers (a value or
// a typed error) within backendTimeout, no call ever gets another key's value or a value that
// was never stored, and the regions recover by themselves.
import assert from "node:assert/strict";
import { it } from "node:test";
import { createClient } from "redis";
import { EdgepileError, makeRegion, NO_VALUE } from "../../src/js/node.js";
import { useRedis } from "./helpers.mjs";

const redis = useRedis();
const BACKEND_TIMEOUT = 0.5;
// Scheduling slack on a loaded 2-core machine, on top of backendTimeout.
const SLACK_MS = 250;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function load(region, { until, keys, calls }) {
  let i = 0;
  while (performance.now() < until) {
    const k = `outage:${i++ % keys}`;
    const t0 = performance.now();
    const op = i % 5 === 0 ? region.get(k) : region.getOrCreate(k, () => `value of ${k}`);
    const call = { at: t0, key: k };
    try {
      call.value = await op;
    } catch (e) {
      call.error = e;
    }
    call.ms = performance.now() - t0;
    calls.push(call);
    await sleep(5);
  }
}

it("a restarted redis-server: bounded answers, nothing wrong served, recovery without a restart", { timeout: 60_000 }, async (t) => {
  // One region opens its own connection (no offline queue); the other is given a client with
  // node-redis's defaults, whose commands queue while it is disconnected.
  const passed = createClient({ url: redis.server.url });
  passed.on("error", () => {});
  await passed.connect();
  const configure = (args) =>
    makeRegion().configure("edgepile.redis", { expirationTime: 1, backendTimeout: BACKEND_TIMEOUT, arguments: args });
  const regions = { url: configure({ url: redis.server.url }), client: configure({ client: passed }) };
  t.after(async () => {
    await regions.url.actualBackend.close();
    passed.destroy();
  });

  const recovery = { url: 1200, client: 2700 };
  const start = performance.now();
  const phases = { down: start + 1500, up: start + 3500, end: start + 7500 };
  const calls = { url: [], client: [] };
  const running = Object.keys(regions).flatMap((name) =>
    Array.from({ length: 4 }, () => load(regions[name], { until: phases.end, keys: 10, calls: calls[name] })),
  );
  await sleep(phases.down - performance.now());
  await redis.server.stop({ keepDir: true });
  await sleep(phases.up - performance.now());
  await redis.server.restart();
  await Promise.all(running);

  for (const [name, list] of Object.entries(calls)) {
    const slowest = Math.max(...list.map((c) => c.ms));
    assert.ok(slowest <= BACKEND_TIMEOUT * 1000 + SLACK_MS, `${name}: a call took ${slowest.toFixed(0)} ms`);
    for (const c of list) {
      if (c.error !== undefined) assert.ok(c.error instanceof EdgepileError, `${name}: ${c.error}`);
      else if (c.value !== NO_VALUE) assert.equal(c.value, `value of ${c.key}`, name);
    }
    const failed = list.filter((c) => c.error !== undefined);
    assert.ok(failed.length > 0, `${name}: the outage was never seen`);
    assert.ok(
      failed.every((c) => c.error.name === "BackendError"),
      `${name}: ${[...new Set(failed.map((c) => c.error.name))]}`,
    );
    const before = list.filter((c) => c.at < phases.down - 100);
    assert.ok(before.length > 0 && before.every((c) => c.error === undefined), `${name}: failures before the outage`);
    // Recovered by itself: once the client's next reconnection attempt is due, every call
    // succeeds (edgepile's own client retries at most 1 s apart; node-redis's default strategy
    // waits up to 2.2 s).
    const after = list.filter((c) => c.at > phases.up + recovery[name]);
    assert.ok(after.length > 20, `${name}: only ${after.length} calls after recovery`);
    assert.deepEqual(
      after.filter((c) => c.error !== undefined).map((c) => String(c.error)),
      [],
      name,
    );
    t.diagnostic(`${name}: ${list.length} calls, ${failed.length} BackendErrors, slowest ${slowest.toFixed(0)} ms`);
  }
});
