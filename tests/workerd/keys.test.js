// Key generation and key manglers.
import { describe, expect, it } from "vitest";
import {
  functionKeyGenerator,
  functionMultiKeyGenerator,
  lengthConditionalMangler,
  makeRegion,
  prefixMangler,
  sha1MangleKey,
  ValidationError,
} from "../../src/js/workerd.js";

const keyOf = functionKeyGenerator(undefined, function f() {});

describe("the default key generator", () => {
  it("never maps different argument lists to one key", () => {
    const lists = [
      ["a b"],
      ["a", "b"],
      [1],
      ["1"],
      [null],
      ["null"],
      [undefined],
      ["undefined"],
      [],
      [""],
      ["", ""],
      ["a,b"],
      ["a", ",b"],
      ['a","b'],
      ["a|b"],
      ["a", "|b"],
      [true],
      ["true"],
      [1n],
      ["1n"],
      [0],
      [-0],
      [NaN],
      ["NaN"],
      [[1, 2]],
      [1, 2],
      [[1], 2],
      [{ a: 1 }],
      ['{"a":1}'],
      [{ a: "1" }],
      [new Date(0)],
      [new Date(0).toISOString()],
      [new Uint8Array([1])],
      [[]],
      [{}],
      [new Map()],
      [new Set()],
      [new Map([[1, 2]])],
      [new Set([1, 2])],
      [[null]],
      [[undefined]],
      // eslint-disable-next-line no-sparse-arrays
      [[,]],
      [[[]]],
      [[[,]]],
      [["<hole>"]],
      [1.5],
      ["1.5"],
    ];
    const keys = lists.map((args) => keyOf(...args));
    expect(new Set(keys).size).toBe(lists.length);
  });

  it("is deterministic: object key order, Dates, arrays, Maps", () => {
    expect(keyOf({ a: 1, b: [2, { c: 3, d: 4 }] })).toBe(keyOf({ b: [2, { d: 4, c: 3 }], a: 1 }));
    expect(keyOf(new Date(5))).toBe(keyOf(new Date(5)));
    expect(
      keyOf(
        new Map([
          [1, "a"],
          [2, "b"],
        ]),
      ),
    ).toBe(
      keyOf(
        new Map([
          [2, "b"],
          [1, "a"],
        ]),
      ),
    );
    expect(keyOf("x")).toBe('"f"||"x"');
  });

  it("carries function name and namespace, as JSON strings", () => {
    expect(functionKeyGenerator("ns", function load() {})(1)).toBe('"load"|"ns"|1');
    expect(functionKeyGenerator(undefined, function load() {}, String)(1, "a b")).toBe('"load"||1 a b');
    expect(functionKeyGenerator("", function load() {})(1)).toBe('"load"|""|1');
  });

  it("refuses what has no stable key", () => {
    for (const bad of [() => 1, Symbol("s"), new (class X {})()]) expect(() => keyOf(bad)).toThrow(ValidationError);
    const cyc = [];
    cyc.push(cyc);
    expect(() => keyOf(cyc)).toThrow(/circular/);
  });
});

describe("names and namespaces", () => {
  const named = (name) => Object.defineProperty(() => {}, "name", { value: name });
  // Names and namespaces that contain the separator, quote it, equal each other or are empty.
  const NAMES = ["f", "g", "f|", "f|ns", "ns", "", '"f"', 'f"', "f||", "|", "a b"];
  const NAMESPACES = [undefined, "", "ns", "|", "f", "ns|x", '"', 'ns"|', "x|", '"ns"', "|ns"];
  // Arguments a caller chooses, written raw by toStr: they try to continue a prefix.
  const ARGS = ["x", "|x", "ns|x", '"ns"|x', '"|x', "", "|", '||"x"', '"x"'];

  // Per key generator: one function's keys are all written one way (with or without toStr); two
  // functions of one name and namespace share keys on purpose, as in dogpile.
  it("distinct (name, namespace, arguments) never share a key, with or without toStr", () => {
    const byKey = { default: new Map(), toStr: new Map() };
    const add = (kind, key, id) => {
      const map = byKey[kind];
      const seen = map.get(key);
      if (seen === undefined) map.set(key, id);
      else expect(seen, `${JSON.stringify(key)} for two calls`).toBe(id);
    };
    for (const name of NAMES) {
      for (const namespace of NAMESPACES) {
        if (name === "" && namespace === undefined) continue; // refused: tested below
        const fn = named(name);
        const who = JSON.stringify([name, namespace ?? null]);
        for (const arg of ARGS) {
          const id = `${who} ${JSON.stringify(arg)}`;
          add("default", functionKeyGenerator(namespace, fn)(arg), id);
          add("default", functionMultiKeyGenerator(namespace, fn)(arg)[0], id);
          add("toStr", functionKeyGenerator(namespace, fn, String)(arg), id);
        }
      }
    }
    // a null namespace is no namespace: the same function, the same keys
    expect(functionKeyGenerator(null, named("f"))("x")).toBe(functionKeyGenerator(undefined, named("f"))("x"));
    for (const map of Object.values(byKey)) expect(map.size).toBe(NAMES.length * NAMESPACES.length * ARGS.length - ARGS.length);
  });

  it("every key starts with a quote, where earlier versions' keys began with the bare name", () => {
    for (const name of NAMES.filter(Boolean)) {
      for (const namespace of NAMESPACES) {
        const key = functionKeyGenerator(namespace, named(name), String)("|x");
        expect(key.startsWith(JSON.stringify(name)), key).toBe(true);
      }
    }
    expect(functionKeyGenerator("ns", named(""))(1)).toBe('""|"ns"|1');
  });

  it("an anonymous function without a namespace, or a namespace that is no string, is refused", () => {
    expect(() => functionKeyGenerator(undefined, named(""))).toThrow(ValidationError);
    expect(() => functionKeyGenerator(undefined, named(42))).toThrow(ValidationError);
    expect(() => functionKeyGenerator(7, named("f"))).toThrow(ValidationError);
  });
});

