// The connection of an "edgepile.redis" region: a node-redis client it opens from `url` (and
// closes), or one the caller passes in `client` (and keeps). Every command is bounded in time
// and every failure becomes a BackendError whose cause is the client's error.
//
// An opened client fails fast while it is disconnected (no offline queue: a command written
// into a dead socket would wait for the reconnection, past any deadline) and reconnects by
// itself with a capped backoff, so a region recovers from a restarted server without a restart
// of its own.
import { BackendError, TimeoutError, ValidationError } from "../errors.js";
import { describe } from "../options.js";

/** Seconds a command may take when the region sets no `backendTimeout`. */
export const DEFAULT_COMMAND_TIMEOUT = 5;
// Per-command options. node-redis (v6) bounds each command with an AbortSignal.timeout of its
// own by default, which costs about as much CPU as the rest of a GET; it only covers the time
// before the command is written, and `bounded` below covers all of it, so it is turned off.
const OWN_TIMEOUT = { timeout: undefined };
// RESP's bulk-string type ('$') mapped to Buffer: the stored envelope comes back as bytes
// rather than being decoded as UTF-8.
const BLOB_STRING = 36;
const AS_BUFFERS = { ...OWN_TIMEOUT, typeMapping: { [BLOB_STRING]: Buffer } };
// Reconnection: 50 ms doubling to 1 s between attempts, for as long as it takes.
const reconnectStrategy = (retries) => Math.min(50 * 2 ** retries, 1000);

function isNodeRedisClient(c) {
  // node-redis ≥ 5 clients have sendCommand(args, options) and boolean isOpen/isReady; ioredis
  // clients also have a sendCommand, of another shape, and no isReady.
  return (
    c !== null &&
    typeof c === "object" &&
    typeof c.sendCommand === "function" &&
    typeof c.multi === "function" &&
    typeof c.isReady === "boolean"
  );
}

function checkUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`edgepile.redis: url must be a Redis URL such as "redis://127.0.0.1:6379", got ${describe(url)}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ValidationError(`edgepile.redis: url must start with redis:// or rediss://, got ${describe(url)}`);
  }
  return url;
}

// `what` names the operation in errors: a string, or a function making one, so the hit path
// does not build a message it will not need.
const named = (what) => (typeof what === "function" ? what() : what);

/** `promise`, or a BackendError (cause: TimeoutError) after `ms`. */
function bounded(promise, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const cause = new TimeoutError(`no answer within ${ms} ms`);
      reject(new BackendError(`Redis ${named(what)} failed: no answer within ${ms} ms`, { cause }));
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function failure(what, e) {
  return e instanceof BackendError ? e : new BackendError(`Redis ${named(what)} failed: ${e?.message ?? e}`, { cause: e });
}

/**
 * A node-redis client this connection opened: the part of it used here.
 * @typedef {import("../index.js").NodeRedisClientLike & {
 *   on(event: "error", listener: (error: unknown) => void): unknown,
 *   connect(): Promise<unknown>,
 *   close(): Promise<void>,
 *   destroy(): void,
 * }} OpenedClient
 */

export class RedisConnection {
  #url;
  #client; // set once a usable client exists
  #opening; // the first connection of an opened client, while it is pending
  #created; // the client this connection created, connected or not
  #own; // whether this connection opened the client (and so closes it)
  #timeoutMs;
  #closed = false;

  /**
   * @param {{ url?: string, client?: object }} args
   * @param {{ timeout?: number }} options seconds per command
   */
  constructor({ url, client }, { timeout } = {}) {
    if ((url === undefined) === (client === undefined)) {
      throw new ValidationError("edgepile.redis needs arguments.url (a Redis URL) or arguments.client (a node-redis client), not both");
    }
    if (client !== undefined && !isNodeRedisClient(client)) {
      throw new ValidationError(
        `edgepile.redis: client must be a node-redis client (createClient from "redis", version 5 or later), got ${describe(client)}`,
      );
    }
    this.#url = url === undefined ? undefined : checkUrl(url);
    this.#client = client;
    this.#own = client === undefined;
    this.#timeoutMs = Math.max(1, Math.round((timeout ?? DEFAULT_COMMAND_TIMEOUT) * 1000));
  }

  /** The client, opened on first use: configure() stays synchronous and free of side effects. */
  #ready() {
    if (this.#client !== undefined) return this.#client;
    if (this.#closed) throw new BackendError("Redis connection is closed");
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open() {
    let createClient;
    try {
      // node-redis's own types need @types/node, which edgepile does not depend on: what is used
      // of the client it opens is typed here (OpenedClient).
      ({ createClient } = /** @type {{ createClient(options: object): OpenedClient }} */ (/** @type {unknown} */ (await import("redis"))));
    } catch (e) {
      throw new BackendError('edgepile.redis with arguments.url needs the "redis" package: npm install redis', { cause: e });
    }
    const client = createClient({ url: this.#url, disableOfflineQueue: true, socket: { reconnectStrategy } });
    this.#created = client;
    // node-redis emits "error" for every failed reconnection attempt, and an EventEmitter with no
    // listener would throw it at the process. Callers see failures as their commands' errors.
    client.on("error", () => {});
    // Resolves at the first successful connection, retrying meanwhile (the server may start
    // after this process); commands wait for it, each within its own deadline.
    try {
      await client.connect();
    } catch (e) {
      // Given up (close() during the first connection, a refused handshake): the next command
      // starts over with a new client.
      if (client.isOpen) client.destroy();
      this.#opening = undefined;
      throw e;
    }
    if (this.#closed) throw new BackendError("Redis connection is closed");
    this.#client = client;
    return client;
  }

  /** The client once connected (the pub/sub bus duplicates it). */
  async connected(what = "connect") {
    try {
      const c = this.#ready();
      return c instanceof Promise ? await bounded(c, this.#timeoutMs, what) : c;
    } catch (e) {
      throw failure(what, e);
    }
  }

  /**
   * One command, e.g. ["GET", key]; bulk strings come back as Buffers when `buffers` is set.
   * A command that times out is not cancelled: its reply still arrives in order on the
   * connection and is dropped, so no later command can receive it.
   */
  async command(args, what, buffers = false) {
    try {
      let c = this.#client;
      if (c === undefined) c = await bounded(this.#ready(), this.#timeoutMs, what);
      return await bounded(c.sendCommand(args, buffers ? AS_BUFFERS : OWN_TIMEOUT), this.#timeoutMs, what);
    } catch (e) {
      throw failure(what, e);
    }
  }

  /** Several commands in one MULTI/EXEC: one round trip, applied together. */
  async transaction(commands, what) {
    try {
      let c = this.#client;
      if (c === undefined) c = await bounded(this.#ready(), this.#timeoutMs, what);
      const multi = c.multi();
      for (const args of commands) multi.addCommand(args);
      return await bounded(multi.exec(), this.#timeoutMs, what);
    } catch (e) {
      throw failure(what, e);
    }
  }

  /** Closes the client if this connection opened it; a client passed in stays the caller's. */
  async close() {
    this.#closed = true;
    if (!this.#own) return;
    const c = this.#created;
    this.#client = undefined;
    this.#created = undefined;
    if (c === undefined || !c.isOpen) return;
    // A client still trying its first connection has nothing to flush: stop it at once.
    if (c.isReady) await c.close();
    else c.destroy();
  }
}
