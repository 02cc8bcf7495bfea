// Cache keys for decorated functions, and key manglers.
//
// The default key is `name|namespace|args`, like dogpile's, but the arguments are written in
// a canonical, typed form: strings quoted, numbers bare, objects with sorted keys. So
// f("a b") ≠ f("a", "b"), f(1) ≠ f("1"), f(null) ≠ f("null"), and a separator inside a string
// cannot fake an argument boundary.
import { sha1MangleKey as sha1 } from "../../pkg/edgepile.js";
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

const MAX_KEY_DEPTH = 64;

/** One argument in canonical form. */
export function encodeArg(v, depth = 0, path = undefined) {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "boolean":
      return String(v);
    case "undefined":
      return "undefined";
    case "function":
    case "symbol":
      throw new ValidationError(`cannot make a cache key from ${describe(v)}; pass toStr or a functionKeyGenerator`);
  }
  if (v === null) return "null";
  if (depth >= MAX_KEY_DEPTH) throw new ValidationError(`cannot make a cache key from arguments nested deeper than ${MAX_KEY_DEPTH} levels`);
  // The set of objects on the current path exists only once an object is met: a key of
  // primitives allocates nothing.
  path ??= new Set();
  if (path.has(v)) throw new ValidationError("cannot make a cache key from a circular structure");
  path.add(v);
  try {
    const inner = (x) => encodeArg(x, depth + 1, path);
    if (Array.isArray(v)) return `[${v.map(inner).join(",")}]`;
    if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? "NaN" : v.toISOString()})`;
    if (v instanceof Uint8Array) return `bytes(${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")})`;
    if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${inner(k)}:${inner(x)}`).sort().join(",")}}`;
    if (v instanceof Set) return `Set{${[...v].map(inner).sort().join(",")}}`;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError(`cannot make a cache key from ${describe(v)}; pass toStr or a functionKeyGenerator`);
    }
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${inner(v[k])}`).join(",")}}`;
  } finally {
    path.delete(v);
  }
}

function prefixFor(namespace, fn) {
  const name = fn.name;
  if (!name && (namespace === undefined || namespace === null)) {
    throw new ValidationError(
      "an anonymous function needs a namespace to be cached, or two of them would share keys " +
        "(minifiers drop or shorten function names: give cached functions a namespace when you minify)",
    );
  }
  if (namespace !== undefined && namespace !== null && typeof namespace !== "string") {
    throw new ValidationError(`namespace must be a string, got ${describe(namespace)}`);
  }
  return namespace === undefined || namespace === null ? `${name}|` : `${name}|${namespace}|`;
}

function userStr(toStr, arg) {
  const s = toStr(arg);
  if (typeof s !== "string") throw new ValidationError(`toStr must return a string, got ${describe(s)}`);
  return s;
}

/**
 * The default key generator (dogpile's `function_key_generator`): `(namespace, fn, toStr)` →
 * `(...args) => key`. With `toStr`, arguments are written by it and joined with spaces, as
 * dogpile does (then distinctness is up to `toStr`).
 */
export function functionKeyGenerator(namespace, fn, toStr) {
  const prefix = prefixFor(namespace, fn);
  if (toStr !== undefined) return (...args) => prefix + args.map((a) => userStr(toStr, a)).join(" ");
  return (...args) => {
    // One argument, the common case, skips building and joining an array.
    if (args.length === 1) return prefix + encodeArg(args[0]);
    return prefix + args.map((a) => encodeArg(a)).join(",");
  };
}

/** For functions of many keys (`cacheMultiOnArguments`): one key per argument. */
export function functionMultiKeyGenerator(namespace, fn, toStr) {
  const prefix = prefixFor(namespace, fn);
  return (...args) => args.map((a) => prefix + (toStr === undefined ? encodeArg(a) : userStr(toStr, a)));
}

/**
 * For functions that take one options object (JS's keyword arguments): the key is the
 * object's entries in key order, so `{a, b}` and `{b, a}` share a key.
 */
export function kwargFunctionKeyGenerator(namespace, fn, toStr) {
  const prefix = prefixFor(namespace, fn);
  return (...args) => {
    if (args.length > 1) throw new ValidationError(`a kwarg-keyed function takes one options object, got ${args.length} arguments`);
    const opts = args[0] ?? {};
    if (typeof opts !== "object" || Array.isArray(opts)) throw new ValidationError(`a kwarg-keyed function takes one options object, got ${describe(opts)}`);
    if (toStr === undefined) return prefix + encodeArg(opts);
    return prefix + Object.keys(opts).sort().map((k) => `${k}=${userStr(toStr, opts[k])}`).join(" ");
  };
}

/** dogpile's sha1_mangle_key: 40 hex digits of the SHA-1 of the key's UTF-8 bytes. */
export function sha1MangleKey(key) {
  return sha1(key);
}

/** Applies `mangler` only to keys longer than `length` UTF-8 bytes (KV allows 512). */
export function lengthConditionalMangler(length, mangler) {
  if (!Number.isSafeInteger(length) || length < 0) throw new ValidationError(`length must be a non-negative integer, got ${describe(length)}`);
  if (typeof mangler !== "function") throw new ValidationError(`mangler must be a function, got ${describe(mangler)}`);
  const encoder = new TextEncoder();
  return (key) => (key.length * 3 <= length || encoder.encode(key).length <= length ? key : mangler(key));
}

/** Prefixes every key, after applying `then` if given: `prefixMangler("app:", sha1MangleKey)`. */
export function prefixMangler(prefix, then) {
  if (typeof prefix !== "string") throw new ValidationError(`prefix must be a string, got ${describe(prefix)}`);
  return then === undefined ? (key) => prefix + key : (key) => prefix + then(key);
}
