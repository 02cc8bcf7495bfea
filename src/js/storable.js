// What a region may store: what structuredClone keeps, so a value that works with the memory
// backend keeps working when the region moves to KV, and reads back equal. The byte stores
// encode it as MessagePack with extensions (src/bindings/js_codec.rs, docs/values.md); this
// check runs first, on every value before it is stored, and names the path of what it refuses.
import { ValidationError } from "./errors.js";
import { schema } from "./schema.js";

/** Deeper values are refused: encoders recurse, and a Rust stack overflow would kill the module
 * (src/limits.rs, MAX_VALUE_DEPTH). */
const maxDepth = () => schema().limits.maxValueDepth;

const LEAF = 0; // stored whole: Date, RegExp, ArrayBuffer, DataView, typed arrays
const PLAIN = 1;
const ARRAY = 2;
const MAP = 3;
const SET = 4;

const TYPED_ARRAYS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
];

/** What each built-in prototype is; anything else is refused. One Map lookup per object. */
const KINDS = new Map([
  [Object.prototype, PLAIN],
  [null, PLAIN],
  [Array.prototype, ARRAY],
  [Map.prototype, MAP],
  [Set.prototype, SET],
  [Date.prototype, LEAF],
  [RegExp.prototype, LEAF],
  [ArrayBuffer.prototype, LEAF],
  [DataView.prototype, LEAF],
  ...TYPED_ARRAYS.filter((name) => typeof globalThis[name] === "function").map(
    (name) => /** @type {[object, number]} */ ([globalThis[name].prototype, LEAF]),
  ),
]);

/** Hints for what is refused, by Object.prototype.toString's tag. */
const HINTS = {
  Promise: "await it and cache the result",
  WeakMap: "its entries cannot be read; use a Map",
  WeakSet: "its entries cannot be read; use a Set",
  WeakRef: "cache what it points to",
  Error: "cache its message, or let the creator throw",
  SharedArrayBuffer: "copy it into an ArrayBuffer",
  Number: "cache the primitive number",
  String: "cache the primitive string",
  Boolean: "cache the primitive boolean",
  BigInt: "cache the primitive BigInt",
  Symbol: "symbols cannot be cached",
};

function refuse(path, what, hint) {
  return new ValidationError(`cannot cache ${what} at ${path || "the top level"}${hint ? `: ${hint}` : ""}`);
}

/** How a refused object is named: its class (a subclass of Map too), or its built-in type. */
function nameOf(v) {
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  let name;
  try {
    name = Object.getPrototypeOf(v)?.constructor?.name;
  } catch {
    // a hostile getter: name it by its tag
  }
  if (tag !== "Object" && (name === tag || name === undefined || v instanceof Error)) {
    return [`${/^[AEIOU]/.test(tag) ? "an" : "a"} ${tag}`, HINTS[tag]];
  }
  return [`an instance of class ${name || "(anonymous)"}`, "cache plain data (objects, arrays, Maps...) made from it"];
}

const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const entryKey = (k, i) =>
  typeof k === "string" ? JSON.stringify(k) : typeof k === "number" || typeof k === "boolean" ? String(k) : `<key ${i}>`;

/**
 * Throws a ValidationError unless `value` can be stored: undefined, null, booleans, numbers,
 * well-formed strings, BigInts; Dates, RegExps, ArrayBuffers, DataViews and typed arrays; arrays
 * (holes too), plain objects, Maps and Sets of those, at most `schema().limits.maxValueDepth` levels deep. An object
 * may appear more than once (it reads back as one object), but not inside itself. Returns
 * `value` so it can be chained.
 */
