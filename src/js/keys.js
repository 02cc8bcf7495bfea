// Cache keys for decorated functions, and key manglers. What each guarantees: docs/keys.md.
//
// The default key is `"name"|"namespace"|args`. Name and namespace are JSON strings (the
// namespace slot empty when there is none), so the prefix ends at a point no name, namespace or
// argument can move: distinct (name, namespace) pairs never share a key, whatever they contain.
// The arguments are written in a canonical, typed form: strings quoted, numbers bare, objects
// with sorted keys. So f("a b") ≠ f("a", "b"), f(1) ≠ f("1"), f(null) ≠ f("null"), and a
// separator inside a string cannot fake an argument boundary.
import { sha1MangleKey as sha1, sha256MangleKey as sha256 } from "../../pkg/edgepile.js";
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

const MAX_KEY_DEPTH = 64;

/**
 * One argument in canonical form.
 * @param {Set<object>} [path] the objects on the way to `v`, to refuse a cycle
 * @returns {string}
 */
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
  if (depth >= MAX_KEY_DEPTH)
    throw new ValidationError(`cannot make a cache key from arguments nested deeper than ${MAX_KEY_DEPTH} levels`);
  // The set of objects on the current path exists only once an object is met: a key of
  // primitives allocates nothing.
  path ??= new Set();
  if (path.has(v)) throw new ValidationError("cannot make a cache key from a circular structure");
  path.add(v);
  try {
    const inner = (x) => encodeArg(x, depth + 1, path);
    // A hole is written as one (`map` skips it, and `[,]` would read as `[]`).
    if (Array.isArray(v)) return `[${Array.from({ length: v.length }, (_, i) => (i in v ? inner(v[i]) : "<hole>")).join(",")}]`;
    if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? "NaN" : v.toISOString()})`;
    if (v instanceof Uint8Array) return `bytes(${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")})`;
    if (v instanceof Map)
      return `Map{${[...v]
        .map(([k, x]) => `${inner(k)}:${inner(x)}`)
        .sort()
        .join(",")}}`;
    if (v instanceof Set) return `Set{${[...v].map(inner).sort().join(",")}}`;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError(`cannot make a cache key from ${describe(v)}; pass toStr or a functionKeyGenerator`);
    }
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${inner(v[k])}`)
      .join(",")}}`;
  } finally {
    path.delete(v);
  }
}

function prefixFor(namespace, fn) {
  // A name redefined as something other than a string counts as no name.
  const name = typeof fn.name === "string" ? fn.name : "";
  if (!name && (namespace === undefined || namespace === null)) {
    throw new ValidationError(
      "an anonymous function needs a namespace to be cached, or two of them would share keys " +
        "(minifiers drop or shorten function names: give cached functions a namespace when you minify)",
    );
  }
  if (namespace !== undefined && namespace !== null && typeof namespace !== "string") {
    throw new ValidationError(`namespace must be a string, got ${describe(namespace)}`);
  }
  // Always JSON-quoted, never bare: keys of earlier versions began with the bare name (or "|"
  // for an anonymous function), never with a quote, so no key made here equals one of theirs and
  // an entry written then is a one-time miss, not another function's hit.
  const ns = namespace === undefined || namespace === null ? "" : JSON.stringify(namespace);
  return `${JSON.stringify(name)}|${ns}|`;
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
    if (typeof opts !== "object" || Array.isArray(opts))
      throw new ValidationError(`a kwarg-keyed function takes one options object, got ${describe(opts)}`);
    if (toStr === undefined) return prefix + encodeArg(opts);
    return (
      prefix +
      Object.keys(opts)
        .sort()
        .map((k) => `${k}=${userStr(toStr, opts[k])}`)
        .join(" ")
    );
  };
}

/**
 * dogpile's sha1_mangle_key: 40 hex digits of the SHA-1 of the key's UTF-8 bytes. SHA-1 is not
 * collision-resistant: kept for keys shared with dogpile; new regions use sha256MangleKey.
 */
export function sha1MangleKey(key) {
  return sha1(key);
}

/**
 * 64 hex digits of the SHA-256 of the key's UTF-8 bytes. Computed in wasm: a mangler runs
 * synchronously on every call, and WebCrypto's digest only returns a Promise.
 */
export function sha256MangleKey(key) {
  return sha256(key);
}

// Only digested keys start with this; a kept key never does (see lengthConditionalMangler).
const DIGEST_MARKER = "#";
const DIGEST_MARKER_CODE = 0x23;
// What sha1MangleKey returned, the digest versions before the marker stored bare.
const BARE_SHA1 = /^[0-9a-f]{40}$/;

/** The UTF-8 length of `key`, counted only as far as `limit + 1`: no encoding, no allocation. */
function utf8LengthOver(key, limit) {
  let bytes = 0;
  for (let i = 0; i < key.length && bytes <= limit; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < key.length && (key.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes > limit;
}

function mangled(out, what) {
  if (typeof out !== "string") throw new ValidationError(`${what} must return a string, got ${describe(out)}`);
  return out;
}

/**
 * Keeps keys of at most `length` UTF-8 bytes (KV allows 512) as they are, and stores every other
 * key as `#` followed by `mangler(key)`. Kept keys never start with `#`: a short key that does is
 * digested too, and so is a short key spelled like a bare SHA-1 digest (40 lowercase hex
 * digits), the form earlier versions stored long keys under. So no key a caller chooses names
 * another key's entry, and an entry an earlier version wrote for a long key is read by no key.
 */
export function lengthConditionalMangler(length, mangler) {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new ValidationError(`length must be a non-negative integer, got ${describe(length)}`);
  if (typeof mangler !== "function") throw new ValidationError(`mangler must be a function, got ${describe(mangler)}`);
  return (key) => {
    // Cheapest tests first: this runs on every call of a region that has it.
    const kept =
      key.charCodeAt(0) !== DIGEST_MARKER_CODE &&
      (key.length * 3 <= length || (key.length <= length && !utf8LengthOver(key, length))) &&
      !(key.length === 40 && BARE_SHA1.test(key));
    return kept ? key : DIGEST_MARKER + mangled(mangler(key), "the mangler of lengthConditionalMangler");
  };
}

/**
 * Prefixes every key, after applying `then` if given: `prefixMangler("tenant-a:", inner)`. The
 * prefix is stored as a JSON string (`"tenant-a:"user:1`), which ends at its closing quote, so
 * regions whose prefixes are prefixes of each other ("a:" and "a:b:") never share a key.
 */
export function prefixMangler(prefix, then) {
  if (typeof prefix !== "string") throw new ValidationError(`prefix must be a string, got ${describe(prefix)}`);
  if (then !== undefined && typeof then !== "function") throw new ValidationError(`then must be a function, got ${describe(then)}`);
  const head = JSON.stringify(prefix);
  return then === undefined ? (key) => head + key : (key) => head + mangled(then(key), "the mangler of prefixMangler");
}
