// Helpers for the Redis tests (node --test): a redis-server per test file, a raw client to look
// at what edgepile stored, and Redis's own count of the commands it ran.
import { after, before } from "node:test";
import { createClient } from "redis";
import { startRedis } from "../../scripts/redis-server.mjs";

/**
 * Starts a redis-server before the file's tests and stops it after; the returned object gets
 * `server` (with url, restart(), stop()) and `raw`, a client with bulk strings as Buffers.
 */
export function useRedis() {
  const ctx = {};
  before(async () => {
    ctx.server = await startRedis();
    ctx.raw = createClient({ url: ctx.server.url });
    ctx.raw.on("error", () => {}); // reconnections while a test restarts the server
    await ctx.raw.connect();
  });
  after(async () => {
    if (ctx.raw?.isOpen) ctx.raw.destroy();
    await ctx.server?.stop();
  });
  return ctx;
}

/** Calls per command name since the last reset, from INFO commandstats. */
export async function commandCounts(raw) {
  const info = await raw.sendCommand(["INFO", "commandstats"]);
  const out = {};
  for (const m of String(info).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** The commands `work` made Redis run, by name; the counting's own INFO/CONFIG calls left out. */
export async function countCommands(raw, work) {
  await raw.sendCommand(["CONFIG", "RESETSTAT"]);
  await work();
  const counts = await commandCounts(raw);
  for (const name of Object.keys(counts)) if (/^(info|config)\b/.test(name)) delete counts[name];
  return counts;
}

export { fakeClock } from "../workerd/fake-clock.js";

let unique = 0;
/** A key no other test uses. */
export const key = (name) => `${name}:${process.pid}:${++unique}`;
