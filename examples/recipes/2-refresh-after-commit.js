// Recipe 2: refreshing cached data after a write "commits", in the background.
// dogpile starts a thread after the ORM commit; a Worker hands the refresh to ctx.waitUntil,
// so the writer answers at once and the cache holds the new data right after.
//   GET  /data?arg=a    cached read (counts database queries)
//   POST /data?arg=a    writes, then refreshes the cache in the background
import { makeRegion } from "edgepile";

/** Stands in for the database: rows per argument, and a query counter. */
export const db = { rows: new Map(), queries: 0 };

const region = makeRegion({ name: "recipe-2" }).configure("edgepile.memory", { expirationTime: 3600 });

export const getSomeData = region.cacheOnArguments(async function getSomeData(argument) {
  db.queries++;
  return [...(db.rows.get(argument) ?? [])];
});

/** The "session": runs hooks after commit, as SQLAlchemy's after_commit event does. */
class Session {
  #afterCommit = [];
  #writes = [];
  add(argument, row) {
    this.#writes.push([argument, row]);
  }
  onCommit(hook) {
    this.#afterCommit.push(hook);
  }
  commit() {
    for (const [argument, row] of this.#writes) db.rows.set(argument, [...(db.rows.get(argument) ?? []), row]);
    for (const hook of this.#afterCommit) hook();
  }
}

/** Refreshes `refresher(...args)` after the session commits, in the background. */
function cacheRefresh(session, ctx, refresher, ...args) {
  session.onCommit(() => ctx.waitUntil(refresher(...args)));
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const argument = url.searchParams.get("arg") ?? "a";
    if (request.method === "POST") {
      const session = new Session();
      session.add(argument, `row-${Date.now()}-${db.rows.get(argument)?.length ?? 0}`);
      cacheRefresh(session, ctx, getSomeData.refresh, argument);
      session.commit();
      return Response.json({ written: true });
    }
    return Response.json({ data: await getSomeData(argument), queries: db.queries });
  },
};
