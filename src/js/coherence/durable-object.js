// The coherence point in a CoherenceCoordinator Durable Object: one object per region, strongly
// consistent, so every isolate in every location sees a change as soon as it is recorded.
export class DurableObjectCoherence {
  constructor(namespace, prefix = "edgepile-coherence:") {
    this.namespace = namespace;
    this.prefix = prefix;
  }

  #stub(region) {
    return this.namespace.get(this.namespace.idFromName(this.prefix + region));
  }

  changes(region, since) {
    return this.#stub(region).changes(since);
  }

  publish(region, keys) {
    return this.#stub(region).publish(keys);
  }

  invalidate(region, hard, at) {
    return this.#stub(region).invalidate(hard, at);
  }

  #shard(region, shard) {
    return this.namespace.get(this.namespace.idFromName(`${this.prefix}${region}#tags${shard}`));
  }

  tagChanges(region, shard, since) {
    return this.#shard(region, shard).tagChanges(since);
  }

  /** Marks the tags in their shard's object, then tells the region's object the shard moved. */
  async invalidateTags(region, shard, tags, hard, at) {
    const version = await this.#shard(region, shard).invalidateTags(tags, hard, at);
    await this.#stub(region).shardChanged(shard, version);
  }
}
