// edgepile.redis as a store: what it writes, for how long, in how many commands, and how it fails.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort, startRedis } from "../../scripts/redis-server.mjs";
import {
  BackendError,
  decodeCachedValue,
  EdgepileError,
  JsonCodecProxy,
  makeRegion,
  NO_VALUE,
  TimeoutError,
  ValidationError,
} from "../../src/js/node.js";
import { countCommands, key, useRedis } from "./helpers.mjs";

const redis = useRedis();
const bytesAt = (k) => redis.raw.sendCommand(["GET", k], { typeMapping: { 36: Buffer } });
const pttl = async (k) => Number(await redis.raw.sendCommand(["PTTL", k]));
const region = (options = {}, args = {}) => {
  const r = makeRegion().configure("edgepile.redis", { ...options, arguments: { url: redis.server.url, ...args } });
  regions.push(r);
  return r;
};
const regions = [];
const closeAll = () => Promise.all(regions.splice(0).map((r) => r.actualBackend.close()));

describe("edgepile.redis storage", () => {
  it("stores the MessagePack envelope bytes as they are", async (t) => {
    t.after(closeAll);
    const r = region({ expirationTime: 60 });
    const k = key("envelope");
    const value = { name: "ada", tags: ["x", "y"], bytes: new Uint8Array([0, 255]), n: 2 ** 53 };
    await r.set(k, value);
    const stored = await bytesAt(k);
    assert.ok(Buffer.isBuffer(stored));
    assert.equal(stored[0], 0x92, "a 2-element MessagePack array: [payload, [ct, v]]");
    assert.deepEqual(decodeCachedValue(new Uint8Array(stored)).payload, value);
    assert.deepEqual(await r.get(k), value);
  });

  it("keeps values for their expiration plus the stale window (PX), never-expiring ones without expiry", async (t) => {
    t.after(closeAll);
    const k = [key("ttl-default"), key("ttl-stale"), key("ttl-call"), key("ttl-never")];
    await region({ expirationTime: 10 }).set(k[0], 1);
    await region({ expirationTime: 10 }, { staleTtl: 5 }).set(k[1], 1);
    await region({ expirationTime: 10 }).getOrCreate(k[2], () => 1, { expirationTime: 100 });
    await region().set(k[3], 1);
    const [a, b, c, d] = await Promise.all(k.map(pttl));
    assert.ok(a > 69_000 && a <= 70_000, `10 s + a 60 s stale window by default, got ${a} ms`);
    assert.ok(b > 14_000 && b <= 15_000, `10 s + staleTtl 5 s, got ${b} ms`);
    assert.ok(c > 199_000 && c <= 200_000, `a call's 100 s + as much stale, got ${c} ms`);
    assert.equal(d, -1, "expirationTime -1: no expiry");
  });

  it("a hit is one GET; getMulti one MGET; setMulti one MULTI/EXEC; deleteMulti one DEL", async (t) => {
    t.after(closeAll);
    const r = region({ expirationTime: 60 }, { distributedLock: false });
    await r.get(key("connect")); // the connection's handshake is not what is counted
    const [a, b, c] = [key("a"), key("b"), key("c")];
    assert.deepEqual(await countCommands(redis.raw, () => r.setMulti({ [a]: 1, [b]: 2, [c]: 3 })), { multi: 1, set: 3, exec: 1 });
    let got;
    assert.deepEqual(await countCommands(redis.raw, async () => (got = await r.getMulti([a, key("none"), c]))), { mget: 1 });
    assert.deepEqual(got, [1, NO_VALUE, 3]);
    assert.deepEqual(await countCommands(redis.raw, () => r.getOrCreate(a, () => assert.fail("a hit"))), { get: 1 });
    assert.deepEqual(await countCommands(redis.raw, () => r.deleteMulti([a, b])), { del: 1 });
    assert.deepEqual(await r.getMulti([a, b, c]), [NO_VALUE, NO_VALUE, 3]);
  });

  it("text from a codec proxy is stored as text and read back", async (t) => {
    t.after(closeAll);
    const r = region({ expirationTime: 60, wrap: [JsonCodecProxy] });
    const k = key("json");
    await r.set(k, { a: [1, "two"] });
    assert.deepEqual(JSON.parse(await redis.raw.sendCommand(["GET", k])).payload, { a: [1, "two"] });
    assert.deepEqual(await r.get(k), { a: [1, "two"] });
  });
});

