// The state a coherence point keeps per region, and the answer to "what changed since v":
// shared by the Durable Object and the KV transport, so both answer the same way.

/** Changes kept per region; an isolate further behind than this drops its whole L1. */
export const LOG_MAX = 1024;

/**
 * @typedef {{ version: number, hard: number, soft: number, log: Array<[number, string]>, shards: number[] }} CoherenceState
 * A region's marks, its log of [version, key] (oldest first) and its tag shards' versions.
 */

/** @returns {CoherenceState} */
export const emptyState = () => ({ version: 0, hard: 0, soft: 0, log: [], shards: [] });

/** A tag shard's state: tag → [hard, soft, version of its last change]. */
export const emptyTags = () => ({ version: 0, marks: {} });

/**
 * `{ version, hard, soft, changes }`: `changes` is the [version, key][] recorded after `since`;
 * null when they are no longer all in the log, or when `since` is from another life of the
 * state (ahead of it): then the asker cannot know what changed.
 */
export function changesSince(state, since) {
  const oldest = state.log.length > 0 ? state.log[0][0] : state.version + 1;
  let changes;
  if (since === state.version) changes = [];
  else if (since > state.version || since < oldest - 1) changes = null;
  else changes = state.log.filter(([v]) => v > since);
  return { version: state.version, hard: state.hard, soft: state.soft, changes, shards: state.shards ?? [] };
}

/** Records that tag shard `shard` is at `version` (so isolates know to ask it). */
export function shardAt(state, shard, version) {
  state.shards ??= [];
  if (!(version <= (state.shards[shard] ?? 0))) state.shards[shard] = version;
}

/** Moves the marks of `tags` forward to `at`; returns the shard's new version. */
export function markTags(tagState, tags, hard, at) {
  const version = ++tagState.version;
  for (const tag of tags) {
    const [h, s] = tagState.marks[tag] ?? [0, 0];
    tagState.marks[tag] = hard ? [Math.max(h, at), s, version] : [h, Math.max(s, at), version];
  }
  return version;
}

/**
 * `{ version, marks }`: [tag, hard, soft][] changed after `since` (every mark for since 0).
 * @returns {{ version: number, marks: Array<[string, number, number]> }}
 */
export function tagChangesSince(tagState, since) {
  /** @type {Array<[string, number, number]>} */
  const marks = [];
  for (const [tag, [h, s, v]] of Object.entries(tagState.marks)) if (v > since) marks.push([tag, h, s]);
  return { version: tagState.version, marks };
}

/** Logs `keys`; returns the version of the last. */
export function record(state, keys) {
  for (const key of keys) state.log.push([++state.version, String(key)]);
  if (state.log.length > LOG_MAX) state.log.splice(0, state.log.length - LOG_MAX);
  return state.version;
}

/** Moves the hard or soft mark forward to `at` (seconds). */
export function mark(state, hard, at) {
  const which = hard ? "hard" : "soft";
  if (Number.isFinite(at) && at > state[which]) state[which] = at;
  state.version++;
}
