// The coherence point as a region uses it: at most one check per `interval` seconds, made
// lazily by the first call that finds the last one too old (no timers, nothing while no request
// arrives), shared by every call that arrives while it runs, bounded by a timeout. The
// transport (a Durable Object, a KV key, Redis, or any object with the same three methods) holds, per
// region, the invalidation marks and a bounded log of written and deleted keys, each with a
// version number; a check asks what changed since the version this isolate last saw. A
// transport that can announce changes (`watch(region, onChange)`, as Redis pub/sub does) makes
// the next call check at once; the interval still bounds what an announcement lost leaves unseen.
import { BackendError, ValidationError } from "../errors.js";
import { describe } from "../options.js";
import { tagShard } from "../tags.js";
import { DurableObjectCoherence } from "./durable-object.js";
import { KvCoherence } from "./kv.js";

const OWN_MAX = 4096; // versions of this isolate's own writes remembered, to skip their echo
const NO_SHARDS =
  "the coherence point's changes() answered no `shards` (the version of each tag shard's last change, by shard): " +
  "tag invalidations made through it would not reach other isolates";

/** The transport for `coherence.namespace`: a CoherenceCoordinator binding, a KV namespace, or a custom point. */
export function coherenceTransport(namespace) {
  if (namespace !== null && typeof namespace === "object") {
    if (["changes", "publish", "invalidate"].every((m) => typeof namespace[m] === "function")) return namespace;
    if (typeof namespace.idFromName === "function") return new DurableObjectCoherence(namespace);
    if (typeof namespace.get === "function" && typeof namespace.put === "function") return new KvCoherence(namespace);
  }
  throw new ValidationError(
    `coherence.namespace must be a CoherenceCoordinator Durable Object binding, a KV namespace, or an object with changes/publish/invalidate; got ${describe(namespace)}`,
  );
}

/** The transport's answer, or a BackendError (with the cause) when it fails or takes too long. */
function withTimeout(run, seconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BackendError(`${what} did not answer within ${Math.round(seconds * 1000)} ms`)), seconds * 1000);
  });
  const answer = Promise.resolve()
    .then(run)
    .catch((e) => {
      throw e instanceof BackendError ? e : new BackendError(`${what} failed`, { cause: e });
    });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

export class Coherence {
  #transport;
  #region;
  #interval;
  #timeout;
  #version = 0;
  #checkedAt = -Infinity;
  /** @type {Promise<void> | undefined} */
  #inflight = undefined;
  #own = new Set();
  #nudged = false; // a change was announced since the last check began
  /** @type {Promise<unknown> | undefined} */
  #watching = undefined; // the transport's watch (optional), started by the first check
  #shards = []; // the version of each tag shard this isolate has taken on
  #noShards = false; // a point with tag methods answered its last changes() without `shards`

  /** `interval`, `timeout`: seconds. */
  constructor(transport, { region, interval, timeout }) {
    this.#transport = transport;
    this.#region = region;
    this.#interval = interval;
    this.#timeout = timeout;
  }

  get interval() {
    return this.#interval;
  }

  /** True when the last check is `interval` or more old at `now` (the region's clock, seconds). */
  due(now) {
    return this.#nudged || now - this.#checkedAt >= this.#interval;
  }

