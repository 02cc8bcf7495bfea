// The routes every bench subject answers, so one driver measures every library the same way.
// A subject is what a user of that library would write: `get(key, create)` through the
// library's get-or-create path with a long TTL, and `getExpiring(key, create, ctx)` with a 1 s
// TTL and the library's stale-serving option where it has one (edgepile's: the request's
// ExecutionContext, so regeneration runs in the background).
//
//   GET /?n=N                   N awaited hits on one key (timed from outside)
//   GET /stampede?n=&key=&ms=   N concurrent calls on a cold key, the creator taking ms
//   GET /one?key=&ms=           one call (spread over isolates by the driver)
//   GET /load?seconds=&every=&callers=&ms=   constant load across expiries
//   GET /store?shape=           create one value of a payload shape; bytes written to KV
//   GET /counts, /reset         creator calls and KV operations in this isolate
//   GET /scale-prep?cell=&n=&keys=&write=&store=   fixes a cell's scale workload (see zipf.js)
//                               over the store named `store` (default: the write mix's)
//   GET /scale?cell=&n=         the first n operations of that cell; answers the misses
//   GET /cycle?n=               n times: delete one key, then get-or-create it (a miss), in the
//                               store named "cycle"
//
// A subject's `scale(name)` makes a store for the scale suite (one per name, made at first use):
// get-or-create, delete and set over a store that holds all of the suite's keys.
import { countingKv } from "./counting-kv.js";
import { PAYLOADS } from "./payloads.js";
import { DELETE, GET, workload } from "./zipf.js";

