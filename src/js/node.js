// Entry for Node.js: compile the wasm from the file beside the glue.
import { readFileSync } from "node:fs";
import { initSync } from "../../pkg/edgepile.js";

initSync({ module: readFileSync(new URL("../../pkg/edgepile_bg.wasm", import.meta.url)) });

export * from "./index.js";
