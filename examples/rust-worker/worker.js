// Entry module: load the wasm-bindgen glue and module (a .wasm import is a WebAssembly.Module in
// workerd), then hand requests to the Rust #[event(fetch)] handler.
import wasmModule from "./pkg/edgepile_rust_worker_example_bg.wasm";
import { initSync, fetch as rustFetch } from "./pkg/edgepile_rust_worker_example.js";

initSync({ module: wasmModule });

export default { fetch: rustFetch };
