// JS tests run inside workerd through the Workers Vitest pool, with the demo's bindings.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./demo/worker.js",
      wrangler: { configPath: "./wrangler.toml" },
    }),
  ],
  // Examples import the package by name, as users do.
  resolve: { alias: { edgepile: new URL("./src/js/workerd.js", import.meta.url).pathname } },
  test: { include: ["tests/workerd/**/*.test.js"] },
});