describe("edgepile.redis failures", () => {
  it("a Redis error is a BackendError with the server's error as its cause", async (t) => {
    t.after(closeAll);
    const r = region();
    const k = key("list");
    await redis.raw.sendCommand(["LPUSH", k, "x"]);
    const err = await r.get(k).then(
      () => assert.fail("resolved"),
      (e) => e,
    );
    assert.ok(err instanceof BackendError, String(err));
    assert.match(String(err.cause?.message), /WRONGTYPE/);
    await assert.rejects(
      r.getOrCreate(k, () => assert.fail("the read failed: nothing to create")),
      BackendError,
    );
  });

  it("a server that stops answering: each operation fails within backendTimeout, then the region works again", async (t) => {
    t.after(closeAll);
    const r = region({ backendTimeout: 0.3 });
    const k = key("paused");
    await r.set(k, "v");
    // Every client's commands wait until the pause ends (CLIENT UNPAUSE would wait too).
    await redis.raw.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
    const timed = async (p) => {
      const t0 = performance.now();
      const err = await p.then(
        () => assert.fail("resolved"),
        (e) => e,
      );
      return { err, ms: performance.now() - t0 };
    };
    const get = await timed(r.get(k));
    assert.ok(get.err instanceof BackendError, String(get.err));
    assert.ok(get.ms < 800, `get answered after ${get.ms} ms`);
    // The lease client is not bounded by the core: its own deadline applies, and says so.
    const lease = await timed(r.actualBackend.leases.acquire(k, 5));
    assert.ok(lease.err instanceof BackendError, String(lease.err));
    assert.ok(lease.err.cause instanceof TimeoutError, String(lease.err.cause));
    assert.ok(lease.ms < 800, `the lease answered after ${lease.ms} ms`);
    await redis.raw.sendCommand(["PING"]); // answered when the pause ends
    assert.equal(await r.get(k), "v");
  });

  it("a server that is not up yet: calls fail within backendTimeout, and the region connects once it starts", async (t) => {
    t.after(closeAll);
    const port = await freePort();
    const r = makeRegion().configure("edgepile.redis", { backendTimeout: 0.3, arguments: { url: `redis://127.0.0.1:${port}` } });
    regions.push(r);
    const t0 = performance.now();
    await assert.rejects(
      r.getOrCreate(key("early"), () => 1),
      BackendError,
    );
    assert.ok(performance.now() - t0 < 800);
    const late = await startRedis({ port });
    t.after(() => late.stop());
    let value;
    for (let i = 0; i < 40 && value === undefined; i++) {
      value = await r.getOrCreate(key("late"), () => "up").catch(() => new Promise((res) => setTimeout(res, 100)));
    }
    assert.equal(value, "up");
  });

  it("close() ends a connection opened from url and leaves a client passed in open", async () => {
    const r = region();
    await r.set(key("close"), 1);
    await r.actualBackend.close();
    await assert.rejects(r.get(key("closed")), BackendError);
    const passed = makeRegion().configure("edgepile.redis", { arguments: { client: redis.raw } });
    await passed.actualBackend.close();
    assert.equal(redis.raw.isOpen, true);
    await passed.set(key("still"), 1);
  });
});

describe("edgepile.redis lease keys", () => {
  it("with leases, a value key that would be another key's lease is refused, and nothing is written", async (t) => {
    t.after(closeAll);
    const r = region({ expirationTime: 60 });
    const leaseOfX = "edgepile-lock:x";
    for (const attempt of [
      () => r.set(leaseOfX, 1),
      () => r.get(leaseOfX),
      () => r.getOrCreate(leaseOfX, () => 1),
      () => r.delete(leaseOfX),
      () => r.setMulti({ ok: 1, [leaseOfX]: 2 }),
      () => r.getMulti(["ok", leaseOfX]),
      () => r.deleteMulti(["ok", leaseOfX]),
    ]) {
      await assert.rejects(attempt(), /starts with the Redis lease prefix/);
    }
    assert.equal(await redis.raw.sendCommand(["EXISTS", leaseOfX, "ok"]), 0);
    // Without leases nothing is reserved.
    const plain = region({ expirationTime: 60 }, { distributedLock: false });
    await plain.set(leaseOfX, 1);
    assert.equal(await plain.get(leaseOfX), 1);
  });
});

describe("edgepile.redis arguments", () => {
  const configure = (args) => () => makeRegion().configure("edgepile.redis", { arguments: args });
  it("refuses what cannot work, before opening anything", () => {
    assert.throws(configure({}), /needs arguments.url .* or arguments.client/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", client: {} }), ValidationError);
    assert.throws(configure({ url: "http://127.0.0.1:6379" }), /redis:\/\/ or rediss:\/\//);
    assert.throws(configure({ url: "not a url" }), ValidationError);
    assert.throws(configure({ client: { sendCommand() {}, status: "ready" } }), /node-redis client/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", namespace: {} }), /no option "namespace"/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", distributedLock: "yes" }), /distributedLock must be true or false/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", staleTtl: -1 }), /staleTtl/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", lockTimeout: 0 }), /lockTimeout/);
    assert.throws(configure({ url: "redis://127.0.0.1:1", lockPrefix: "" }), /lockPrefix of Redis leases must be a non-empty string/);
    for (const f of [configure({}), configure({ url: 1 })]) assert.throws(f, (e) => e instanceof EdgepileError);
  });
});
