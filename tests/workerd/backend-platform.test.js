// The conformance suite over the platform's stores, inside workerd with local KV, Cache API and
// Durable Objects, and over a plain JS object backend.
import { env } from "cloudflare:test";
import { registerBackend } from "../../src/js/workerd.js";
import { conformance } from "./conformance.js";
import { mapBackend } from "./helpers.js";

conformance("cloudflare_kv", { backend: "edgepile.cloudflare_kv", arguments: () => ({ namespace: env.CACHE }), persists: true });
conformance("cloudflare_cache", { backend: "edgepile.cloudflare_cache", arguments: { cacheName: "conformance" }, persists: true });
conformance("durable_object", {
  backend: "edgepile.durable_object",
  arguments: () => ({ namespace: env.STORE, shards: 3 }),
  persists: true,
});

conformance("js object", { backend: mapBackend, persists: true });

registerBackend("test.map", () => mapBackend());
conformance("registered", { backend: "test.map", persists: true });
