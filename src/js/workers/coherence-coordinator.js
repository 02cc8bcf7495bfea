// The coherence point of tiered regions: one object per region (named after it), holding the
// region's invalidation marks and a bounded log of written and deleted keys; and one object per
// tag shard of a region, holding the marks of the tags that hash to it (so a hot tag does not
// share one object with all the others). The same class plays both parts. A Durable Object
// runs one request at a time and its storage is strongly consistent, so every isolate sees a
// change as soon as it is recorded. Each isolate asks at most once per `interval`.
import { DurableObject } from "cloudflare:workers";
import { changesSince, emptyState, emptyTags, mark, markTags, record, shardAt, tagChangesSince } from "../coherence/log.js";

export class CoherenceCoordinator extends DurableObject {
  #state = emptyState();
  #tags = emptyTags();

  constructor(ctx, env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get("state")) ?? emptyState();
      this.#tags = (await ctx.storage.get("tags")) ?? emptyTags();
    });
  }

  /** What changed after version `since`; see coherence/log.js. */
  changes(since) {
    return changesSince(this.#state, Number(since));
  }

  /** Records writes or deletes of `keys`; returns the version of the last. */
  async publish(keys) {
    const version = record(this.#state, keys);
    await this.ctx.storage.put("state", this.#state);
    return version;
  }

  /** As a region's object: tag shard `shard` is at `version`. */
  async shardChanged(shard, version) {
    shardAt(this.#state, Number(shard), Number(version));
    this.#state.version++;
    await this.ctx.storage.put("state", this.#state);
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
    await this.ctx.storage.put("state", this.#state);
  }
}
