// The same suite through proxy chains: what a codec returns is what the store keeps, and
// every operation still behaves as on the bare backend.
import { CompressionProxy, JsonCodecProxy, StatsProxy } from "../../src/js/workerd.js";
import { conformance } from "./conformance.js";

conformance("memory+stats", { backend: "edgepile.memory", wrap: () => [StatsProxy], persists: true });
conformance("memory+compression", { backend: "edgepile.memory", wrap: () => [new CompressionProxy()], persists: true });
conformance("null+stats", { backend: "edgepile.null", wrap: () => [StatsProxy], persists: false });
