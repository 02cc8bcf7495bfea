// One redis-server for the vitest files, its URL handed to them as inject("redisUrl").
import { startRedis } from "../../scripts/redis-server.mjs";

export default async function setup({ provide }) {
  const server = await startRedis();
  provide("redisUrl", server.url);
  return () => server.stop();
}
