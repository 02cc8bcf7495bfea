// The demo's slow origin: the periodic table (demo/data/elements.json) behind simulated latency,
// counting how often it is asked.
import elements from "./data/elements.json";

export const UPSTREAM_MS = 300;
let calls = 0;

export function upstreamCalls() {
  return calls;
}

/** An element by atomic number or symbol, after UPSTREAM_MS; null if there is none. */
export async function fetchElement(id, ms = UPSTREAM_MS) {
  calls++;
  await new Promise((resolve) => setTimeout(resolve, ms));
  const n = Number(id);
  const found = Number.isInteger(n) ? elements[n - 1] : elements.find((e) => e.symbol.toLowerCase() === String(id).toLowerCase());
  return found ? { ...found, fetchedAt: new Date().toISOString() } : null;
}
