// dogpile.cache's four recipes, ported, with the output the recipes page describes.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { run as invalidateGroup } from "../../examples/recipes/1-invalidate-group.js";
import refreshWorker, { db, getSomeData } from "../../examples/recipes/2-refresh-after-commit.js";
import { run as prefixKeys } from "../../examples/recipes/3-prefix-keys.js";
import { run as msgpackProxy } from "../../examples/recipes/4-msgpack-proxy.js";

async function lines(run) {
  const out = [];
  const result = await run((line) => out.push(line));
  return { out, result };
}

describe("recipes", () => {
  it("1: invalidating a group of related keys prints dogpile's sequence", async () => {
    const { out } = await lines(invalidateGroup);
    expect(out).toEqual([
      "user fn one: 0, 5",
      "user fn two: 1, 5",
      "user fn three: 2, 7",
      "user fn two: 3, 7",
      "invalidated:",
      "user fn one: 4, 5",
      "user fn two: 5, 5",
      "user fn three: 2, 7",
      "user fn two: 3, 7",
    ]);
  });

  it("2: a write refreshes the cache in the background through ctx.waitUntil", async () => {
    const get = async () => {
      const ctx = createExecutionContext();
      const res = await refreshWorker.fetch(new Request("http://x/data?arg=r2"), env, ctx);
      await waitOnExecutionContext(ctx);
      return res.json();
    };
    const first = await get();
    expect(first.data).toEqual([]);
    const queriesBefore = db.queries;
    expect((await get()).queries).toBe(queriesBefore); // cached

    const ctx = createExecutionContext();
    const res = await refreshWorker.fetch(new Request("http://x/data?arg=r2", { method: "POST" }), env, ctx);
    expect(await res.json()).toEqual({ written: true }); // answered before the refresh ran
    await waitOnExecutionContext(ctx);
    expect(db.queries).toBe(queriesBefore + 1); // the background refresh queried once

    const after = await get();
    expect(after.data).toHaveLength(1);
    expect(after.queries).toBe(queriesBefore + 1); // served from the refreshed cache
    expect(await getSomeData.get("r2")).toEqual(after.data);
  });

  it("3: every raw store key carries the prefix", async () => {
    const { out } = await lines(prefixKeys);
    expect(out[0]).toBe("value");
    const keys = JSON.parse(out[1]);
    // the prefix is stored JSON-quoted, so "myapp:" and "myapp:a" regions cannot share keys
    expect(keys).toEqual(['"myapp:"a', '"myapp:"b', '"myapp:"other_key', '"myapp:"some_key']);
  });

  it("4: the stored bytes are exactly the msgpack proxy's, encoded once", async () => {
    const { out, result: stored } = await lines(msgpackProxy);
    expect(JSON.parse(out[0])).toEqual({ name: "ada", langs: ["en", "fr"] });
    expect(stored).toBeInstanceOf(Uint8Array);
    const [payload, metadata] = decode(stored);
    expect(payload).toEqual({ name: "ada", langs: ["en", "fr"] }); // not bytes of bytes
    expect(Object.keys(metadata).sort()).toEqual(["ct", "v"]);
    expect(stored).toEqual(encode([payload, metadata]));
  });
});
