// "edgepile.redis" (Node): a region over Redis.
//
// - Values are the bytes the chain hands down (the MessagePack envelope, or a codec's bytes or
//   text) stored as they are, and come back as Buffers.
// - A value lives physically for its expiration plus `staleTtl` (PX, milliseconds), so Redis
//   reclaims it while a stale value can still be served; -1 (never) stores it without expiry.
// - A hit is one GET; getMulti is one MGET; setMulti is one MULTI/EXEC; deleteMulti one DEL.
// - The dogpile lock is on unless `distributedLock: false`: `leases` is the region's lease
//   client (leases/redis.js) over the same connection.
// - `bus` is pub/sub over the same Redis, for what runs across processes.
import { ValidationError } from "../errors.js";
import { describe } from "../options.js";
import { NO_VALUE } from "../no-value.js";
import { RedisLeases } from "../leases/redis.js";
import { RedisConnection } from "../redis/connection.js";
import { RedisBus } from "../redis/bus.js";
import { encodeItem, keptFor, staleWindow } from "./items.js";

/** Physical lifetime in ms of a value whose expiration is `ttl` seconds (undefined: never):
 * the byte stores' rule (items.js keptFor), to the millisecond. */
export function physicalMs(ttl, window) {
  const seconds = keptFor(ttl, window, 0.001);
  return seconds === undefined ? undefined : Math.ceil(seconds * 1000);
}

/** What Redis stores for an item: bytes as a Buffer (no copy), text as it is. */
function stored(item) {
  const { bytes, text } = encodeItem(item);
  return bytes === undefined ? text : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class RedisBackend {
  /**
   * @param {{ url?: string, client?: object, staleTtl?: number, distributedLock?: boolean, lockPrefix?: string }} args
   * @param {{ expirationTime?: number, backendTimeout?: number }} region
   */
  constructor(args, region = {}) {
    const { staleTtl, distributedLock = true, lockPrefix } = args ?? {};
    if (typeof distributedLock !== "boolean")
      throw new ValidationError(`distributedLock must be true or false, got ${describe(distributedLock)}`);
    this.connection = new RedisConnection(args ?? {}, { timeout: region.backendTimeout });
    this.bus = new RedisBus(this.connection);
    this.stale = staleWindow(staleTtl, region);
    this.defaultTtl = typeof region.expirationTime === "number" ? region.expirationTime : undefined;
    this.leases = distributedLock ? new RedisLeases(this.connection, lockPrefix) : undefined;
    // Lease keys (`<lockPrefix><key>`) live among the values: a value key that starts with the
    // prefix would be another key's lease, so such keys are refused.
    this.reserved = this.leases?.prefix;
  }

  #check(key) {
    if (this.reserved !== undefined && key.startsWith(this.reserved)) {
      throw new ValidationError(
        `the key ${JSON.stringify(key)} starts with the Redis lease prefix ${JSON.stringify(this.reserved)}: it would be another key's lease; ` +
          "use a keyMangler such as prefixMangler, or another lockPrefix",
      );
    }
    return key;
  }

  #setArgs(key, item, options) {
    const ms = physicalMs(options?.ttl ?? this.defaultTtl, this.stale);
    this.#check(key);
    return ms === undefined ? ["SET", key, stored(item)] : ["SET", key, stored(item), "PX", String(ms)];
  }

  async get(key) {
    const found = await this.connection.command(["GET", this.#check(key)], () => `read of ${JSON.stringify(key)}`, true);
    return found === null ? NO_VALUE : found;
  }

  async getMulti(keys) {
    if (keys.length === 0) return [];
    for (const k of keys) this.#check(k);
    const found = await this.connection.command(["MGET", ...keys], `read of ${keys.length} keys`, true);
    return found.map((v) => (v === null ? NO_VALUE : v));
  }

  async set(key, item, options) {
    await this.connection.command(this.#setArgs(key, item, options), () => `write of ${JSON.stringify(key)}`);
  }

  async setMulti(mapping, options) {
    const keys = Object.keys(mapping);
    if (keys.length === 0) return;
    await this.connection.transaction(
      keys.map((k) => this.#setArgs(k, mapping[k], options)),
      `write of ${keys.length} keys`,
    );
  }

  async delete(key) {
    await this.connection.command(["DEL", this.#check(key)], () => `delete of ${JSON.stringify(key)}`);
  }

  async deleteMulti(keys) {
    if (keys.length === 0) return;
    for (const k of keys) this.#check(k);
    await this.connection.command(["DEL", ...keys], `delete of ${keys.length} keys`);
  }

  /** Closes the connection this backend opened from `url` (a `client` passed in stays open). */
  async close() {
    await this.bus.close();
    await this.connection.close();
  }
}
