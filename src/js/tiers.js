// The options of a two-tier region: `l1: { maxEntries, ttl }` (an in-isolate tier over a shared
// backend) and `coherence: { namespace, interval }` (the point every isolate consults).
import { ValidationError } from "./errors.js";
import { Coherence, coherenceTransport } from "./coherence/point.js";
import { defaultMaxEntries } from "./memory-store.js";
import { checkOptions, describe } from "./options.js";

/** Seconds an L1 entry is served without coherence telling otherwise: KV's own propagation bound. */
export const DEFAULT_L1_TTL = 60;
/** Seconds between an isolate's coherence checks. */
export const DEFAULT_COHERENCE_INTERVAL = 1;
/** Seconds a coherence check may take before the call goes on without it (backendTimeout wins). */
export const DEFAULT_COHERENCE_TIMEOUT = 1;

function positiveSeconds(v, what) {
  if (!(typeof v === "number" && v > 0 && !Number.isNaN(v))) {
    throw new ValidationError(`${what} must be a positive number of seconds (Infinity allowed), got ${describe(v)}`);
  }
  return v;
}

/** `{ maxEntries, ttl }` for `l1`, or undefined; `inIsolate`: the backend already lives in the isolate. */
export function l1Options(l1, inIsolate) {
  if (l1 === undefined) return undefined;
  const { maxEntries = defaultMaxEntries(), ttl = DEFAULT_L1_TTL } = checkOptions(l1, ["maxEntries", "ttl"], "l1");
  if (inIsolate)
    throw new ValidationError("l1 is a tier over a shared backend; edgepile.memory and edgepile.null already live in the isolate");
  return { maxEntries, ttl: positiveSeconds(ttl, "l1.ttl") };
}

/** The region's Coherence for `coherence`, or undefined. */
export function coherenceOf(coherence, region, backendTimeout) {
  if (coherence === undefined) return undefined;
  const { namespace, interval = DEFAULT_COHERENCE_INTERVAL } = checkOptions(coherence, ["namespace", "interval"], "coherence");
  const transport = coherenceTransport(namespace);
  if (!(typeof interval === "number" && interval >= 0 && Number.isFinite(interval))) {
    throw new ValidationError(`coherence.interval must be a number of seconds ≥ 0, got ${describe(interval)}`);
  }
  return new Coherence(transport, { region, interval, timeout: backendTimeout ?? DEFAULT_COHERENCE_TIMEOUT });
}
