// The dogpile lock on Redis: the lease client alone, then as the region uses it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LockTimeout, makeRegion, RedisLeases } from "../../src/js/node.js";
import { RedisConnection } from "../../src/js/redis/connection.js";
import { countCommands, fakeClock, key, useRedis } from "./helpers.mjs";

const redis = useRedis();
const get = (k) => redis.raw.sendCommand(["GET", k]);

describe("RedisLeases", () => {
  const leases = () => new RedisLeases(new RedisConnection({ client: redis.raw }), "lk:");

  it("one holder at a time; only the holder's token releases it", async () => {
    const l = leases();
    const k = key("lease");
    const token = await l.acquire(k, 10);
    assert.equal(typeof token, "string");
    assert.equal(await get(`lk:${k}`), token);
    assert.equal(await l.acquire(k, 10), null);
    await l.release(k, "someone else's token");
    assert.equal(await get(`lk:${k}`), token, "a wrong token leaves the lease in place");
    await l.release(k, token);
    assert.equal(await get(`lk:${k}`), null);
    assert.equal(typeof (await l.acquire(k, 10)), "string");
  });

  it("a lease expires by itself (PX), so a dead holder blocks nobody for longer", async () => {
    const l = leases();
    const k = key("expiry");
    await l.acquire(k, 0.2);
    const pttl = Number(await redis.raw.sendCommand(["PTTL", `lk:${k}`]));
    assert.ok(pttl > 0 && pttl <= 200, `PTTL ${pttl}`);
    assert.equal(await l.acquire(k, 10), null);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(typeof (await l.acquire(k, 10)), "string");
  });

  it("release loads its script again after the server forgot it", async () => {
    const l = leases();
    const k = key("noscript");
    const t1 = await l.acquire(k, 10);
    await l.release(k, t1);
    await redis.raw.sendCommand(["SCRIPT", "FLUSH"]);
    const t2 = await l.acquire(k, 10);
    const counts = await countCommands(redis.raw, () => l.release(k, t2));
    assert.equal(await get(`lk:${k}`), null);
    assert.deepEqual(counts, { evalsha: 1, eval: 1, get: 1, del: 1 });
  });
});

describe("the region's lock on Redis", () => {
  const region = (args = {}, options = {}, regionOptions = {}) =>
    makeRegion(regionOptions).configure("edgepile.redis", { expirationTime: 60, ...options, arguments: { client: redis.raw, ...args } });

  it("is on by default: a cold miss holds the lease while creating and releases it", async () => {
    const r = region({ lockPrefix: "mine:" });
    const k = key("cold");
    const events = [];
    r.on("*", (e) => events.push(e.type));
    let heldDuringCreation;
    await r.getOrCreate(k, async () => {
      heldDuringCreation = await get(`mine:${k}`);
      return "v";
    });
    assert.equal(typeof heldDuringCreation, "string");
    assert.equal(await get(`mine:${k}`), null, "released");
    assert.ok(events.includes("leaseAcquired"), events.join());
  });

  it("a cold miss with the lock is 4 requests: GET, SET NX PX, SET PX, EVALSHA", async () => {
    const r = region();
    await r.get(key("connect"));
    const counts = await countCommands(redis.raw, () => r.getOrCreate(key("count"), () => "v"));
    // Redis counts the release script's own GET and DEL too.
    assert.deepEqual(counts, { get: 2, set: 2, evalsha: 1, del: 1 });
  });

  it("distributedLock: false takes no lease", async () => {
    const r = region({ distributedLock: false });
    const events = [];
    r.on("*", (e) => events.push(e.type));
    const counts = await countCommands(redis.raw, () => r.getOrCreate(key("nolock"), () => "v"));
    assert.deepEqual(counts, { get: 1, set: 1 });
    assert.ok(!events.some((e) => e.startsWith("lease")), events.join());
  });

  it("a stale value is served at once while another process holds the lease", async () => {
    const clock = fakeClock();
    const r = region({}, { expirationTime: 10 }, { clock });
    const k = key("stale");
    await r.set(k, "old");
    clock.advance(11);
    await redis.raw.sendCommand(["SET", `edgepile-lock:${k}`, "another process", "PX", "10000"]);
    assert.equal(await r.getOrCreate(k, () => assert.fail("the lease is held elsewhere")), "old");
    await redis.raw.sendCommand(["DEL", `edgepile-lock:${k}`]);
    assert.equal(await r.getOrCreate(k, () => "new"), "new");
  });

  it("with nothing to serve, waits for the holder up to lockTimeout, then creates (LockTimeout reported)", async () => {
    const clock = fakeClock();
    const slept = [];
    // The waits advance the region's clock instead of taking real time.
    const sleep = async (ms) => {
      slept.push(ms);
      clock.advance(ms / 1000);
    };
    const errors = [];
    const r = region({ lockTimeout: 3 }, {}, { clock, sleep, onError: (e) => errors.push(e) });
    const k = key("wait");
    await redis.raw.sendCommand(["SET", `edgepile-lock:${k}`, "a dead holder", "PX", "60000"]);
    assert.equal(await r.getOrCreate(k, () => "mine"), "mine");
    const waited = slept.reduce((a, b) => a + b, 0);
    assert.ok(waited >= 2999 && waited < 3100, `waited ${waited} ms`);
    assert.ok(
      errors.some((e) => e instanceof LockTimeout),
      errors.map(String).join(),
    );
  });

  it("a waiter that gets the lease after the holder stored the value reads it instead of creating", async () => {
    const k = key("handover");
    const holder = region();
    const waiter = region({}, {}, { sleep: (ms) => new Promise((res) => setTimeout(res, Math.min(ms, 20))) });
    let release;
    const creating = holder.getOrCreate(
      k,
      () =>
        new Promise((res) => {
          release = () => res("from the holder");
        }),
    );
    while (release === undefined) await new Promise((res) => setTimeout(res, 5));
    const waiting = waiter.getOrCreate(k, () => assert.fail("the holder creates it"));
    await new Promise((res) => setTimeout(res, 50));
    release();
    assert.deepEqual(await Promise.all([creating, waiting]), ["from the holder", "from the holder"]);
  });
});
