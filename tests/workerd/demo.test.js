// The demo Worker behind `npm start`, through its fetch handler.
import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

const json = async (path, init) => (await SELF.fetch(`http://demo${path}`, init)).json();

it("serves an element from the slow upstream once, then from the cache", async () => {
  const first = await json("/api/elements/26");
  const second = await json("/api/elements/fe");
  const third = await json("/api/elements/26");
  expect(first.cache).toBe("miss");
  expect(first.element).toMatchObject({ number: 26, symbol: "Fe", name: "Iron" });
  expect(first.ms).toBeGreaterThanOrEqual(300);
  expect(second.cache).toBe("miss"); // another key: "fe"
  expect(third.cache).toBe("hit");
  expect(third.element).toEqual(first.element);
  expect((await SELF.fetch("http://demo/api/elements/999")).status).toBe(404);
});

it("a stampede of 200 concurrent cold calls makes 1 creator call", async () => {
  const out = await json("/api/stampede?n=200", { method: "POST" });
  expect(out).toMatchObject({ requests: 200, creatorCalls: 1, distinctValues: 1 });
});

it("stats carry counters, histograms and a timeline", async () => {
  await json("/api/elements/1");
  await json("/api/elements/1");
  const s = await json("/api/stats");
  expect(s.stats.hits).toBeGreaterThanOrEqual(1);
  expect(s.stats.misses).toBeGreaterThanOrEqual(1);
  expect(s.histograms.cached.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
  expect(s.timeline.length).toBeGreaterThanOrEqual(1);
});

it("soft and hard invalidation", async () => {
  await json("/api/elements/8");
  expect((await json("/api/invalidate?mode=soft", { method: "POST" })).invalidated).toBe("soft");
  expect((await json("/api/elements/8")).cache).toBe("stale"); // served at once, regenerated in the background
  await new Promise((r) => setTimeout(r, 500)); // the upstream takes 300 ms
  expect((await json("/api/elements/8")).cache).toBe("hit");
  const hard = await json("/api/invalidate?mode=hard", { method: "POST" });
  expect(hard.invalidated).toBe("hard");
  expect((await json("/api/elements/8")).cache).toBe("miss");
  // the regions standing for other isolates saw it through the coherence point, within 1 s + a check
  expect(hard.seenBy).toBe(hard.isolates);
  expect(hard.afterMs).toBeLessThan(1500);
});

it("invalidating a tag refetches only the elements carrying it", async () => {
  await json("/api/elements/3"); // period 2, group 3
  await json("/api/elements/11"); // period 3, group 11
  expect((await json("/api/elements/3")).cache).toBe("hit");
  expect((await json("/api/invalidate-tag?tag=period:2&mode=hard", { method: "POST" })).invalidated).toBe("period:2");
  expect((await json("/api/elements/3")).cache).toBe("miss");
  expect((await json("/api/elements/11")).cache).toBe("hit");
});

it("keeps the primes route used by scripts", async () => {
  const first = await json("/?n=5000");
  const second = await json("/?n=5000");
  expect(first).toMatchObject({ cache: "miss", value: { n: 5000, primesUpToN: 669 } });
  expect(second.cache).toBe("hit");
});

it("a request never waits on another request's background regeneration", async () => {
  // C regenerates element 9 under its waitUntil; E finds nothing (hard invalidation) while that
  // runs. E must answer on its own, through the lease, not hang on C's work.
  await json("/api/elements/9");
  await json("/api/invalidate?mode=soft", { method: "POST" });
  expect((await json("/api/elements/9")).cache).toBe("stale");
  await json("/api/invalidate?mode=hard", { method: "POST" });
  const res = await SELF.fetch("http://demo/api/elements/9");
  expect(res.status).toBe(200);
  expect((await res.json()).element).toMatchObject({ number: 9, symbol: "F" });
});
