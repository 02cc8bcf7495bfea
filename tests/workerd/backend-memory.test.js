import { conformance } from "./conformance.js";

conformance("memory", { backend: "edgepile.memory", arguments: { maxEntries: 1000 }, persists: true, bounded: true });
