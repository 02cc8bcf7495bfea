// The dogpile lock across processes: 8 Node processes, each with 50 concurrent cold calls on one
// key, share one Redis; and the lease holder killed in the middle of its creation.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { describe, it } from "node:test";
import { key, useRedis } from "./helpers.mjs";

const redis = useRedis();
const PROCESSES = 8;
const CALLS = 50;

/** Forks the processes and resolves once every one has loaded edgepile. */
async function start(t, n) {
  const children = Array.from({ length: n }, () =>
    fork(new URL("./process.mjs", import.meta.url), [redis.server.url], { stdio: "inherit" }),
  );
  // A failed assertion must not leave processes behind.
  t.after(() => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill("SIGKILL")));
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve, reject) => {
          c.once("message", (m) => (m.type === "ready" ? resolve() : reject(new Error(`unexpected ${m.type}`))));
          c.once("exit", (code) => reject(new Error(`a process exited early (${code})`)));
        }),
    ),
  );
  return children;
}

const doneOf = (c) => new Promise((resolve) => c.on("message", (m) => m.type === "done" && resolve(m)));
const exitOf = (c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("exit", resolve)));

describe("the dogpile lock across processes", () => {
  it(`${PROCESSES} processes × ${CALLS} concurrent cold calls on one key: exactly 1 creator call`, { timeout: 60_000 }, async (t) => {
    const children = await start(t, PROCESSES);
    const creating = [];
    for (const c of children) c.on("message", (m) => m.type === "creating" && creating.push(m));
    const k = key("stampede");
    const done = children.map(doneOf);
    // A creation long enough that every process reads the key before it is stored: without
    // the lease, each of them would create it.
    for (const c of children) c.send({ type: "run", key: k, calls: CALLS, creatorMs: 1000 });
    const answers = (await Promise.all(done)).flatMap((d) => d.answers);
    await Promise.all(children.map(exitOf));
    assert.equal(creating.length, 1, `creator calls: ${creating.length}`);
    assert.equal(answers.length, PROCESSES * CALLS);
    assert.deepEqual(new Set(answers), new Set([`made by ${creating[0].pid}`]));
  });

  it("the lease holder SIGKILLed mid-creation: another process creates once its lease has expired", { timeout: 60_000 }, async (t) => {
    const children = await start(t, PROCESSES);
    const leaseTtl = 1;
    const creating = [];
    const k = key("killed");
    let killed;
    let onKilled;
    const killing = new Promise((resolve) => (onKilled = resolve));
    for (const c of children) {
      c.on("message", (m) => {
        if (m.type !== "creating") return;
        creating.push(m);
        if (killed === undefined) {
          killed = c;
          c.kill("SIGKILL");
          onKilled();
        } else c.send({ type: "proceed" });
      });
    }
    const done = children.map(doneOf);
    for (const c of children) c.send({ type: "run", key: k, calls: CALLS, gate: true, leaseTtl, lockTimeout: 15 });
    await killing;
    await exitOf(killed);
    const survivors = children.filter((c) => c !== killed);
    const answers = (await Promise.all(done.filter((_, i) => children[i] !== killed))).flatMap((d) => d.answers);
    await Promise.all(survivors.map(exitOf));
    assert.equal(creating.length, 2, `creator calls: ${creating.map((m) => m.pid).join(", ")}`);
    const [first, second] = creating;
    assert.equal(first.pid, killed.pid);
    // The holder took its lease just before its creator started; nobody may create before it expires.
    assert.ok(second.at - first.at >= leaseTtl * 1000 - 50, `the next creation started ${second.at - first.at} ms after the first`);
    assert.equal(answers.length, (PROCESSES - 1) * CALLS);
    assert.deepEqual(new Set(answers), new Set([`made by ${second.pid}`]));
  });
});
