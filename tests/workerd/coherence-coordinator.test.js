// The CoherenceCoordinator's storage: a publish writes only what it adds to the log (and deletes
// what falls off it), and an object started again from its storage answers exactly as before,
// including one whose storage is in the layout that kept everything under one key.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LOG_MAX } from "../../src/js/coherence/log.js";
import { CoherenceCoordinator } from "../../src/js/workerd.js";

const stub = (name) => env.COHERENCE.get(env.COHERENCE.idFromName(name));
const logKeys = async (storage) => [...(await storage.list({ prefix: "log:" })).keys()];

describe("the CoherenceCoordinator's storage", () => {
  it("keeps each log entry under its own key, at most LOG_MAX of them", async () => {
    await runInDurableObject(stub("cc-log"), async (object, state) => {
      expect(await object.publish(["a", "b", "c"])).toBe(3);
      expect(await logKeys(state.storage)).toHaveLength(3);
      expect(await state.storage.get("meta")).toMatchObject({ version: 3 });
      const many = Array.from({ length: LOG_MAX + 100 }, (_, i) => `k${i}`);
      expect(await object.publish(many)).toBe(3 + many.length);
      const kept = await logKeys(state.storage);
      expect(kept).toHaveLength(LOG_MAX);
      expect(await state.storage.get(kept[0])).toBe(`k${100}`);
      expect(await state.storage.get(kept.at(-1))).toBe(`k${LOG_MAX + 99}`);
      await object.publish(["z"]);
      expect(await logKeys(state.storage)).toHaveLength(LOG_MAX);
    });
  });

  it("answers the same after starting again from its storage", async () => {
    await runInDurableObject(stub("cc-restart"), async (object, state) => {
      await object.publish(["a", "b"]);
      await object.invalidate(true, 1234);
      await object.shardChanged(3, 7);
      await object.publish(["c"]);
      const again = new CoherenceCoordinator(state, env);
      await state.blockConcurrencyWhile(async () => {}); // the constructor's load has run
      for (const since of [0, 1, 3, 5]) expect(again.changes(since)).toEqual(object.changes(since));
      expect(again.changes(0)).toMatchObject({
        version: 5,
        hard: 1234,
        changes: [
          [1, "a"],
          [2, "b"],
          [5, "c"],
        ],
        shards: [, , , 7],
      });
    });
  });

  it("reads storage written in the single-key layout, and moves it to the new one", async () => {
    await runInDurableObject(stub("cc-old"), async (_object, state) => {
      const old = {
        version: 2,
        hard: 0,
        soft: 50,
        log: [
          [1, "x"],
          [2, "y"],
        ],
        shards: [],
      };
      await state.storage.delete("meta");
      await state.storage.put("state", old);
      const again = new CoherenceCoordinator(state, env);
      await state.blockConcurrencyWhile(async () => {});
      expect(again.changes(0)).toMatchObject({ version: 2, soft: 50, changes: old.log });
      expect(await state.storage.get("state")).toBeUndefined();
      expect(await logKeys(state.storage)).toHaveLength(2);
      expect(await again.publish(["z"])).toBe(3);
    });
  });
});
