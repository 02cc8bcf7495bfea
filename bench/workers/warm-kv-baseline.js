// The subject of kv-baseline.js over a KV binding kept in the isolate (the warm KV-hit suite).
import worker from "./kv-baseline.js";
import { overMemoryKv } from "./lib/memory-kv.js";

export default overMemoryKv(worker);
