// The coherence point of tiered regions: one object per region (named after it), holding the
// region's invalidation marks and a bounded log of written and deleted keys; and one object per
// tag shard of a region, holding the marks of the tags that hash to it (so a hot tag does not
// share one object with all the others). The same class plays both parts. A Durable Object
// runs one request at a time and its storage is strongly consistent, so every isolate sees a
// change as soon as it is recorded. Each isolate asks at most once per `interval`.
//
// Storage: the marks and versions under one small key ("meta"), each log entry under a key of
// its own ("log:<version>"), so a publish writes what it adds (and deletes what falls off the
// log) instead of rewriting the whole log: a region taking many writes a second would otherwise
// rewrite up to LOG_MAX entries per write.
import { DurableObject } from "cloudflare:workers";
import { changesSince, emptyState, emptyTags, LOG_MAX, mark, markTags, record, shardAt, tagChangesSince } from "../coherence/log.js";

const LOG = "log:";
const logKey = (version) => LOG + String(version).padStart(16, "0");
const BATCH = 128; // keys per storage put/delete call, the platform's limit

export class CoherenceCoordinator extends DurableObject {
  #state = emptyState();
  #tags = emptyTags();

  constructor(ctx, env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.#state = await this.#load();
      this.#tags = /** @type {ReturnType<typeof emptyTags> | undefined} */ (await ctx.storage.get("tags")) ?? emptyTags();
    });
  }

  /** @returns {Promise<import("../coherence/log.js").CoherenceState>} */
  async #load() {
    const storage = this.ctx.storage;
    const meta = /** @type {Omit<import("../coherence/log.js").CoherenceState, "log"> | undefined} */ (await storage.get("meta"));
    if (meta === undefined) {
      // The layout before per-entry log keys kept everything under "state".
      const old = /** @type {import("../coherence/log.js").CoherenceState | undefined} */ (await storage.get("state"));
      if (old === undefined) return emptyState();
      await this.#persist(old, old.log, []);
      await storage.delete("state");
      return old;
    }
    /** @type {Array<[number, string]>} */
    const log = [];
    const entries = /** @type {Map<string, string>} */ (await storage.list({ prefix: LOG, limit: LOG_MAX }));
    for (const [k, key] of entries) log.push([Number(k.slice(LOG.length)), key]);
    return { ...meta, log };
  }

  /**
   * Writes the marks and versions, the log entries `added`, and deletes those `dropped`.
   * @param {import("../coherence/log.js").CoherenceState} state
   * @param {Array<[number, string]>} added
   * @param {Array<[number, string]>} dropped
   */
  async #persist(state, added, dropped) {
    const storage = this.ctx.storage;
    const { version, hard, soft, shards } = state;
    const puts = [["meta", { version, hard, soft, shards }], ...added.map(([v, key]) => [logKey(v), key])];
    const writes = [];
    for (let i = 0; i < puts.length; i += BATCH) writes.push(storage.put(Object.fromEntries(puts.slice(i, i + BATCH))));
    const gone = dropped.map(([v]) => logKey(v));
    for (let i = 0; i < gone.length; i += BATCH) writes.push(storage.delete(gone.slice(i, i + BATCH)));
    await Promise.all(writes);
  }

  /** What changed after version `since`; see coherence/log.js. */
  changes(since) {
    return changesSince(this.#state, Number(since));
  }

  /** Records writes or deletes of `keys`; returns the version of the last. */
  async publish(keys) {
    const from = this.#state.version;
    const log = this.#state.log;
    // What the log will let go of to stay within LOG_MAX (record() trims it in place).
    const dropped = log.slice(0, Math.max(0, Math.min(log.length, log.length + keys.length - LOG_MAX)));
    const version = record(this.#state, keys);
    await this.#persist(
      this.#state,
      this.#state.log.filter(([v]) => v > from),
      dropped,
    );
    return version;
  }

  /** As a region's object: tag shard `shard` is at `version`. */
  async shardChanged(shard, version) {
    shardAt(this.#state, Number(shard), Number(version));
    this.#state.version++;
    await this.#persist(this.#state, [], []);
  }

  /** As a tag shard's object: marks `tags` invalidated at `at` (seconds); returns its version. */
  async invalidateTags(tags, hard, at) {
    const version = markTags(this.#tags, tags.map(String), Boolean(hard), Number(at));
    await this.ctx.storage.put("tags", this.#tags);
    return version;
  }

  /** As a tag shard's object: marks changed after version `since`. */
  tagChanges(since) {
    return tagChangesSince(this.#tags, Number(since));
  }

  /** Records a hard or soft invalidation made at `at` (seconds). */
  async invalidate(hard, at) {
    mark(this.#state, Boolean(hard), Number(at));
    await this.#persist(this.#state, [], []);
  }
}
