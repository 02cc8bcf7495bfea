// Values cross runtimes through one envelope: a Node process caches a value with a Date, a BigInt,
// a Map, a Set and an undefined over Redis; a Worker (workerd) decodes the very bytes Redis holds
// and gets the same types back.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Miniflare } from "miniflare";
import { makeRegion } from "../../src/js/node.js";
import { bundle, workerOptions } from "../../scripts/workerd-harness.mjs";
import { key, useRedis } from "./helpers.mjs";

const redis = useRedis();
let mf;

before(async () => {
  const dir = await bundle("redis-envelope-reader", "tests/redis/workers/envelope-reader.js");
  mf = new Miniflare(workerOptions(dir));
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
});

it("a value written from Node over Redis reads in a Worker with its Dates, BigInts, Maps and Sets", async () => {
  const region = makeRegion().configure("edgepile.redis", { expirationTime: 300, arguments: { client: redis.raw } });
  const k = key("interop");
  const at = new Date("2026-11-30T07:00:00.123Z");
  const value = {
    at,
    big: 2n ** 70n + 1n,
    map: new Map([
      ["a", 1],
      ["b", 2],
    ]),
    tags: new Set(["x"]),
    gone: undefined,
  };
  await region.set(k, value);
  const bytes = await redis.raw.sendCommand(["GET", k], { typeMapping: { 36: Buffer } });
  const res = await mf.dispatchFetch("http://reader/", { method: "POST", body: bytes });
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), {
    dateIsDate: true,
    dateIso: at.toISOString(),
    bigIsBigInt: true,
    big: String(2n ** 70n + 1n),
    mapIsMap: true,
    mapEntries: [
      ["a", 1],
      ["b", 2],
    ],
    setIsSet: true,
    undefinedKept: true,
  });
});
