// A cost model: what the cache's storage operations cost per million requests at a given hit
// ratio, from the operation counts measured for a hit and for a cold miss. Prices are Workers
// KV's and Durable Objects' published paid-plan rates beyond the monthly inclusions
// (https://developers.cloudflare.com/kv/platform/pricing/,
// https://developers.cloudflare.com/durable-objects/platform/pricing/), as of 2026-11.
// Workers request charges are the same for every library and are left out.
export const PRICES = {
  read: 0.5 / 1e6,
  write: 5 / 1e6,
  delete: 5 / 1e6,
  list: 5 / 1e6,
  doRequest: 0.15 / 1e6,
};

// A Durable Object lease is two requests to the LeaseCoordinator per creation (acquire, then
// release); the KV counting binding cannot see them, so they are added here.
const DO_REQUESTS_PER_MISS = { "Durable Object": 2 };

function dollars(ops, doRequests) {
  return (
    ops.reads * PRICES.read +
    ops.writes * PRICES.write +
    ops.deletes * PRICES.delete +
    ops.lists * PRICES.list +
    doRequests * PRICES.doRequest
  );
}

/**
 * $ per million requests at each hit ratio, for each KV subject measured by kvOps: misses as
 * lone cold misses, and (`burst`) as the cross-isolate stampede measured by acrossIsolates,
 * where many requests miss the same key at once.
 */
export function costModel(kvRows, subjects, isolateRows = [], ratios = [0.9, 0.99]) {
  return kvRows
    .filter((r) => r.store === "kv")
    .map((r) => {
      const lease = subjects.find((s) => s.id === r.id).lease;
      const perHit = dollars(r.hit, 0);
      const perMiss = dollars(r.miss, DO_REQUESTS_PER_MISS[lease] ?? 0);
      const burst = isolateRows.find((i) => i.id === r.id);
      const calls = burst ? burst.calls : 0;
      const perBurstMiss = burst ? dollars(burst, (DO_REQUESTS_PER_MISS[lease] ?? 0) * burst.creatorCalls) / calls : null;
      const at = (perMissCost) => Object.fromEntries(ratios.map((h) => [h, 1e6 * (h * perHit + (1 - h) * perMissCost)]));
      return { id: r.id, label: r.label, perMillion: at(perMiss), perMillionBursts: burst ? at(perBurstMiss) : null };
    });
}
