// The coherence point on Redis, for regions in Node: the state the Durable Object keeps, in a
// few keys per region, changed only by Lua scripts (redis-scripts.js) so each change is atomic
// and exact on one Redis primary. Each change also publishes the region's new version on the
// region's channel; `watch` lets a Coherence in another process hear it and check at its next
// call instead of at its next interval. Pub/sub is best effort: a lost message (a subscriber
// reconnecting, a cut connection) only means the interval check finds the change instead.
import { ValidationError } from "../errors.js";
import { describe } from "../options.js";
import { RedisBus } from "../redis/bus.js";
import { RedisConnection } from "../redis/connection.js";
import { LOG_MAX, changesSince, tagChangesSince } from "./log.js";
import { MARK, MARK_TAGS, RECORD } from "./redis-scripts.js";

const DEFAULT_PREFIX = "edgepile-coherence:";

/** A flat [field, value, ...] reply (RESP2) or a map (RESP3) as entries. */
const entriesOf = (reply) => {
  if (Array.isArray(reply)) return Array.from({ length: reply.length / 2 }, (_, i) => [String(reply[2 * i]), String(reply[2 * i + 1])]);
  return Object.entries(reply ?? {}).map(([f, v]) => [f, String(v)]);
};

/** "<version> <key>" → [version, key]. */
const logEntry = (member) => {
  const s = String(member);
  const space = s.indexOf(" ");
  return [Number(s.slice(0, space)), s.slice(space + 1)];
};

export class RedisCoherence {
  #connection;
  #bus;
  #prefix;
  #pubsub;

  /**
   * @param {{ url?: string, client?: object, prefix?: string, pubsub?: boolean, timeout?: number }} options
   *   `url` or `client` as for "edgepile.redis"; `pubsub: false` checks on the interval only.
   */
  constructor(options) {
    const { url, client, prefix = DEFAULT_PREFIX, pubsub = true, timeout } = options ?? {};
    if (typeof prefix !== "string") throw new ValidationError(`RedisCoherence: prefix must be a string, got ${describe(prefix)}`);
    if (typeof pubsub !== "boolean") throw new ValidationError(`RedisCoherence: pubsub must be true or false, got ${describe(pubsub)}`);
    this.#connection = new RedisConnection({ url, client }, { timeout });
    this.#bus = new RedisBus(this.#connection);
    this.#prefix = prefix;
    this.#pubsub = pubsub;
  }

  // A region's keys share one hash tag ({region}), so they live in one slot of a cluster and a
  // script may touch all of them.
  #keys(region) {
    const base = `${this.#prefix}{${region}}`;
    return {
      state: `${base}:state`,
      log: `${base}:log`,
      shards: `${base}:shards`,
      tags: (s) => `${base}:tags:${s}`,
      channel: `${this.#prefix}${region}`,
    };
  }

  async changes(region, since) {
    const k = this.#keys(region);
    const after = Number.isFinite(since) ? `(${since}` : "-inf";
    const [marks, oldest, newer, shards] = await this.#connection.transaction(
      [
        ["HMGET", k.state, "version", "hard", "soft"],
        ["ZRANGE", k.log, "0", "0"],
        ["ZRANGEBYSCORE", k.log, after, "+inf"],
        ["HGETALL", k.shards],
      ],
      "coherence check",
    );
    // log.js's state with the log cut to what the answer needs: its oldest entry (is `since`
    // still covered?) and the entries after `since`.
    const log = newer.map(logEntry);
    if (oldest.length > 0 && (log.length === 0 || log[0][0] !== logEntry(oldest[0])[0])) log.unshift(logEntry(oldest[0]));
    const state = {
      version: Number(marks[0] ?? 0),
      hard: Number(marks[1] ?? 0),
      soft: Number(marks[2] ?? 0),
      log,
      shards: /** @type {number[]} */ ([]),
    };
    for (const [s, v] of entriesOf(shards)) state.shards[Number(s)] = Number(v);
    return changesSince(state, since);
  }

  async publish(region, keys) {
    const k = this.#keys(region);
    return Number(
      await RECORD.run(this.#connection, [k.state, k.log], [String(LOG_MAX), k.channel, ...keys.map(String)], "coherence publish"),
    );
  }

  async invalidate(region, hard, at) {
    const k = this.#keys(region);
    await MARK.run(
      this.#connection,
      [k.state],
      [hard ? "hard" : "soft", Number.isFinite(at) ? String(at) : "", k.channel],
      "coherence invalidate",
    );
  }

  async tagChanges(region, shard, since) {
    const reply = await this.#connection.command(["HGETALL", this.#keys(region).tags(shard)], "coherence tag check");
    const tagState = { version: 0, marks: {} };
    for (const [field, value] of entriesOf(reply)) {
      if (field === "version") tagState.version = Number(value);
      else if (field.startsWith("t:")) tagState.marks[field.slice(2)] = value.split(" ").map(Number);
    }
    return tagChangesSince(tagState, since);
  }

  async invalidateTags(region, shard, tags, hard, at) {
    if (!Number.isFinite(at)) throw new ValidationError(`invalidateTags: at must be a finite number of seconds, got ${describe(at)}`);
    const k = this.#keys(region);
    await MARK_TAGS.run(
      this.#connection,
      [k.state, k.shards, k.tags(shard)],
      [hard ? "1" : "0", String(at), String(shard), k.channel, ...tags.map(String)],
      "coherence tag invalidate",
    );
  }

  /**
   * Calls `onChange(version)` for each change published for `region`, and `onChange(undefined)`
   * after the subscription reconnected (messages may have been lost); resolves with an
   * unsubscribe function. Nothing when `pubsub` is false.
   */
  async watch(region, onChange) {
    if (!this.#pubsub) return () => {};
    return this.#bus.subscribe(this.#keys(region).channel, (m) => onChange(Number(m)), { onReconnect: () => onChange(undefined) });
  }

  /** Closes the connections this point opened (a `client` passed in stays open). */
  async close() {
    await this.#bus.close();
    await this.#connection.close();
  }
}