  /**
   * The transport announced a change at `version` (undefined: changes may have gone unannounced):
   * the next call checks without waiting out the interval. Versions this isolate has already
   * taken on, or wrote itself, are ignored, so its own writes cost it no check.
   */
  nudge(version) {
    if (version !== undefined && (version <= this.#version || this.#own.has(version))) return;
    this.#nudged = true;
  }

  /** Starts the transport's announcements once (again after a failure); a failure goes to `failed`. */
  #watch(failed) {
    if (typeof this.#transport.watch !== "function") return undefined;
    this.#watching ??= withTimeout(
      () => this.#transport.watch(this.#region, (v) => this.nudge(v)),
      this.#timeout,
      "the coherence point's announcements",
    ).catch((e) => {
      this.#watching = undefined;
      failed(e);
    });
    return this.#watching;
  }

  /**
   * Asks what changed and hands it to `apply({ hard, soft, keys })` (`keys` null: too far
   * behind, drop everything); a failure goes to `failed(error)` and the next check waits a full
   * interval, so a point that is down costs each isolate one timeout per interval.
   */
  sync(now, apply, failed) {
    this.#inflight ??= (async () => {
      // A nudge arriving while this check runs may announce a change it misses: it stands.
      this.#nudged = false;
      try {
        await this.#watch(failed);
        const state = await withTimeout(() => this.#transport.changes(this.#region, this.#version), this.#timeout, "the coherence point");
        // Too far behind for the log, yet every change since was this isolate's own (a burst of
        // its own writes): nothing to drop, rather than all of L1.
        const keys =
          state.changes !== null
            ? state.changes.filter(([v]) => !this.#own.has(v)).map(([, k]) => k)
            : this.#allOwn(this.#version, state.version)
              ? []
              : null;
        const tags = await this.#tagChanges(state.shards ?? []);
        apply({ hard: state.hard ?? 0, soft: state.soft ?? 0, keys, tags });
        this.#version = state.version;
        const noShards = !Array.isArray(state.shards) && typeof this.#transport.tagChanges === "function";
        // Told once (and again if it comes back): without shards no isolate learns that a tag shard moved.
        if (noShards && !this.#noShards) failed(new ValidationError(NO_SHARDS));
        this.#noShards = noShards;
      } catch (e) {
        failed(e);
      } finally {
        this.#checkedAt = now;
        this.#inflight = undefined;
      }
    })();
    return this.#inflight;
  }

  /** True when every version after `since` up to `version` is one this isolate wrote. */
  #allOwn(since, version) {
    if (!(version >= since) || version - since > this.#own.size) return false;
    for (let v = since + 1; v <= version; v++) if (!this.#own.has(v)) return false;
    return true;
  }

  /** The marks of the tag shards that moved since this isolate last asked: one request each. */
  async #tagChanges(shards) {
    const moved = [];
    shards.forEach((v, s) => {
      if (typeof v === "number" && v > (this.#shards[s] ?? 0)) moved.push(s);
    });
    if (moved.length === 0) return [];
    const answers = await Promise.all(
      moved.map((s) =>
        withTimeout(() => this.#transport.tagChanges(this.#region, s, this.#shards[s] ?? 0), this.#timeout, "the coherence point"),
      ),
    );
    moved.forEach((s, i) => {
      this.#shards[s] = answers[i].version;
    });
    return answers.flatMap((a) => a.marks);
  }

  /** Records an invalidation of `tags` made at `at`, in each tag's shard. */
  async invalidateTags(tags, hard, at) {
    if (typeof this.#transport.invalidateTags !== "function") {
      throw new ValidationError("this coherence point has no invalidateTags(region, shard, tags, hard, at): tags stay in this isolate");
    }
    if (this.#noShards) throw new ValidationError(NO_SHARDS);
    const byShard = new Map();
    for (const tag of tags) {
      const s = tagShard(tag);
      byShard.set(s, [...(byShard.get(s) ?? []), tag]);
    }
    await Promise.all(
      [...byShard].map(([s, group]) =>
        withTimeout(() => this.#transport.invalidateTags(this.#region, s, group, hard, at), this.#timeout, "the coherence point"),
      ),
    );
  }

  /** Records writes or deletes of `keys` (backend keys); this isolate will not drop them again. */
  async publish(keys) {
    const last = await withTimeout(() => this.#transport.publish(this.#region, keys), this.#timeout, "the coherence point");
    if (typeof last === "number") {
      if (this.#own.size > OWN_MAX) this.#own.clear();
      for (let v = last - keys.length + 1; v <= last; v++) this.#own.add(v);
    }
  }

  invalidate(hard, at) {
    return withTimeout(() => this.#transport.invalidate(this.#region, hard, at), this.#timeout, "the coherence point");
  }
}
