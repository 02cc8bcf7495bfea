// A Lua script run by its SHA-1 (EVALSHA), sent in full (EVAL) only when the server does not
// know it yet: after a restart or a SCRIPT FLUSH the next call loads it again by itself.
import { createHash } from "node:crypto";

export class RedisScript {
  constructor(source) {
    this.source = source;
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script on `connection` with `keys` and `args`. */
  async run(connection, keys, args, what) {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await connection.command(["EVALSHA", this.sha, ...tail], what);
    } catch (e) {
      if (!String(e.cause?.message).startsWith("NOSCRIPT")) throw e;
      return connection.command(["EVAL", this.source, ...tail], what);
    }
  }
}