export function checkStorable(value) {
  const limit = maxDepth();
  budget = QUICK_VALUES;
  if (quick(value, Math.min(QUICK_DEPTH, limit))) return value;
  // Iterative walk: a 10,000-deep structure must produce an error, not a stack overflow.
  const stack = [[value, "", 0]];
  const onPath = new Set(); // containers being walked: meeting one again is a cycle
  const seen = new Set(); // containers walked: meeting one again is a shared reference, fine
  while (stack.length > 0) {
    const [v, path, depth] = /** @type {any[]} */ (stack.pop()); // the loop runs while there is one
    if (v === EXIT) {
      // leaving a container: it may appear again elsewhere, just not inside itself
      onPath.delete(path);
      continue;
    }
    switch (typeof v) {
      case "undefined":
      case "boolean":
      case "number":
      case "bigint":
        continue;
      case "string":
        // A lone surrogate cannot be encoded: byte stores would silently replace it.
        if (!v.isWellFormed()) throw refuse(path, "a string with a lone surrogate", "use string.toWellFormed() or bytes");
        continue;
      case "function":
        throw refuse(path, "a function", "cache the data it produces instead");
      case "symbol":
        throw refuse(path, "a symbol");
    }
    if (v === null) continue;
    const kind = KINDS.get(Object.getPrototypeOf(v)) ?? (v instanceof Uint8Array ? LEAF : undefined); // a Node Buffer: bytes
    if (kind === undefined) throw refuse(path, ...nameOf(v));
    if (kind === LEAF) {
      // Bytes whose buffer was transferred cannot be read: refused here, not met while encoding.
      if (detached(v)) throw refuse(path, "bytes whose buffer was transferred (detached)", "cache a copy");
      continue;
    }
    if (onPath.has(v)) throw refuse(path, "a circular structure", "an object cannot contain itself");
    if (seen.has(v)) continue;
    if (depth >= limit) throw refuse(path, `a value nested deeper than ${limit} levels`);
    seen.add(v);
    onPath.add(v);
    stack.push([EXIT, v]);
    if (kind === ARRAY) {
      for (let i = v.length - 1; i >= 0; i--) if (i in v) stack.push([v[i], `${path}[${i}]`, depth + 1]);
    } else if (kind === PLAIN) {
      for (const k of Object.keys(v)) {
        if (!k.isWellFormed()) throw refuse(path, "an object key with a lone surrogate");
        stack.push([v[k], `${path}${key(k)}`, depth + 1]);
      }
    } else if (kind === MAP) {
      let i = 0;
      for (const [k, x] of v) {
        stack.push([k, `${path}.<key ${i}>`, depth + 1], [x, `${path}.get(${entryKey(k, i)})`, depth + 1]);
        i++;
      }
    } else {
      let i = 0;
      for (const x of v) stack.push([x, `${path}.<element ${i++}>`, depth + 1]);
    }
  }
  return value;
}

const EXIT = Symbol("exit");

// The quick pass: what most creators return (a small tree of plain objects, arrays and
// primitives) is accepted without the walk's stack, sets and path strings, which cost a miss
// more than the rest of the library's JS (the path is only wanted for an error). It accepts only
// what the walk accepts; on anything else (another kind of object, more than QUICK_VALUES
// values, deeper than QUICK_DEPTH, which a cycle reaches) it answers false and the walk decides.
const QUICK_VALUES = 64;
const QUICK_DEPTH = 8;
let budget = 0;

/** @param {unknown} v @param {number} levels containers still allowed below here @returns {boolean} */
function quick(v, levels) {
  if (--budget < 0) return false;
  switch (typeof v) {
    case "undefined":
    case "boolean":
    case "number":
    case "bigint":
      return true;
    case "string":
      return v.isWellFormed();
    case "object":
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (levels === 0) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const list = /** @type {unknown[]} */ (v);
    if (list.length > QUICK_VALUES) return false; // holes spend no budget: a sparse array could be long
    for (let i = 0; i < list.length; i++) if (i in list && !quick(list[i], levels - 1)) return false;
    return true;
  }
  if (proto !== Object.prototype) return false;
  const obj = /** @type {Record<string, unknown>} */ (v);
  for (const k of Object.keys(obj)) if (!k.isWellFormed() || !quick(obj[k], levels - 1)) return false;
  return true;
}

/** Whether `v` (a leaf) is bytes over a detached ArrayBuffer. */
function detached(v) {
  const buffer = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : undefined;
  if (buffer === undefined) return false;
  const known = /** @type {{ detached?: boolean }} */ (/** @type {unknown} */ (buffer)).detached;
  if (typeof known === "boolean") return known;
  try {
    new Uint8Array(buffer, 0, 0); // throws on a detached buffer (runtimes without `detached`)
    return false;
  } catch {
    return true;
  }
}
