// The Node/Redis section: each library's get-or-create over one local redis-server (Debian's,
// started here on a free loopback port): hit latency, Redis requests per hit and per cold miss,
// and a stampede of several Node processes on one cold key.
import { fork } from "node:child_process";
import { createClient } from "redis";
import { haveRedisServer, startRedis } from "../../scripts/redis-server.mjs";
import { monitor } from "./monitor.mjs";
import { REDIS_SUBJECTS, openSubject } from "./subjects.mjs";

const VALUE = { id: 1, name: "ada", roles: ["admin", "dev"], active: true };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `processes` Node processes × `calls` concurrent cold calls on one key. */
async function stampede(subject, url, { processes, calls, creatorMs }) {
  const children = Array.from({ length: processes }, () =>
    fork(new URL("./stampede-process.mjs", import.meta.url), [subject.id, url], { stdio: ["ignore", "inherit", "inherit", "ipc"] }),
  );
  try {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve, reject) => {
            c.once("message", resolve);
            c.once("exit", (code) => reject(new Error(`${subject.id}: a stampede process exited (${code})`)));
          }),
      ),
    );
    const key = `stampede:${subject.id}`;
    const results = await Promise.all(
      children.map((c) => {
        const done = new Promise((resolve) => c.once("message", resolve));
        c.send({ key, calls, creatorMs });
        return done;
      }),
    );
    const answers = results.flatMap((r) => r.answers);
    return {
      creatorCalls: results.reduce((a, r) => a + r.creatorCalls, 0),
      distinctValues: new Set(answers.map((a) => JSON.stringify(a))).size,
      wrong: answers.filter((a) => a.error !== undefined || a.key !== key).length,
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
}

export async function redisSuite({ n, rounds, processes, calls, creatorMs, log = () => {} }) {
  if (!haveRedisServer()) {
    log("redis-server is not installed (scripts/setup.sh installs it as root): the Redis section is skipped");
    return { skipped: "redis-server is not installed" };
  }
  const server = await startRedis();
  let counter;
  const opened = [];
  try {
    const info = createClient({ url: server.url });
    await info.connect();
    const redisVersion = /redis_version:(\S+)/.exec(await info.sendCommand(["INFO", "server"]))?.[1];
    await info.close();
    for (const s of REDIS_SUBJECTS) opened.push({ subject: s, cache: await openSubject(s, server.url), times: [] });
    const create = () => VALUE;
    for (const o of opened) {
      const k = `hit:${o.subject.id}`;
      await o.cache.getOrCreate(k, create);
      for (let i = 0; i < Math.min(n, 1000); i++) await o.cache.getOrCreate(k, create); // warm up
    }
    // Rounds interleave the subjects, so a slower moment of the machine hits them all alike.
    for (let r = 0; r < rounds; r++) {
      for (const o of opened) {
        const k = `hit:${o.subject.id}`;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await o.cache.getOrCreate(k, create);
        o.times.push(((performance.now() - t0) * 1e6) / n);
      }
    }
    // MONITOR slows every command down: it is on only while counting, after the timings.
    counter = await monitor(server.url);
    const rows = [];
    for (const o of opened) {
      const hits = 20;
      const hit = await counter.count(async () => {
        for (let i = 0; i < hits; i++) await o.cache.getOrCreate(`hit:${o.subject.id}`, create);
      });
      const miss = await counter.count(() => o.cache.getOrCreate(`miss:${o.subject.id}`, create));
      await o.cache.close();
      o.closed = true;
      log(`redis: ${o.subject.id} stampede…`);
      const st = await stampede(o.subject, server.url, { processes, calls, creatorMs });
      rows.push({
        id: o.subject.id,
        label: o.subject.label,
        l1: o.subject.l1,
        lock: o.subject.lock,
        n,
        median: median(o.times),
        min: Math.min(...o.times),
        max: Math.max(...o.times),
        hitRequests: hit.total / hits,
        missRequests: miss.total,
        missCommands: miss.byCommand,
        stampede: st,
      });
    }
    return { redisVersion, processes, calls, creatorMs, rows };
  } finally {
    await Promise.allSettled(opened.filter((o) => !o.closed).map((o) => o.cache.close()));
    await counter?.close();
    await server.stop();
  }
}
