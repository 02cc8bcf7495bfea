// The V8 heap of a Worker's isolate, through workerd's inspector (the DevTools protocol): what a
// library keeps in memory after a run, garbage collected first.
import { createServer } from "node:net";
import WebSocket from "ws";

/** A free loopback port for Miniflare's `inspectorPort`. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bytes used on the heap of Worker `name` after a full garbage collection. workerd runs the
 * collection on the isolate's next turn, so `poke()` (a cheap request) gives it one.
 */
export async function heapUsed(port, name, poke) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core:user:${name}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let next = 0;
  const pending = new Map();
  ws.on("message", (m) => {
    const msg = JSON.parse(String(m));
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  });
  // Integer ids: workerd's protocol bridge refuses others.
  const send = (method) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method }));
    });
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, 10_000); // an isolate that does not answer: reported as not measured
  });
  try {
    const measured = (async () => {
      let done = false;
      const collected = send("HeapProfiler.collectGarbage").then(() => {
        done = true;
      });
      // A turn may pass before the collection runs: poke until it has, a few times at most.
      for (let i = 0; i < 5 && !done; i++) {
        await poke();
        await Promise.race([collected, new Promise((r) => setTimeout(r, 500))]);
      }
      await collected;
      return (await send("Runtime.getHeapUsage")).usedSize;
    })();
    return await Promise.race([measured, timeout]);
  } finally {
    clearTimeout(timer);
    ws.close();
  }
}
