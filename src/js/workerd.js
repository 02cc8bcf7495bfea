// Entry for Cloudflare Workers (workerd): a .wasm import is a compiled WebAssembly.Module there.
import wasmModule from "../../pkg/edgepile_bg.wasm";
import { initSync } from "../../pkg/edgepile.js";

initSync({ module: wasmModule });

export * from "./index.js";