describe("key manglers", () => {
  it("sha1MangleKey is SHA-1 of the UTF-8 key (dogpile's; not collision-resistant)", () => {
    expect(sha1MangleKey("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1MangleKey("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1MangleKey("☃")).toHaveLength(40);
  });

  it("prefixMangler prefixes with the JSON-quoted prefix, after an inner mangler", () => {
    expect(prefixMangler("app:")("k")).toBe('"app:"k');
    expect(prefixMangler("app:", sha1MangleKey)("abc")).toBe('"app:"a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(prefixMangler("a:")("b:x")).not.toBe(prefixMangler("a:b:")("x"));
  });

  it("reaches the store in single, multi and decorator paths", async () => {
    const r = makeRegion({ keyMangler: prefixMangler("p:", lengthConditionalMangler(8, sha1MangleKey)) }).configure("edgepile.memory");
    await r.set("a", 1);
    await r.setMulti({ b: 2 });
    await r.getOrCreate("c", () => 3);
    await r.getOrCreateMulti(["d", "a-very-long-key"], (...ks) => ks.map((k) => k.length));
    const f = r.cacheOnArguments(function f(x) {
      return x;
    });
    await f(1);
    const keys = r.actualBackend.keys();
    expect(keys).toHaveLength(6);
    expect(keys.every((k) => k.startsWith('"p:"'))).toBe(true);
    expect(keys).toContain(`"p:"#${sha1MangleKey("a-very-long-key")}`);
    expect(await r.getMulti(["a", "b", "c", "d", "a-very-long-key"])).toEqual([1, 2, 3, 1, 15]);
    await r.deleteMulti(["a", "b"]);
    expect(r.actualBackend.keys()).toHaveLength(4);
  });
});

describe("property: distinct argument lists, distinct keys", () => {
  /** A seeded generator of argument lists built from the values people pass. */
  function generator(seed) {
    let s = seed >>> 0;
    const rand = () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296;
    const pick = (xs) => xs[Math.floor(rand() * xs.length)];
    const atom = () =>
      pick([
        () => pick(["", "a", "a b", "a,b", "a|b", '"', "null", "1", "\\\\", "☃"]),
        () => pick([0, -0, 1, -1, 1.5, NaN, Infinity]),
        () => pick([null, undefined, true, false]),
        () => pick([1n, -1n]),
      ])();
    const value = (depth) => {
      const r = rand();
      if (depth > 2 || r < 0.6) return atom();
      if (r < 0.8) return Array.from({ length: Math.floor(rand() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 3) }, () => [pick(["a", "b", "a b", ""]), value(depth + 1)]));
    };
    return () => Array.from({ length: Math.floor(rand() * 4) }, () => value(0));
  }

  /** Structural identity of an argument list (what must map to one key and one key only). */
  const identity = (v) => {
    if (typeof v === "bigint") return `big:${v}`;
    if (typeof v === "number") return Object.is(v, -0) ? "num:-0" : `num:${v}`;
    if (v === undefined) return "undef";
    if (Array.isArray(v)) return `[${v.map(identity).join(";")}]`;
    if (v !== null && typeof v === "object")
      return `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}=${identity(v[k])}`)
        .join(";")}}`;
    return `${typeof v}:${JSON.stringify(v)}`;
  };

  it("5,000 random argument lists: same structure ⇔ same key, also through prefix and SHA-1 manglers", () => {
    const next = generator(7);
    const mangle = prefixMangler("t:", lengthConditionalMangler(40, sha1MangleKey));
    const byKey = new Map();
    const byMangled = new Map();
    for (let i = 0; i < 5000; i++) {
      const args = next();
      const id = identity(args);
      const key = keyOf(...args);
      for (const [map, k] of [
        [byKey, key],
        [byMangled, mangle(key)],
      ]) {
        const seen = map.get(k);
        if (seen === undefined) map.set(k, id);
        else expect(seen, `${JSON.stringify(k)} for two argument lists`).toBe(id);
      }
    }
    expect(byKey.size).toBeGreaterThan(500);
  });
});
