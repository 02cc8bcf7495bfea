// cacheOnArguments and cacheMultiOnArguments through the public API, inside workerd.
import { describe, expect, it } from "vitest";
import { kwargFunctionKeyGenerator, makeRegion, NO_VALUE, ValidationError } from "../../src/js/workerd.js";
import { fakeClock } from "./helpers.js";

const region = (opts = {}) => makeRegion({ clock: fakeClock(), ...opts }).configure("edgepile.memory", { expirationTime: 60 });

describe("cacheOnArguments", () => {
  it("caches per argument list, sync and async functions alike", async () => {
    const r = region();
    let calls = 0;
    const add = r.cacheOnArguments(function add(a, b) {
      calls++;
      return a + b;
    });
    const slowAdd = r.cacheOnArguments(async function slowAdd(a, b) {
      calls++;
      return a + b;
    });
    expect(await add(1, 2)).toBe(3);
    expect(await add(1, 2)).toBe(3);
    expect(await add(2, 1)).toBe(3);
    expect(await slowAdd(1, 2)).toBe(3);
    expect(await slowAdd(1, 2)).toBe(3);
    expect(calls).toBe(3);
    expect(add.name).toBe("add");
    expect(add.original).toBeTypeOf("function");
  });

  it("keeps `this`, so it works on methods", async () => {
    const r = region();
    class Repo {
      constructor(table) {
        this.table = table;
        this.find = r.cacheOnArguments(
          function find(id) {
            return `${this.table}#${id}`;
          },
          { namespace: table },
        );
      }
    }
    expect(await new Repo("users").find(1)).toBe("users#1");
    expect(await new Repo("posts").find(1)).toBe("posts#1");
  });

  it("invalidate, set, get, refresh and original", async () => {
    const r = region();
    let n = 0;
    const f = r.cacheOnArguments(function f(x) {
      return `${x}:${++n}`;
    });
    expect(await f("a")).toBe("a:1");
    expect(await f.get("a")).toBe("a:1");
    expect(await f.get("b")).toBe(NO_VALUE);
    await f.invalidate("a");
    expect(await f("a")).toBe("a:2");
    await f.set("forced", "a");
    expect(await f("a")).toBe("forced");
    expect(await f.refresh("a")).toBe("a:3");
    expect(await f("a")).toBe("a:3");
    expect(f.original("z")).toBe("z:4");
  });

  it("1,000 concurrent calls with the same arguments run the function once", async () => {
    const r = region();
    let calls = 0;
    const f = r.cacheOnArguments(async function f(id) {
      calls++;
      await new Promise((res) => setTimeout(res, 5));
      return { id };
    });
    const out = await Promise.all(Array.from({ length: 1000 }, () => f(7)));
    expect(calls).toBe(1);
    expect(out.every((v) => v.id === 7)).toBe(true);
  });

  it("expirationTime, shouldCacheFn and namespace per decorator", async () => {
    const clock = fakeClock();
    const r = makeRegion({ clock }).configure("edgepile.memory", { expirationTime: 1000 });
    let n = 0;
    const short = r.cacheOnArguments(
      function v() {
        return ++n;
      },
      { expirationTime: 5 },
    );
    const never = r.cacheOnArguments(
      function v() {
        return ++n;
      },
      { namespace: "other", shouldCacheFn: (x) => x > 100 },
    );
    expect(await short()).toBe(1);
    expect(await never()).toBe(2); // same function name, other namespace: own key
    expect(await never()).toBe(3); // not cached: shouldCacheFn said no
    clock.advance(6);
    expect(await short()).toBe(4);
  });

  it("toStr writes the arguments, as dogpile's to_str", async () => {
    const r = region();
    const seen = [];
    const f = r.cacheOnArguments(
      function f(user) {
        return user.id;
      },
      {
        toStr: (u) => {
          seen.push(u);
          return `u${u.id}`;
        },
      },
    );
    expect(await f({ id: 1, name: "x" })).toBe(1);
    expect(await f({ id: 1, name: "changed" })).toBe(1); // same key by toStr
    expect(seen).toHaveLength(2);
  });

  it("custom functionKeyGenerator, per region and per decorator", async () => {
    const regionGen =
      (namespace, fn) =>
      (...args) =>
        `R:${fn.name}:${args.join("/")}`;
    const r = makeRegion({ functionKeyGenerator: regionGen }).configure("edgepile.memory");
    const f = r.cacheOnArguments(function f(a, b) {
      return a * b;
    });
    const g = r.cacheOnArguments(
      function g(a) {
        return a;
      },
      { functionKeyGenerator: (ns, fn) => (a) => `D:${a}` },
    );
    await f(2, 3);
    await g(9);
    expect(r.actualBackend.keys().sort()).toEqual(["D:9", "R:f:2/3"]);
  });

  it("kwargFunctionKeyGenerator: one options object, key order does not matter", async () => {
    const r = region();
    let calls = 0;
    const search = r.cacheOnArguments(
      function search({ q, page }) {
        calls++;
        return `${q}@${page}`;
      },
      {
        functionKeyGenerator: kwargFunctionKeyGenerator,
      },
    );
    expect(await search({ q: "x", page: 1 })).toBe("x@1");
    expect(await search({ page: 1, q: "x" })).toBe("x@1");
    expect(calls).toBe(1);
    await expect(search({ q: 1 }, 2)).rejects.toBeInstanceOf(ValidationError);
  });

  it("bad input: a typed error, nothing stored", async () => {
    const r = region();
    expect(() => r.cacheOnArguments("not a function")).toThrow(ValidationError);
    expect(() => r.cacheOnArguments(() => 1)).toThrow(/anonymous function needs a namespace/);
    expect(() => r.cacheOnArguments(function f() {}, { expiration_time: 3 })).toThrow(/no option "expiration_time"/);
    expect(() => r.cacheOnArguments(function f() {}, { toStr: "x" })).toThrow(ValidationError);
    expect(() => r.cacheOnArguments(function f() {}, { functionKeyGenerator: () => "not a function" })).toThrow(ValidationError);
    const throwingToStr = r.cacheOnArguments(
      function f(x) {
        return x;
      },
      {
        toStr: () => {
          throw new RangeError("toStr bug");
        },
      },
    );
    await expect(throwingToStr(1)).rejects.toBeInstanceOf(RangeError);
    const nonString = r.cacheOnArguments(
      function f(x) {
        return x;
      },
      { toStr: () => 5 },
    );
    await expect(nonString(1)).rejects.toBeInstanceOf(ValidationError);
    const badGen = r.cacheOnArguments(
      function f(x) {
        return x;
      },
      { functionKeyGenerator: () => () => 42 },
    );
    await expect(badGen(1)).rejects.toBeInstanceOf(ValidationError);
    const fnArg = r.cacheOnArguments(function f(x) {
      return 1;
    });
    await expect(fnArg(() => 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(fnArg(new (class Thing {})())).rejects.toBeInstanceOf(ValidationError);
    expect(r.actualBackend.keys()).toEqual([]);
  });
});

describe("cacheMultiOnArguments", () => {
  it("calls the function once with only the missing arguments", async () => {
    const r = region();
    const asked = [];
    const users = r.cacheMultiOnArguments(async function users(...ids) {
      asked.push(ids);
      return ids.map((id) => `user${id}`);
    });
    expect(await users(1, 2)).toEqual(["user1", "user2"]);
    expect(await users(2, 3, 1)).toEqual(["user2", "user3", "user1"]);
    expect(asked).toEqual([[1, 2], [3]]);
  });

  it("asdict: keys missing from the returned object are not cached", async () => {
    const r = region();
    const asked = [];
    const lookup = r.cacheMultiOnArguments(
      function lookup(...ids) {
        asked.push(ids);
        const out = {};
        for (const id of ids) if (id !== 2) out[id] = `v${id}`;
        return out;
      },
      { asdict: true },
    );
    expect(await lookup(1, 2, 3)).toEqual({ 1: "v1", 3: "v3" });
    expect(await lookup(1, 2, 3)).toEqual({ 1: "v1", 3: "v3" });
    expect(asked).toEqual([[1, 2, 3], [2]]);
  });

  it("asdict: refresh answers as a call does, also when the function returns a Map", async () => {
    const r = region();
    let n = 0;
    const lookup = r.cacheMultiOnArguments(
      function lookup(...ids) {
        n++;
        return new Map(ids.filter((id) => id !== 2).map((id) => [id, `v${id}:${n}`]));
      },
      { asdict: true },
    );
    expect(await lookup(1, 2)).toEqual({ 1: "v1:1" });
    const refreshed = await lookup.refresh(1, 2);
    expect(refreshed).not.toBeInstanceOf(Map);
    expect(refreshed).toEqual({ 1: "v1:2" });
    expect(await lookup(1)).toEqual({ 1: "v1:2" });
    const bad = r.cacheMultiOnArguments(
      function bad() {
        return null;
      },
      { asdict: true },
    );
    await expect(bad.refresh(1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("set, get, invalidate and refresh", async () => {
    const r = region();
    let n = 0;
    const f = r.cacheMultiOnArguments(function f(...xs) {
      return xs.map((x) => `${x}:${++n}`);
    });
    expect(await f("a", "b")).toEqual(["a:1", "b:2"]);
    expect(await f.get("a", "c")).toEqual(["a:1", NO_VALUE]);
    await f.set({ c: "set-c" });
    expect(await f("c")).toEqual(["set-c"]);
    await f.invalidate("a");
    expect(await f("a", "b")).toEqual(["a:3", "b:2"]);
    expect(await f.refresh("b")).toEqual(["b:4"]);
    expect(await f("b")).toEqual(["b:4"]);
  });

  it("a function returning the wrong shape is a ValidationError and stores nothing", async () => {
    const r = region();
    const f = r.cacheMultiOnArguments(function f(...xs) {
      return "nope";
    });
    await expect(f(1)).rejects.toBeInstanceOf(ValidationError);
    const g = r.cacheMultiOnArguments(
      function g(...xs) {
        return 5;
      },
      { asdict: true },
    );
    await expect(g(1)).rejects.toBeInstanceOf(ValidationError);
    expect(r.actualBackend.keys()).toEqual([]);
  });
});
