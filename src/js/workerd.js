// Entry for Cloudflare Workers (workerd): a .wasm import is a compiled WebAssembly.Module there.
import wasmModule from "../../pkg/edgepile_bg.wasm";
import { initSync } from "../../pkg/edgepile.js";

initSync({ module: wasmModule });

export * from "./index.js";
// Durable Object classes exist only in workerd: re-export them from your Worker's main module.
export { LeaseCoordinator, EdgepileStore } from "./workers/durable-objects.js";
export { CoherenceCoordinator } from "./workers/coherence-coordinator.js";
