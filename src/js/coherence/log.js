// The state a coherence point keeps per region, and the answer to "what changed since v":
// shared by the Durable Object and the KV transport, so both answer the same way.

/** Changes kept per region; an isolate further behind than this drops its whole L1. */
export const LOG_MAX = 1024;

export const emptyState = () => ({ version: 0, hard: 0, soft: 0, log: [] });

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
  return { version: state.version, hard: state.hard, soft: state.soft, changes };
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
