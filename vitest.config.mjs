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
  test: { include: ["tests/workerd/**/*.test.js"] },
});
