// The coherence point of tiered regions: one object per region (named after it), holding the
// region's invalidation marks and a bounded log of written and deleted keys. A Durable Object
// runs one request at a time and its storage is strongly consistent, so every isolate sees a
// change as soon as it is recorded. Each isolate asks at most once per `interval`.
import { DurableObject } from "cloudflare:workers";
import { changesSince, emptyState, mark, record } from "../coherence/log.js";

export class CoherenceCoordinator extends DurableObject {
  #state = emptyState();

  constructor(ctx, env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get("state")) ?? emptyState();
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

  /** Records a hard or soft invalidation made at `at` (seconds). */
  async invalidate(hard, at) {
    mark(this.#state, Boolean(hard), Number(at));
    await this.ctx.storage.put("state", this.#state);
  }
}