const HIT_KEY = "user:1";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function serve(setup) {
  let subject;
  let kv;
  let creatorCalls = 0;
  const cells = new Map(); // scale cell → { ops, store }
  const stores = new Map(); // scale store name → { get, del, set }
  const storeOf = (name) => {
    let store = stores.get(name);
    if (store === undefined) stores.set(name, (store = subject.scale(name)));
    return store;
  };
  let scaleValue = 0;
  // A synchronous creator, as a cache of computed values has: the miss path is the library's.
  const scaleCreator = () => {
    creatorCalls++;
    return { n: ++scaleValue };
  };
  let hitCreations = 0; // the hit routes' creator: once per isolate when every later call hits
  const hitCreator = () => {
    hitCreations++;
    return { id: 1, name: "value" };
  };
  const slowCreator = (ms, value) => async () => {
    creatorCalls++;
    if (ms > 0) await sleep(ms);
    return value;
  };

  const routes = {
    async "/"(q) {
      const n = q("n", 0);
      let last;
      for (let i = 0; i < n; i++) last = await subject.get(HIT_KEY, hitCreator);
      return String(last?.id);
    },
    async "/stampede"(q, key) {
      const create = slowCreator(q("ms", 50), { key });
      const values = await Promise.all(Array.from({ length: q("n", 100) }, () => subject.get(key, create)));
      return { wrong: values.filter((v) => v?.key !== key).length };
    },
    async "/one"(q, key) {
      const value = await subject.get(key, slowCreator(q("ms", 200), { key }));
      return { ok: value?.key === key };
    },
    async "/load"(q, key, url, ctx) {
      // Callers arrive `callers` at a time every `every` ms for `seconds`; each call's wait is
      // measured with Date.now(), which advances across timers and I/O. The key is warm first.
      const ms = q("ms", 100);
      const starts = [];
      const created = []; // version → when it was made: a value served over 1 s later is stale
      let version = 0;
      const create = async () => {
        starts.push(Date.now());
        await sleep(ms);
        created[++version] = Date.now();
        return { key, version };
      };
      await subject.getExpiring(key, create, ctx);
      starts.length = 0;
      const until = Date.now() + q("seconds", 3) * 1000;
      const calls = [];
      const one = async () => {
        const t0 = Date.now();
        const value = await subject.getExpiring(key, create, ctx);
        const made = created[value?.version];
        return { wait: Date.now() - t0, wrong: value?.key !== key, stale: made !== undefined && Date.now() - made > 1000 };
      };
      while (Date.now() < until) {
        for (let c = 0; c < q("callers", 5); c++) calls.push(one());
        await sleep(q("every", 20));
      }
      const done = await Promise.all(calls);
      await sleep(ms * 2); // background refreshes still running are counted too
      // Creator calls starting within half the 1 s TTL of the previous one share a window.
      let windows = 0;
      starts.forEach((t, i) => {
        if (i === 0 || t - starts[i - 1] > 500) windows++;
      });
      return {
        calls: done.length,
        waited: done.filter((d) => d.wait >= ms / 2).length,
        wrong: done.filter((d) => d.wrong).length,
        stale: done.filter((d) => d.stale).length,
        periods: q("seconds", 3), // TTL periods of 1 s
        regenerations: starts.length,
        windows,
      };
    },
    async "/burst"(q, key, url, ctx) {
      // n sets of one key spread over `seconds`, with KV's one-write-per-second limit on; then
      // `drain` ms for held writes and retries to land, and a read of what is stored.
      if (subject.set === undefined) return { unsupported: true };
      const n = q("n", 100);
      kv.reset();
      kv.limitWrites(true);
      let errors = 0;
      try {
        for (let i = 0; i < n; i++) {
          try {
            await subject.set(key, { key, i }, ctx);
          } catch {
            errors++;
          }
          await sleep((q("seconds", 1) * 1000) / n);
        }
        await sleep(q("drain", 2500));
      } finally {
        kv.limitWrites(false);
      }
      const stored = await subject.get(key, async () => ({ key, i: -1 }));
      return { sets: n, writes: kv.counts.writes, rejected: kv.counts.rejected, errors, last: stored?.i, lastStored: stored?.i === n - 1 };
    },
    async "/store"(q, key, url) {
      const shape = url.searchParams.get("shape");
      const make = PAYLOADS[shape];
      if (!make) throw new Error(`unknown shape ${shape}`);
      kv.reset();
      await subject.get(`${key}:${shape}`, make);
      return kv.counts.lastWrite;
    },
    async "/scale-prep"(q, key, url) {
      const write = url.searchParams.get("write") ?? "none";
      const ops = workload({ n: q("n", 0), keys: q("keys", 1), write });
      cells.set(url.searchParams.get("cell"), { ops, store: url.searchParams.get("store") ?? write });
      return { n: ops.keys.length };
    },
    async "/scale"(q, key, url) {
      const cell = cells.get(url.searchParams.get("cell"));
      if (cell === undefined) throw new Error("no such scale cell: prepare it with /scale-prep");
      const { get, del, set } = storeOf(cell.store);
      const { keys, kinds } = cell.ops;
      const n = Math.min(q("n", 0), keys.length);
      const before = creatorCalls;
      for (let i = 0; i < n; i++) {
        const kind = kinds[i];
        if (kind === GET) await get(keys[i], scaleCreator);
        else if (kind === DELETE) await del(keys[i]);
        else await set(keys[i], { n: ++scaleValue });
      }
      return String(creatorCalls - before);
    },
    async "/cycle"(q) {
      const { get, del } = storeOf("cycle");
      const n = q("n", 0);
      for (let i = 0; i < n; i++) {
        await del("cycle");
        await get("cycle", scaleCreator);
      }
      return String(n);
    },
    async "/counts"() {
      return { creatorCalls, hitCreations, ...kv?.counts };
    },
    async "/reset"() {
      creatorCalls = 0;
      kv?.reset();
      return {};
    },
  };

  return {
    async fetch(request, env, ctx) {
      if (!subject) {
        kv = env.KV ? countingKv(env.KV) : null;
        subject = setup({ kv, env, ctx });
      }
      const url = new URL(request.url);
      const route = routes[url.pathname];
      if (!route) return new Response("not found", { status: 404 });
      const q = (name, fallback) => Number(url.searchParams.get(name) ?? fallback);
      try {
        const out = await route(q, url.searchParams.get("key") ?? "k", url, ctx);
        return typeof out === "string" ? new Response(out) : Response.json(out);
      } catch (e) {
        return new Response(String(e?.stack ?? e), { status: 500 });
      }
    },
  };
}
