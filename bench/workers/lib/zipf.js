// The scale workload: a fixed sequence of operations over `keys` keys whose popularity follows
// Zipf(s), with a write every `every` operations. Seeded, so every library replays exactly the
// same keys, the same writes and therefore the same misses.
import { random as prng } from "../../../src/js/proxies/fault.js";

/** Key ranks 0..keys-1 drawn with P(i) ∝ 1 / (i + 1)^s, by inverse CDF. */
function zipfSampler(keys, s, random) {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let i = 0; i < keys; i++) cdf[i] = total += 1 / (i + 1) ** s;
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const GET = 0;
export const DELETE = 1;
export const SET = 2;

/**
 * `n` operations: `{ keys: string[], kinds: Uint8Array }`. Every `every`-th one (when `write`
 * is "delete" or "set") writes a drawn key instead of reading it.
 */
export function workload({ n, keys, write = "none", every = 100, s = 1.1, seed = 42 }) {
  const random = prng(seed);
  const draw = zipfSampler(keys, s, random);
  const names = Array.from({ length: keys }, (_, i) => `user:${i}`);
  const out = { keys: new Array(n), kinds: new Uint8Array(n) };
  const writeKind = write === "delete" ? DELETE : write === "set" ? SET : GET;
  for (let i = 0; i < n; i++) {
    out.keys[i] = names[draw()];
    out.kinds[i] = writeKind !== GET && i % every === every - 1 ? writeKind : GET;
  }
  return out;
}
