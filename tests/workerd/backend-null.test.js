import { conformance } from "./conformance.js";

conformance("null", { backend: "edgepile.null", persists: false });
