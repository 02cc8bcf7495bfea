// What a region may store. Every backend must be able to hold it, so a value that works with
// the memory backend today keeps working when the region moves to KV: plain data only.
import { ValidationError } from "./errors.js";

/** Deeper values are refused: encoders recurse, and a Rust stack overflow would kill the module. */
export const MAX_DEPTH = 256;

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

function refuse(path, what, hint) {
  return new ValidationError(`cannot cache ${what} at ${path || "the top level"}${hint ? `: ${hint}` : ""}`);
}

/**
 * Throws a ValidationError unless `value` is plain data: null, undefined, booleans, numbers,
 * well-formed strings, BigInts within 64 bits, Uint8Array/ArrayBuffer, arrays and plain objects of those,
 * with no cycles and at most MAX_DEPTH levels. Returns `value` so it can be chained.
 */
export function checkStorable(value) {
  // Iterative walk: a 10,000-deep structure must produce an error, not a stack overflow.
  const stack = [[value, "", 0]];
  const onPath = new Set();
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop();
    if (v === EXIT) { // leaving a container: it may appear again elsewhere, just not inside itself
      onPath.delete(path);
      continue;
    }
    switch (typeof v) {
      case "undefined":
      case "boolean":
      case "number":
        continue;
      case "string":
        // A lone surrogate cannot be encoded: byte stores would silently replace it.
        if (!v.isWellFormed()) throw refuse(path, "a string with a lone surrogate", "use string.toWellFormed() or bytes");
        continue;
      case "bigint":
        if (v < I64_MIN || v > U64_MAX) throw refuse(path, "a BigInt outside 64 bits");
        continue;
      case "function":
        throw refuse(path, "a function", "cache the data it produces instead");
      case "symbol":
        throw refuse(path, "a symbol");
    }
    if (v === null || v instanceof Uint8Array || v instanceof ArrayBuffer) continue;
    if (depth >= MAX_DEPTH) throw refuse(path, `a value nested deeper than ${MAX_DEPTH} levels`);
    if (onPath.has(v)) throw refuse(path, "a circular structure");
    if (Array.isArray(v)) {
      onPath.add(v);
      stack.push([EXIT, v]);
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const name = v?.constructor?.name ?? "object";
      const hint = v instanceof Date ? "store date.getTime() or date.toISOString()" :
        v instanceof Map ? "store Object.fromEntries(map)" :
        v instanceof Set ? "store [...set]" :
        ArrayBuffer.isView(v) ? "store a Uint8Array or a plain array" : "store plain objects and arrays";
      throw refuse(path, `a ${name}`, hint);
    }
    onPath.add(v);
    stack.push([EXIT, v]);
    for (const k of Object.keys(v)) {
      if (!k.isWellFormed()) throw refuse(path, "an object key with a lone surrogate");
      stack.push([v[k], `${path}.${k}`, depth + 1]);
    }
  }
  return value;
}

const EXIT = Symbol("exit");
