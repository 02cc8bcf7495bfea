// The subject of cachified-kv.js over a KV binding kept in the isolate (the warm KV-hit suite).
import worker from "./cachified-kv.js";
import { overMemoryKv } from "./lib/memory-kv.js";

export default overMemoryKv(worker);
