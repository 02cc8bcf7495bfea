// The coherence point in one KV key per region, for regions without a Durable Object. Best
// effort, as KV is: a change reaches other locations only as KV propagates it (up to ~60 s),
// and KV takes one write per second per key, so writes recorded in the same second can fail
// (reported, and then bounded by l1.ttl like any missed change). Read-modify-write: two
// isolates recording at once can lose one of the two changes.
import { changesSince, emptyState, emptyTags, mark, markTags, record, shardAt, tagChangesSince } from "./log.js";

export class KvCoherence {
  constructor(namespace, prefix = "edgepile-coherence:") {
    this.namespace = namespace;
    this.prefix = prefix;
  }

  async #state(region) {
    return (await this.namespace.get(this.prefix + region, "json")) ?? emptyState();
  }

  async changes(region, since) {
    return changesSince(await this.#state(region), since);
  }

  async publish(region, keys) {
    const state = await this.#state(region);
    const version = record(state, keys);
    await this.namespace.put(this.prefix + region, JSON.stringify(state));
    return version;
  }

  async tagChanges(region, shard, since) {
    return tagChangesSince((await this.namespace.get(`${this.prefix}${region}#tags${shard}`, "json")) ?? emptyTags(), since);
  }

  async invalidateTags(region, shard, tags, hard, at) {
    const key = `${this.prefix}${region}#tags${shard}`;
    const tagState = (await this.namespace.get(key, "json")) ?? emptyTags();
    const version = markTags(tagState, tags, hard, at);
    await this.namespace.put(key, JSON.stringify(tagState));
    const state = await this.#state(region);
    shardAt(state, shard, version);
    state.version++;
    await this.namespace.put(this.prefix + region, JSON.stringify(state));
  }

  async invalidate(region, hard, at) {
    const state = await this.#state(region);
    mark(state, hard, at);
    await this.namespace.put(this.prefix + region, JSON.stringify(state));
  }
}
