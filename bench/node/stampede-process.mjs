// One process of the Redis stampede (bench/node/redis.mjs): opens a subject, then on "run" makes
// `calls` concurrent cold get-or-create calls on one key and reports its creator calls and
// answers.
import { REDIS_SUBJECTS, openSubject } from "./subjects.mjs";

const [id, url] = process.argv.slice(2);
const subject = REDIS_SUBJECTS.find((s) => s.id === id);
const cache = await openSubject(subject, url);

process.on("message", async ({ key, calls, creatorMs }) => {
  let creatorCalls = 0;
  const create = async () => {
    creatorCalls++;
    await new Promise((r) => setTimeout(r, creatorMs));
    return { key, by: process.pid };
  };
  const settled = await Promise.allSettled(Array.from({ length: calls }, () => cache.getOrCreate(key, create)));
  const answers = settled.map((s) => (s.status === "fulfilled" ? s.value : { error: String(s.reason) }));
  process.send({ creatorCalls, answers });
  await cache.close();
  process.disconnect();
});
process.send({ ready: true });
