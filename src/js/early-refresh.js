// Early refresh (XFetch) on the JS hit path: whether a fresh hit starts a background
// regeneration. The probability is the core's (xfetch.rs, exported as earlyRefreshProbability);
// this module only reads the option and draws.
import { earlyRefreshProbability } from "../../pkg/edgepile.js";
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

/** Passed to the core for a hit whose draw fired: regenerate in the background, serve now. */
export const FIRED = -1;

/**
 * β for `earlyRefresh`: `true` → 1, `{ beta }` → beta, `false` → 0 (off); undefined stays
 * undefined (the region's setting, or off for the region itself).
 */
export function earlyBeta(option, where) {
  if (option === undefined) return undefined;
  if (option === true) return 1;
  if (option === false) return 0;
  if (option !== null && typeof option === "object" && !Array.isArray(option)) {
    const extra = Object.keys(option).filter((k) => k !== "beta");
    if (extra.length > 0) throw new ValidationError(`${where}: earlyRefresh takes only { beta }, got ${extra.join(", ")}`);
    const { beta = 1 } = option;
    if (typeof beta === "number" && beta > 0 && Number.isFinite(beta)) return beta;
    throw new ValidationError(`${where}: earlyRefresh.beta must be a positive number, got ${describe(beta)}`);
  }
  throw new ValidationError(`${where}: earlyRefresh must be true, false or { beta }, got ${describe(option)}`);
}

/** A draw in [0, 1) from `random` (the region's injected source), else Math.random(). */
function draw(random) {
  if (random === undefined) return Math.random();
  const r = random();
  return typeof r === "number" && r >= 0 && r < 1 ? r : Math.random();
}

/**
 * Whether a hit of a fresh entry (created at `ct`, its creation having taken `d` seconds, living
 * `limit` seconds) fires at `now` with β `beta`. Entries without δ never do.
 */
export function fires(beta, d, ct, limit, now, random) {
  if (!(beta > 0) || !(d > 0) || limit === Infinity) return false;
  return draw(random) < earlyRefreshProbability(limit - (now - ct), d, beta);
}
