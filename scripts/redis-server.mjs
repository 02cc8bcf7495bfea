// A throwaway redis-server for tests and benchmarks: Debian's binary on a free loopback port,
// its files in a temporary directory, no persistence, stopped by its PID. scripts/setup.sh
// installs the binary when it is missing.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BINARY = process.env.EDGEPILE_REDIS_SERVER ?? "redis-server";

/** True when the redis-server binary can be run. */
export function haveRedisServer() {
  return spawnSync(BINARY, ["--version"], { stdio: "ignore" }).status === 0;
}

/** A loopback port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server and resolves once it accepts connections. `port` reuses a port (a
 * restart); otherwise a free one is picked. Returns { port, url, pid, stop(), restart() }.
 */
export async function startRedis({ port, dir } = {}) {
  if (!haveRedisServer()) {
    throw new Error(`${BINARY} is not installed: run 'apt-get install -y redis-server' (scripts/setup.sh does when run as root)`);
  }
  const ownDir = dir === undefined;
  dir ??= mkdtempSync(join(tmpdir(), "edgepile-redis-"));
  port ??= await freePort();
  const child = spawn(BINARY, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port} within 10 s:\n${log}`)), 10_000);
    const onData = (chunk) => {
      log += chunk;
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${log}`));
    });
  });
  // Keep draining its output: a full pipe would block the server.
  child.stdout.resume();
  child.stderr.resume();
  const server = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    /** Stops this server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
    async stop({ keepDir = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, "SIGTERM");
        const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, "SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir && !keepDir) rmSync(dir, { recursive: true, force: true });
    },
    /** A new server on the same port and directory, after this one has stopped. */
    async restart() {
      await server.stop({ keepDir: true });
      const next = await startRedis({ port, dir });
      Object.assign(server, { pid: next.pid, stop: next.stop, restart: next.restart });
      return server;
    },
  };
  return server;
}
