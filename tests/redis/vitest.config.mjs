// The workerd conformance suite (tests/workerd/conformance.js), run in Node over a real
// redis-server: the package's Node entry stands in for its workerd entry.
import { defineConfig } from "vitest/config";

const nodeEntry = new URL("../../src/js/node.js", import.meta.url).pathname;

export default defineConfig({
  resolve: { alias: [{ find: /^(\.\.\/)+src\/js\/workerd\.js$/, replacement: nodeEntry }] },
  test: {
    environment: "node",
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/redis/**/*.vitest.js"],
    globalSetup: ["tests/redis/vitest.setup.mjs"],
  },
});
