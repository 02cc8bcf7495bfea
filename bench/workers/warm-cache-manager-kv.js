// The subject of cache-manager-kv.js over a KV binding kept in the isolate (the warm KV-hit suite).
import worker from "./cache-manager-kv.js";
import { overMemoryKv } from "./lib/memory-kv.js";

export default overMemoryKv(worker);
