// The demo Worker behind `npm start`, through its fetch handler.
import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves a miss, then a hit of the same value", async () => {
  const first = await (await SELF.fetch("http://demo/?n=5000")).json();
  const second = await (await SELF.fetch("http://demo/?n=5000")).json();
  expect(first.cache).toBe("miss");
  expect(first.value.primesUpToN).toBe(669);
  expect(second.cache).toBe("hit");
  expect(second.value).toEqual(first.value);
  expect(second.upstreamCalls).toBe(first.upstreamCalls);
  expect(first.ms).toBeGreaterThanOrEqual(400);
});

it("invalidates on request", async () => {
  await SELF.fetch("http://demo/?n=100");
  const inv = await (await SELF.fetch("http://demo/invalidate?hard=1")).json();
  expect(inv.invalidated).toBe("hard");
  expect((await (await SELF.fetch("http://demo/?n=100")).json()).cache).toBe("miss");
});
