// Entry for browsers and bundlers (Vite, esbuild, webpack): fetch and compile the wasm beside
// the glue. Bundlers that understand `new URL(…, import.meta.url)` ship the file for you.
import init from "../../pkg/edgepile.js";

await init({ module_or_path: new URL("../../pkg/edgepile_bg.wasm", import.meta.url) });

export * from "./index.js";
