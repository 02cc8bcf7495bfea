// The same suite through proxy chains: what a codec returns is what the store keeps, and
// every operation still behaves as on the bare backend.
import { env } from "cloudflare:test";
import { CompressionProxy, FaultProxy, JsonCodecProxy, StatsProxy } from "../../src/js/workerd.js";
import { conformance } from "./conformance.js";

conformance("memory+stats", { backend: "edgepile.memory", wrap: () => [StatsProxy], persists: true });
conformance("memory+compression", { backend: "edgepile.memory", wrap: () => [new CompressionProxy()], persists: true });
conformance("null+stats", { backend: "edgepile.null", wrap: () => [StatsProxy], persists: false });
conformance("memory+json", { backend: "edgepile.memory", wrap: () => [JsonCodecProxy], persists: true, json: true });
conformance("memory+fault(0)", { backend: "edgepile.memory", wrap: () => [new FaultProxy({ seed: 1 })], persists: true });
conformance("kv+stats+compression", {
  backend: "edgepile.cloudflare_kv",
  arguments: () => ({ namespace: env.CACHE }),
  wrap: () => [StatsProxy, new CompressionProxy()],
  persists: true,
});
