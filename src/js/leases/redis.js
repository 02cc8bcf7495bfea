// Leases as Redis keys: `SET <lockPrefix><key> <token> NX PX <ttl>` takes the lease only if
// nobody holds it, and it expires by itself, so a dead holder blocks nobody past the TTL.
// Release deletes the key only if it still holds our token (a Lua script, atomic on the
// server): a holder that outlived its lease cannot delete the next holder's.
//
// Exact on one Redis primary: SET NX is atomic there. Replication is asynchronous, so after a
// failover the promoted replica may not have a lease the old primary granted, and a second
// caller can take it: at most one extra creation per key per failover.
import { randomUUID } from "node:crypto";
import { ValidationError } from "../errors.js";
import { RedisScript } from "../redis/script.js";

export const DEFAULT_LOCK_PREFIX = "edgepile-lock:";

const RELEASE = new RedisScript('if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0');

export class RedisLeases {
  /** @param {import("../redis/connection.js").RedisConnection} connection */
  constructor(connection, prefix = DEFAULT_LOCK_PREFIX) {
    if (typeof prefix !== "string" || prefix === "") {
      throw new ValidationError("lockPrefix of Redis leases must be a non-empty string: lease keys share the database with values");
    }
    this.connection = connection;
    this.prefix = prefix;
  }

  /**
   * A token if the lease on `key` was free (now ours for `ttlSeconds`), else null. A SET that
   * misses its deadline may still take the lease on the server: it is then held by nobody until
   * it expires, as a dead holder's would be.
   */
  async acquire(key, ttlSeconds) {
    const token = randomUUID();
    const ms = String(Math.max(1, Math.ceil(ttlSeconds * 1000)));
    const reply = await this.connection.command(["SET", this.prefix + key, token, "NX", "PX", ms], "lease");
    return reply === "OK" ? token : null;
  }

  /** Gives the lease back if `token` still holds it; a no-op otherwise. */
  async release(key, token) {
    await RELEASE.run(this.connection, [this.prefix + key], [token], "lease release");
  }
}
